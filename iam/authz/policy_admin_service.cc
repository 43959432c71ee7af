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
#include "iam/authz/policy_ref.h"
#include "iam/common/status_macros.h"
#include "iam/common/text.h"
#include "iam/store/iam_policy_store.h"
#include "iam/store/user_store.h"
#include "policy/policy.h"

namespace iam::authz {
namespace {

using account::PrincipalName;
using store::PrincipalRef;

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
  RETURN_IF_ERROR(text::CheckFreeText("description", description, text::kMaxDescriptionChars));
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
  ASSIGN_OR_RETURN(auto named, NamedPolicy(caller, account_id, policy));
  const auto& [account, ref] = named;
  RETURN_IF_ERROR(
      mutations_.Admit(caller, account::Operation("iam:GetPolicy", account, PolicyArnOf(account, ref)))
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
  ASSIGN_OR_RETURN(auto named, NamedPolicy(caller, account_id, policy, kCannotDelete));
  const auto& [account, ref] = named;
  return mutations_.Run(
      caller, account::Operation("iam:DeletePolicy", account, PolicyArnOf(account, ref)),
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
  ASSIGN_OR_RETURN(auto named, NamedPolicy(caller, account_id, policy, kCannotChange));
  const auto& [account, ref] = named;
  RETURN_IF_ERROR(ValidateDocument(document));
  PolicyVersionView view;
  RETURN_IF_ERROR(mutations_.Run(
      caller, account::Operation("iam:CreatePolicyVersion", account, PolicyArnOf(account, ref)),
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
  ASSIGN_OR_RETURN(auto named, NamedPolicy(caller, account_id, policy));
  const auto& [account, ref] = named;
  RETURN_IF_ERROR(
      mutations_
          .Admit(caller, account::Operation("iam:ListPolicyVersions", account, PolicyArnOf(account, ref)))
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
  ASSIGN_OR_RETURN(auto named, NamedPolicy(caller, account_id, policy, kCannotChange));
  const auto& [account, ref] = named;
  return mutations_.Run(
      caller, account::Operation("iam:SetDefaultPolicyVersion", account, PolicyArnOf(account, ref)),
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
  ASSIGN_OR_RETURN(auto named, NamedPolicy(caller, account_id, policy, kCannotChange));
  const auto& [account, ref] = named;
  return mutations_.Run(
      caller, account::Operation("iam:DeletePolicyVersion", account, PolicyArnOf(account, ref)),
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
      absl::StrCat(attach ? "iam:Attach" : "iam:Detach", ActionWord(p.type), "Policy");
  ASSIGN_OR_RETURN(auto named, NamedPolicy(caller, account_id, policy));
  const auto& [account, ref] = named;
  return mutations_.Run(
      caller, account::Operation(action, account, PathOf(p)),
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
        record.detail["policy"] = PolicyArnOf(account, ref);
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
          caller, account::Operation(absl::StrCat("iam:ListAttached", ActionWord(p.type), "Policies"),
                                     account_id, PathOf(p))));
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
  const std::string action = absl::StrCat("iam:Put", ActionWord(p.type), "Policy");
  ASSIGN_OR_RETURN(std::string account, account::ResolveAccountId(caller, account_id));
  RETURN_IF_ERROR(ValidateDocument(document));
  return mutations_.Run(
      caller, account::Operation(action, account, PathOf(p)),
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
                                                absl::StrCat("iam:Get", ActionWord(p.type), "Policy"),
                                                account_id, PathOf(p))));
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
  const std::string action = absl::StrCat("iam:Delete", ActionWord(p.type), "Policy");
  ASSIGN_OR_RETURN(std::string account, account::ResolveAccountId(caller, account_id));
  return mutations_.Run(
      caller, account::Operation(action, account, PathOf(p)),
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
  const std::string action = absl::StrCat("iam:Put", ActionWord(p.type), "PermissionsBoundary");
  ASSIGN_OR_RETURN(auto named, NamedPolicy(caller, account_id, policy));
  const auto& [account, ref] = named;
  return mutations_.Run(
      caller, account::Operation(action, account, PathOf(p)),
      [&](store::Tx& tx, const std::string& account, audit::Event& record) -> absl::Status {
        ASSIGN_OR_RETURN(std::string id, PolicyIdOf(tx, account, ref));
        ASSIGN_OR_RETURN(PrincipalRef r, account::ResolvePrincipal(tx, account, p));
        RETURN_IF_ERROR(store::iam_policies::SetBoundary(tx, {r, account, id, clock_.NowMs()}));
        record.Object(store::Name(p.type), r.id);
        record.detail[store::Name(p.type)] = p.name;
        record.detail["policy"] = PolicyArnOf(account, ref);
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
  const std::string action = absl::StrCat("iam:Delete", ActionWord(p.type), "PermissionsBoundary");
  ASSIGN_OR_RETURN(std::string account, account::ResolveAccountId(caller, account_id));
  return mutations_.Run(
      caller, account::Operation(action, account, PathOf(p)),
      [&](store::Tx& tx, const std::string& account, audit::Event& record) -> absl::Status {
        ASSIGN_OR_RETURN(PrincipalRef r, account::ResolvePrincipal(tx, account, p));
        RETURN_IF_ERROR(store::iam_policies::ClearBoundary(tx, r));
        record.Object(store::Name(p.type), r.id);
        record.detail[store::Name(p.type)] = p.name;
        return absl::OkStatus();
      });
}

}  // namespace iam::authz
