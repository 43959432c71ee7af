#include "iam/authz/policy_admin_service.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "iam/account/ids.h"
#include "iam/account/mutation.h"
#include "iam/account/paging.h"
#include "iam/account/user_service.h"
#include "iam/authz/builtin_policies.h"
#include "iam/common/status_macros.h"
#include "iam/common/text.h"
#include "iam/store/iam_policy_store.h"
#include "iam/store/user_store.h"
#include "policy/policy.h"

namespace iam::authz {
namespace {

using account::PrincipalName;
using store::PrincipalRef;

constexpr size_t kMaxPolicyName = 128;
constexpr size_t kMaxDescription = 1000;

// The principal type as IAM's action names spell it (iam:AttachUserPolicy).
const char* Capital(store::PrincipalType type) {
  switch (type) {
    case store::PrincipalType::kUser:
      return "User";
    case store::PrincipalType::kGroup:
      return "Group";
    case store::PrincipalType::kRole:
      return "Role";
  }
  return "";
}

std::string PrincipalPath(const PrincipalName& p) { return account::PrincipalPath(p.type, p.name); }

// A policy as a request names it: a name, or a managed or built-in ARN.
struct PolicyRef {
  std::string name;
  bool builtin = false;
};

absl::StatusOr<PolicyRef> ParsePolicyRef(const std::string& account, const std::string& ref) {
  if (absl::StartsWith(ref, kBuiltinArnPrefix)) {
    std::string name = ref.substr(sizeof(kBuiltinArnPrefix) - 1);
    if (FindBuiltin(name) == nullptr) return absl::NotFoundError("policy not found");
    return PolicyRef{name, true};
  }
  if (absl::StartsWith(ref, "arn:")) {
    // Another account's policy is not there, as far as this caller knows.
    auto arn = account::ParseIamArn(ref);
    if (!arn || arn->account != account || arn->kind != "policy") {
      return absl::NotFoundError("policy not found");
    }
    RETURN_IF_ERROR(text::CheckName("policy", arn->name, kMaxPolicyName));
    return PolicyRef{arn->name, false};
  }
  RETURN_IF_ERROR(text::CheckName("policy", ref, kMaxPolicyName));
  return PolicyRef{ref, false};
}

constexpr char kCannotChange[] = "built-in policies cannot be changed";
constexpr char kCannotDelete[] = "built-in policies cannot be deleted";

// The account and the policy a request names. With a refusal, a built-in
// policy is refused with it: those cannot be changed or deleted.
absl::StatusOr<std::pair<std::string, PolicyRef>> Named(const account::Caller& caller,
                                                        const std::string& account_id,
                                                        const std::string& policy,
                                                        const char* refusal = nullptr) {
  ASSIGN_OR_RETURN(std::string account, account::ResolveAccountId(caller, account_id));
  ASSIGN_OR_RETURN(PolicyRef ref, ParsePolicyRef(account, policy));
  if (refusal != nullptr && ref.builtin) return absl::FailedPreconditionError(refusal);
  return std::make_pair(std::move(account), std::move(ref));
}

std::string ArnOf(const std::string& account, const PolicyRef& ref) {
  return ref.builtin ? BuiltinArn(ref.name) : account::ManagedPolicyArn(account, ref.name);
}

// The store id of the policy a ref names; NOT_FOUND when there is none.
absl::StatusOr<std::string> PolicyIdOf(store::Tx& tx, const std::string& account,
                                       const PolicyRef& ref) {
  if (ref.builtin) return BuiltinId(ref.name);
  ASSIGN_OR_RETURN(store::ManagedPolicyRow row,
                   store::iam_policies::GetPolicy(tx, account, ref.name));
  return row.id;
}

ManagedPolicyView ViewOf(const std::string& account, const store::ManagedPolicyRow& row) {
  return ManagedPolicyView{row.name,
                           account::ManagedPolicyArn(account, row.name),
                           row.description,
                           false,
                           row.default_version,
                           row.created_at,
                           row.updated_at,
                           0,
                           ""};
}

ManagedPolicyView BuiltinView(const BuiltinPolicy& b) {
  return ManagedPolicyView{b.name, BuiltinArn(b.name), b.description, true, 1, 0, 0, 0, b.document};
}

// A policy's view by store id, for listings of what a principal has.
absl::StatusOr<ManagedPolicyView> ViewById(store::Tx& tx, const std::string& account,
                                           const std::string& id) {
  if (IsBuiltinId(id)) {
    const BuiltinPolicy* b = FindBuiltin(id.substr(sizeof(kBuiltinIdPrefix) - 1));
    if (b == nullptr) return absl::DataLossError("attachment names an unknown built-in policy");
    return BuiltinView(*b);
  }
  ASSIGN_OR_RETURN(store::ManagedPolicyRow row, store::iam_policies::GetPolicyById(tx, id));
  return ViewOf(account, row);
}

bool IsAdministratorAccess(const PolicyRef& ref) {
  return ref.builtin && ref.name == kAdministratorAccess;
}

absl::Status CheckTagKey(const std::string& field, const std::string& key) {
  if (key.empty() || key.size() > 128) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": 1 to 128 characters"));
  }
  for (char c : key) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) &&
        std::string_view(" _.:/=+-@").find(c) == std::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": letters, digits, spaces and _.:/=+-@ only"));
    }
  }
  if (absl::StartsWithIgnoreCase(key, "aws:")) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": the aws: prefix is reserved"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status PolicyAdminService::ValidateDocument(const std::string& document) const {
  if (document.empty()) return absl::InvalidArgumentError("document: required");
  if (!text::IsValidUtf8(document)) {
    return absl::InvalidArgumentError("document: not valid UTF-8");
  }
  policy::ParseOptions opts;
  opts.kind = policy::PolicyKind::kIdentity;
  opts.max_size = limit_;
  auto parsed = policy::ParsePolicy(document, opts);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("document: ", parsed.status().message()));
  }
  return absl::OkStatus();
}

absl::StatusOr<ManagedPolicyView> PolicyAdminService::Create(const account::Caller& caller,
                                                             const std::string& account_id,
                                                             const std::string& name,
                                                             const std::string& description,
                                                             const std::string& document) {
  RETURN_IF_ERROR(text::CheckName("name", name, kMaxPolicyName));
  ASSIGN_OR_RETURN(std::string account, account::ResolveAccountId(caller, account_id));
  RETURN_IF_ERROR(text::CheckFreeText("description", description, kMaxDescription));
  RETURN_IF_ERROR(ValidateDocument(document));
  if (FindBuiltin(name) != nullptr) {
    return absl::AlreadyExistsError("name: a built-in policy has that name");
  }
  const int64_t now = clock_.NowMs();
  store::ManagedPolicyRow row{
      account::NewPolicyId(random_), account, name, description, 1, 2, now, now};
  RETURN_IF_ERROR(mutations_.Run(
      caller, account::Operation("iam:CreatePolicy", account, "policy/" + name),
      [&](store::Tx& tx, const std::string& account, audit::Event& record) -> absl::Status {
        absl::Status s = store::iam_policies::InsertPolicy(tx, row);
        if (absl::IsAlreadyExists(s)) {
          return absl::AlreadyExistsError("name: a policy of that name exists in the account");
        }
        RETURN_IF_ERROR(s);
        RETURN_IF_ERROR(
            store::iam_policies::InsertVersion(tx, account, {row.id, 1, document, now}));
        record.Object("policy", row.id);
        record.detail["name"] = name;
        record.detail["document"] = document;
        return absl::OkStatus();
      }));
  ManagedPolicyView view = ViewOf(account, row);
  view.document = document;
  return view;
}

absl::StatusOr<ManagedPolicyView> PolicyAdminService::Get(const account::Caller& caller,
                                                          const std::string& account_id,
                                                          const std::string& policy) {
  ASSIGN_OR_RETURN(auto named, Named(caller, account_id, policy));
  const auto& [account, ref] = named;
  RETURN_IF_ERROR(
      mutations_.Admit(caller, account::Operation("iam:GetPolicy", account, ArnOf(account, ref)))
          .status());
  ManagedPolicyView view;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::string id, PolicyIdOf(tx, account, ref));
    ASSIGN_OR_RETURN(view, ViewById(tx, account, id));
    ASSIGN_OR_RETURN(auto attached, store::iam_policies::ListAttachmentsOfPolicy(tx, id));
    view.attachment_count = 0;
    for (const auto& a : attached) view.attachment_count += a.account_id == account ? 1 : 0;
    if (IsAdministratorAccess(ref)) {
      ASSIGN_OR_RETURN(int64_t admins, store::users::CountActiveAdmins(tx, account));
      view.attachment_count += admins;
    }
    if (!ref.builtin) {
      ASSIGN_OR_RETURN(auto v, store::iam_policies::GetVersion(tx, id, view.default_version));
      view.document = v.document;
    }
    return absl::OkStatus();
  }));
  return view;
}

absl::StatusOr<account::Listing<ManagedPolicyView>> PolicyAdminService::List(
    const account::Caller& caller, const std::string& account_id, int page_size,
    const std::string& page_token, bool include_builtin) {
  ASSIGN_OR_RETURN(
      std::string account,
      mutations_.Admit(caller, account::Operation("iam:ListPolicies", account_id, "policy/*")));
  ASSIGN_OR_RETURN(account::Page page, account::ParsePage(page_size, page_token, "policies"));
  std::vector<store::ManagedPolicyRow> rows;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(rows,
                     store::iam_policies::ListPolicies(tx, account, page.after, page.size + 1));
    return absl::OkStatus();
  }));
  account::Listing<ManagedPolicyView> out;
  if (include_builtin && page.after.empty()) {
    for (const BuiltinPolicy& b : BuiltinPolicies()) {
      ManagedPolicyView v = BuiltinView(b);
      v.document.clear();
      out.items.push_back(std::move(v));
    }
  }
  if (static_cast<int>(rows.size()) > page.size) {
    rows.resize(page.size);
    out.next_page_token = account::PageToken("policies", text::AsciiLower(rows.back().name));
  }
  for (const auto& r : rows) out.items.push_back(ViewOf(account, r));
  return out;
}

absl::Status PolicyAdminService::Delete(const account::Caller& caller,
                                        const std::string& account_id, const std::string& policy) {
  ASSIGN_OR_RETURN(auto named, Named(caller, account_id, policy, kCannotDelete));
  const auto& [account, ref] = named;
  return mutations_.Run(
      caller, account::Operation("iam:DeletePolicy", account, ArnOf(account, ref)),
      [&](store::Tx& tx, const std::string& account, audit::Event& record) -> absl::Status {
        ASSIGN_OR_RETURN(store::ManagedPolicyRow row,
                         store::iam_policies::GetPolicy(tx, account, ref.name));
        ASSIGN_OR_RETURN(auto attached, store::iam_policies::ListAttachmentsOfPolicy(tx, row.id));
        ASSIGN_OR_RETURN(int64_t boundaries, store::iam_policies::CountBoundaryUses(tx, row.id));
        if (!attached.empty() || boundaries > 0) {
          return absl::FailedPreconditionError(absl::StrCat(
              "the policy is attached to ", attached.size(),
              " principal(s) and is the boundary of ", boundaries, ": detach it first"));
        }
        RETURN_IF_ERROR(store::iam_policies::DeletePolicy(tx, row.id));
        record.Object("policy", row.id);
        record.detail["name"] = row.name;
        return absl::OkStatus();
      });
}

absl::StatusOr<PolicyVersionView> PolicyAdminService::CreateVersion(const account::Caller& caller,
                                                                    const std::string& account_id,
                                                                    const std::string& policy,
                                                                    const std::string& document,
                                                                    bool set_default) {
  ASSIGN_OR_RETURN(auto named, Named(caller, account_id, policy, kCannotChange));
  const auto& [account, ref] = named;
  RETURN_IF_ERROR(ValidateDocument(document));
  PolicyVersionView view;
  RETURN_IF_ERROR(mutations_.Run(
      caller, account::Operation("iam:CreatePolicyVersion", account, ArnOf(account, ref)),
      [&](store::Tx& tx, const std::string& account, audit::Event& record) -> absl::Status {
        ASSIGN_OR_RETURN(store::ManagedPolicyRow row,
                         store::iam_policies::GetPolicy(tx, account, ref.name));
        ASSIGN_OR_RETURN(auto versions, store::iam_policies::ListVersions(tx, row.id));
        if (static_cast<int>(versions.size()) >= kMaxPolicyVersions) {
          return absl::FailedPreconditionError(absl::StrCat(
              "the policy has ", kMaxPolicyVersions, " versions, the most: delete one first"));
        }
        const int64_t now = clock_.NowMs();
        view = PolicyVersionView{row.next_version, set_default, document, now};
        RETURN_IF_ERROR(
            store::iam_policies::InsertVersion(tx, account, {row.id, view.version, document, now}));
        const int64_t before = row.default_version;
        if (set_default) row.default_version = view.version;
        ++row.next_version;
        row.updated_at = now;
        RETURN_IF_ERROR(store::iam_policies::UpdatePolicy(tx, row));
        record.Object("policy", row.id);
        record.detail["name"] = row.name;
        record.detail["version"] = view.version;
        record.detail["document"] = document;
        record.detail["default_version"] = {{"before", before}, {"after", row.default_version}};
        return absl::OkStatus();
      }));
  return view;
}

absl::StatusOr<PolicyVersionView> PolicyAdminService::GetVersion(const account::Caller& caller,
                                                                 const std::string& account_id,
                                                                 const std::string& policy,
                                                                 int64_t version) {
  ASSIGN_OR_RETURN(auto versions, ListVersions(caller, account_id, policy));
  for (auto& v : versions) {
    if (v.version == version) return v;
  }
  return absl::NotFoundError("policy version not found");
}

absl::StatusOr<std::vector<PolicyVersionView>> PolicyAdminService::ListVersions(
    const account::Caller& caller, const std::string& account_id, const std::string& policy) {
  ASSIGN_OR_RETURN(auto named, Named(caller, account_id, policy));
  const auto& [account, ref] = named;
  RETURN_IF_ERROR(
      mutations_
          .Admit(caller, account::Operation("iam:ListPolicyVersions", account, ArnOf(account, ref)))
          .status());
  if (ref.builtin) {
    return std::vector<PolicyVersionView>{{1, true, FindBuiltin(ref.name)->document, 0}};
  }
  std::vector<PolicyVersionView> out;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    out.clear();
    ASSIGN_OR_RETURN(store::ManagedPolicyRow row,
                     store::iam_policies::GetPolicy(tx, account, ref.name));
    ASSIGN_OR_RETURN(auto versions, store::iam_policies::ListVersions(tx, row.id));
    for (const auto& v : versions) {
      out.push_back({v.version, v.version == row.default_version, v.document, v.created_at});
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::Status PolicyAdminService::SetDefaultVersion(const account::Caller& caller,
                                                   const std::string& account_id,
                                                   const std::string& policy, int64_t version) {
  ASSIGN_OR_RETURN(auto named, Named(caller, account_id, policy, kCannotChange));
  const auto& [account, ref] = named;
  return mutations_.Run(
      caller, account::Operation("iam:SetDefaultPolicyVersion", account, ArnOf(account, ref)),
      [&](store::Tx& tx, const std::string& account, audit::Event& record) -> absl::Status {
        ASSIGN_OR_RETURN(store::ManagedPolicyRow row,
                         store::iam_policies::GetPolicy(tx, account, ref.name));
        RETURN_IF_ERROR(store::iam_policies::GetVersion(tx, row.id, version).status());
        const int64_t before = row.default_version;
        row.default_version = version;
        row.updated_at = clock_.NowMs();
        RETURN_IF_ERROR(store::iam_policies::UpdatePolicy(tx, row));
        record.Object("policy", row.id);
        record.detail["name"] = row.name;
        record.detail["default_version"] = {{"before", before}, {"after", version}};
        return absl::OkStatus();
      });
}

absl::Status PolicyAdminService::DeleteVersion(const account::Caller& caller,
                                               const std::string& account_id,
                                               const std::string& policy, int64_t version) {
  ASSIGN_OR_RETURN(auto named, Named(caller, account_id, policy, kCannotChange));
  const auto& [account, ref] = named;
  return mutations_.Run(
      caller, account::Operation("iam:DeletePolicyVersion", account, ArnOf(account, ref)),
      [&](store::Tx& tx, const std::string& account, audit::Event& record) -> absl::Status {
        ASSIGN_OR_RETURN(store::ManagedPolicyRow row,
                         store::iam_policies::GetPolicy(tx, account, ref.name));
        if (version == row.default_version) {
          return absl::FailedPreconditionError(
              "the default version cannot be deleted: make another the default first");
        }
        RETURN_IF_ERROR(store::iam_policies::DeleteVersion(tx, row.id, version));
        record.Object("policy", row.id);
        record.detail["name"] = row.name;
        record.detail["version"] = version;
        return absl::OkStatus();
      });
}

absl::Status PolicyAdminService::Attach(const account::Caller& caller,
                                        const std::string& account_id, const std::string& policy,
                                        const PrincipalName& to) {
  return ChangeAttachment(caller, account_id, policy, to, true);
}

absl::Status PolicyAdminService::Detach(const account::Caller& caller,
                                        const std::string& account_id, const std::string& policy,
                                        const PrincipalName& from) {
  return ChangeAttachment(caller, account_id, policy, from, false);
}

absl::Status PolicyAdminService::ChangeAttachment(const account::Caller& caller,
                                                  const std::string& account_id,
                                                  const std::string& policy, const PrincipalName& p,
                                                  bool attach) {
  RETURN_IF_ERROR(account::CheckPrincipalName(p, true));
  const std::string action =
      absl::StrCat(attach ? "iam:Attach" : "iam:Detach", Capital(p.type), "Policy");
  ASSIGN_OR_RETURN(auto named, Named(caller, account_id, policy));
  const auto& [account, ref] = named;
  return mutations_.Run(
      caller, account::Operation(action, account, PrincipalPath(p)),
      [&](store::Tx& tx, const std::string& account, audit::Event& record) -> absl::Status {
        ASSIGN_OR_RETURN(std::string id, PolicyIdOf(tx, account, ref));
        ASSIGN_OR_RETURN(PrincipalRef r, account::ResolvePrincipal(tx, account, p));
        if (r.type == store::PrincipalType::kUser && IsAdministratorAccess(ref)) {
          // A user's direct AdministratorAccess is its admin flag.
          ASSIGN_OR_RETURN(store::UserRow u, store::users::Get(tx, r.id));
          if (attach && u.is_admin) return absl::AlreadyExistsError("policy is attached already");
          if (!attach && !u.is_admin) return absl::NotFoundError("policy is not attached");
          if (!attach) RETURN_IF_ERROR(account::KeepsAnAdmin(tx, u, false));
          u.is_admin = attach;
          u.updated_at = clock_.NowMs();
          RETURN_IF_ERROR(store::users::Update(tx, u));
        } else if (attach) {
          RETURN_IF_ERROR(store::iam_policies::Attach(tx, {id, r, account, clock_.NowMs()}));
        } else {
          RETURN_IF_ERROR(store::iam_policies::Detach(tx, id, r));
        }
        record.Object(store::Name(p.type), r.id);
        record.detail[store::Name(p.type)] = p.name;
        record.detail["policy"] = ArnOf(account, ref);
        return absl::OkStatus();
      });
}

absl::StatusOr<PrincipalPolicies> PolicyAdminService::ListOf(const account::Caller& caller,
                                                             const std::string& account_id,
                                                             const PrincipalName& p) {
  RETURN_IF_ERROR(account::CheckPrincipalName(p, true));
  ASSIGN_OR_RETURN(
      std::string account,
      mutations_.Admit(
          caller, account::Operation(absl::StrCat("iam:ListAttached", Capital(p.type), "Policies"),
                                     account_id, PrincipalPath(p))));
  PrincipalPolicies out;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    out = PrincipalPolicies{};
    ASSIGN_OR_RETURN(PrincipalRef ref, account::ResolvePrincipal(tx, account, p));
    if (ref.type == store::PrincipalType::kUser) {
      ASSIGN_OR_RETURN(store::UserRow u, store::users::Get(tx, ref.id));
      if (u.is_admin) out.attached.push_back(BuiltinView(*FindBuiltin(kAdministratorAccess)));
    }
    ASSIGN_OR_RETURN(auto attached, store::iam_policies::ListAttachmentsOf(tx, ref));
    for (const auto& a : attached) {
      ASSIGN_OR_RETURN(ManagedPolicyView v, ViewById(tx, account, a.policy_id));
      v.document.clear();
      out.attached.push_back(std::move(v));
    }
    ASSIGN_OR_RETURN(auto inlines, store::iam_policies::ListInline(tx, ref));
    for (const auto& i : inlines) out.inline_names.push_back(i.name);
    ASSIGN_OR_RETURN(auto boundary, store::iam_policies::GetBoundary(tx, ref));
    if (boundary) {
      ASSIGN_OR_RETURN(ManagedPolicyView v, ViewById(tx, account, boundary->policy_id));
      v.document.clear();
      out.boundary = std::move(v);
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::Status PolicyAdminService::PutInline(const account::Caller& caller,
                                           const std::string& account_id, const PrincipalName& p,
                                           const std::string& name, const std::string& document) {
  RETURN_IF_ERROR(account::CheckPrincipalName(p, true));
  RETURN_IF_ERROR(text::CheckName("policy_name", name, kMaxPolicyName));
  const std::string action = absl::StrCat("iam:Put", Capital(p.type), "Policy");
  ASSIGN_OR_RETURN(std::string account, account::ResolveAccountId(caller, account_id));
  RETURN_IF_ERROR(ValidateDocument(document));
  return mutations_.Run(
      caller, account::Operation(action, account, PrincipalPath(p)),
      [&](store::Tx& tx, const std::string& account, audit::Event& record) -> absl::Status {
        ASSIGN_OR_RETURN(PrincipalRef ref, account::ResolvePrincipal(tx, account, p));
        auto before = store::iam_policies::GetInline(tx, ref, name);
        RETURN_IF_ERROR(
            store::iam_policies::PutInline(tx, {ref, name, account, document, clock_.NowMs()}));
        record.Object(store::Name(p.type), ref.id);
        record.detail[store::Name(p.type)] = p.name;
        record.detail["policy_name"] = name;
        record.detail["document"] = {
            {"before", before.ok() ? nlohmann::json(before->document) : nullptr},
            {"after", document}};
        return absl::OkStatus();
      });
}

absl::StatusOr<InlinePolicyView> PolicyAdminService::GetInline(const account::Caller& caller,
                                                               const std::string& account_id,
                                                               const PrincipalName& p,
                                                               const std::string& name) {
  RETURN_IF_ERROR(account::CheckPrincipalName(p, true));
  RETURN_IF_ERROR(text::CheckName("policy_name", name, kMaxPolicyName));
  ASSIGN_OR_RETURN(std::string account,
                   mutations_.Admit(caller, account::Operation(
                                                absl::StrCat("iam:Get", Capital(p.type), "Policy"),
                                                account_id, PrincipalPath(p))));
  InlinePolicyView view;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(PrincipalRef ref, account::ResolvePrincipal(tx, account, p));
    ASSIGN_OR_RETURN(auto row, store::iam_policies::GetInline(tx, ref, name));
    view = InlinePolicyView{row.name, row.document, row.updated_at};
    return absl::OkStatus();
  }));
  return view;
}

absl::Status PolicyAdminService::DeleteInline(const account::Caller& caller,
                                              const std::string& account_id, const PrincipalName& p,
                                              const std::string& name) {
  RETURN_IF_ERROR(account::CheckPrincipalName(p, true));
  RETURN_IF_ERROR(text::CheckName("policy_name", name, kMaxPolicyName));
  const std::string action = absl::StrCat("iam:Delete", Capital(p.type), "Policy");
  ASSIGN_OR_RETURN(std::string account, account::ResolveAccountId(caller, account_id));
  return mutations_.Run(
      caller, account::Operation(action, account, PrincipalPath(p)),
      [&](store::Tx& tx, const std::string& account, audit::Event& record) -> absl::Status {
        ASSIGN_OR_RETURN(PrincipalRef ref, account::ResolvePrincipal(tx, account, p));
        RETURN_IF_ERROR(store::iam_policies::DeleteInline(tx, ref, name));
        record.Object(store::Name(p.type), ref.id);
        record.detail[store::Name(p.type)] = p.name;
        record.detail["policy_name"] = name;
        return absl::OkStatus();
      });
}

absl::Status PolicyAdminService::SetBoundary(const account::Caller& caller,
                                             const std::string& account_id, const PrincipalName& p,
                                             const std::string& policy) {
  RETURN_IF_ERROR(account::CheckPrincipalName(p, true));
  if (p.type == store::PrincipalType::kGroup) {
    return absl::InvalidArgumentError("principal: boundaries apply to users and roles");
  }
  const std::string action = absl::StrCat("iam:Put", Capital(p.type), "PermissionsBoundary");
  ASSIGN_OR_RETURN(auto named, Named(caller, account_id, policy));
  const auto& [account, ref] = named;
  return mutations_.Run(
      caller, account::Operation(action, account, PrincipalPath(p)),
      [&](store::Tx& tx, const std::string& account, audit::Event& record) -> absl::Status {
        ASSIGN_OR_RETURN(std::string id, PolicyIdOf(tx, account, ref));
        ASSIGN_OR_RETURN(PrincipalRef r, account::ResolvePrincipal(tx, account, p));
        RETURN_IF_ERROR(store::iam_policies::SetBoundary(tx, {r, account, id, clock_.NowMs()}));
        record.Object(store::Name(p.type), r.id);
        record.detail[store::Name(p.type)] = p.name;
        record.detail["policy"] = ArnOf(account, ref);
        return absl::OkStatus();
      });
}

absl::Status PolicyAdminService::ClearBoundary(const account::Caller& caller,
                                               const std::string& account_id,
                                               const PrincipalName& p) {
  RETURN_IF_ERROR(account::CheckPrincipalName(p, true));
  if (p.type == store::PrincipalType::kGroup) {
    return absl::InvalidArgumentError("principal: boundaries apply to users and roles");
  }
  const std::string action = absl::StrCat("iam:Delete", Capital(p.type), "PermissionsBoundary");
  ASSIGN_OR_RETURN(std::string account, account::ResolveAccountId(caller, account_id));
  return mutations_.Run(
      caller, account::Operation(action, account, PrincipalPath(p)),
      [&](store::Tx& tx, const std::string& account, audit::Event& record) -> absl::Status {
        ASSIGN_OR_RETURN(PrincipalRef r, account::ResolvePrincipal(tx, account, p));
        RETURN_IF_ERROR(store::iam_policies::ClearBoundary(tx, r));
        record.Object(store::Name(p.type), r.id);
        record.detail[store::Name(p.type)] = p.name;
        return absl::OkStatus();
      });
}

absl::Status PolicyAdminService::Tag(const account::Caller& caller, const std::string& account_id,
                                     const PrincipalName& p,
                                     const std::vector<std::pair<std::string, std::string>>& tags) {
  RETURN_IF_ERROR(account::CheckPrincipalName(p, true));
  if (p.type == store::PrincipalType::kGroup)
    return absl::InvalidArgumentError("principal: users and roles have tags");
  if (tags.empty() || tags.size() > kMaxTagsPerPrincipal) {
    return absl::InvalidArgumentError(
        absl::StrCat("tags: between 1 and ", kMaxTagsPerPrincipal, " tags"));
  }
  for (size_t i = 0; i < tags.size(); ++i) {
    RETURN_IF_ERROR(CheckTagKey(absl::StrCat("tags[", i, "].key"), tags[i].first));
    RETURN_IF_ERROR(text::CheckFreeText(absl::StrCat("tags[", i, "].value"), tags[i].second, 256));
  }
  const std::string action = absl::StrCat("iam:Tag", Capital(p.type));
  ASSIGN_OR_RETURN(std::string account, account::ResolveAccountId(caller, account_id));
  return mutations_.Run(
      caller, account::Operation(action, account, PrincipalPath(p)),
      [&](store::Tx& tx, const std::string& account, audit::Event& record) -> absl::Status {
        ASSIGN_OR_RETURN(PrincipalRef r, account::ResolvePrincipal(tx, account, p));
        nlohmann::json changed = nlohmann::json::object();
        for (const auto& [k, v] : tags) {
          RETURN_IF_ERROR(store::iam_policies::PutTag(tx, {r, k, v, account}));
          changed[k] = v;
        }
        ASSIGN_OR_RETURN(auto all, store::iam_policies::ListTags(tx, r));
        if (all.size() > kMaxTagsPerPrincipal) {
          return absl::FailedPreconditionError(
              absl::StrCat("a principal has at most ", kMaxTagsPerPrincipal, " tags"));
        }
        record.Object(store::Name(p.type), r.id);
        record.detail[store::Name(p.type)] = p.name;
        record.detail["tags"] = changed;
        return absl::OkStatus();
      });
}

absl::Status PolicyAdminService::Untag(const account::Caller& caller, const std::string& account_id,
                                       const PrincipalName& p,
                                       const std::vector<std::string>& keys) {
  RETURN_IF_ERROR(account::CheckPrincipalName(p, true));
  if (p.type == store::PrincipalType::kGroup)
    return absl::InvalidArgumentError("principal: users and roles have tags");
  if (keys.empty() || keys.size() > kMaxTagsPerPrincipal) {
    return absl::InvalidArgumentError(
        absl::StrCat("keys: between 1 and ", kMaxTagsPerPrincipal, " keys"));
  }
  for (size_t i = 0; i < keys.size(); ++i) {
    RETURN_IF_ERROR(CheckTagKey(absl::StrCat("keys[", i, "]"), keys[i]));
  }
  const std::string action = absl::StrCat("iam:Untag", Capital(p.type));
  ASSIGN_OR_RETURN(std::string account, account::ResolveAccountId(caller, account_id));
  return mutations_.Run(
      caller, account::Operation(action, account, PrincipalPath(p)),
      [&](store::Tx& tx, const std::string& account, audit::Event& record) -> absl::Status {
        ASSIGN_OR_RETURN(PrincipalRef r, account::ResolvePrincipal(tx, account, p));
        for (const std::string& k : keys) {
          absl::Status s = store::iam_policies::DeleteTag(tx, r, k);
          if (!s.ok() && !absl::IsNotFound(s)) return s;
        }
        record.Object(store::Name(p.type), r.id);
        record.detail[store::Name(p.type)] = p.name;
        record.detail["keys"] = keys;
        return absl::OkStatus();
      });
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>> PolicyAdminService::ListTags(
    const account::Caller& caller, const std::string& account_id, const PrincipalName& p) {
  RETURN_IF_ERROR(account::CheckPrincipalName(p, true));
  if (p.type == store::PrincipalType::kGroup)
    return absl::InvalidArgumentError("principal: users and roles have tags");
  ASSIGN_OR_RETURN(
      std::string account,
      mutations_.Admit(caller, account::Operation(absl::StrCat("iam:List", Capital(p.type), "Tags"),
                                                  account_id, PrincipalPath(p))));
  std::vector<std::pair<std::string, std::string>> out;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    out.clear();
    ASSIGN_OR_RETURN(PrincipalRef r, account::ResolvePrincipal(tx, account, p));
    ASSIGN_OR_RETURN(auto tags, store::iam_policies::ListTags(tx, r));
    for (const auto& t : tags) out.emplace_back(t.key, t.value);
    return absl::OkStatus();
  }));
  return out;
}

}  // namespace iam::authz
