// PolicyAdminService: tags. Users, roles and managed policies carry up to
// kMaxTagsPerPrincipal tags each; a principal's are aws:PrincipalTag/<key>
// in conditions, a policy's are for finding and sorting policies.
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "iam/account/user_service.h"
#include "iam/authz/policy_admin_service.h"
#include "iam/authz/policy_ref.h"
#include "iam/common/status_macros.h"
#include "iam/common/text.h"
#include "iam/store/iam_policy_store.h"

namespace iam::authz {
namespace {

using account::PrincipalName;
using store::PrincipalRef;

using Tags = std::vector<std::pair<std::string, std::string>>;

absl::Status CheckTaggable(const PrincipalName& p) {
  RETURN_IF_ERROR(account::CheckPrincipalName(p, true));
  if (p.type == store::PrincipalType::kGroup) {
    return absl::InvalidArgumentError("principal: users and roles have tags");
  }
  return absl::OkStatus();
}

absl::Status CheckTags(const Tags& tags) {
  if (tags.empty() || tags.size() > kMaxTagsPerPrincipal) {
    return absl::InvalidArgumentError(
        absl::StrCat("tags: between 1 and ", kMaxTagsPerPrincipal, " tags"));
  }
  for (size_t i = 0; i < tags.size(); ++i) {
    RETURN_IF_ERROR(CheckTagKey(absl::StrCat("tags[", i, "].key"), tags[i].first));
    RETURN_IF_ERROR(text::CheckFreeText(absl::StrCat("tags[", i, "].value"), tags[i].second, 256));
  }
  return absl::OkStatus();
}

absl::Status CheckKeys(const std::vector<std::string>& keys) {
  if (keys.empty() || keys.size() > kMaxTagsPerPrincipal) {
    return absl::InvalidArgumentError(
        absl::StrCat("keys: between 1 and ", kMaxTagsPerPrincipal, " keys"));
  }
  for (size_t i = 0; i < keys.size(); ++i) {
    RETURN_IF_ERROR(CheckTagKey(absl::StrCat("keys[", i, "]"), keys[i]));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status PolicyAdminService::Tag(const account::Caller& caller, const std::string& account_id,
                                     const PrincipalName& p,
                                     const std::vector<std::pair<std::string, std::string>>& tags) {
  RETURN_IF_ERROR(CheckTaggable(p));
  RETURN_IF_ERROR(CheckTags(tags));
  const std::string action = absl::StrCat("iam:Tag", ActionWord(p.type));
  ASSIGN_OR_RETURN(std::string account, account::ResolveAccountId(caller, account_id));
  return mutations_.Run(
      caller, account::Operation(action, account, PathOf(p)),
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
  RETURN_IF_ERROR(CheckTaggable(p));
  RETURN_IF_ERROR(CheckKeys(keys));
  const std::string action = absl::StrCat("iam:Untag", ActionWord(p.type));
  ASSIGN_OR_RETURN(std::string account, account::ResolveAccountId(caller, account_id));
  return mutations_.Run(
      caller, account::Operation(action, account, PathOf(p)),
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
  RETURN_IF_ERROR(CheckTaggable(p));
  ASSIGN_OR_RETURN(
      std::string account,
      mutations_.Admit(caller, account::Operation(absl::StrCat("iam:List", ActionWord(p.type), "Tags"),
                                                  account_id, PathOf(p))));
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

absl::Status PolicyAdminService::TagPolicy(const account::Caller& caller,
                                           const std::string& account_id,
                                           const std::string& policy, const Tags& tags) {
  RETURN_IF_ERROR(CheckTags(tags));
  ASSIGN_OR_RETURN(auto named, NamedPolicy(caller, account_id, policy, kCannotChange));
  const auto& [account, ref] = named;
  return mutations_.Run(
      caller, account::Operation("iam:TagPolicy", account, PolicyArnOf(account, ref)),
      [&](store::Tx& tx, const std::string& account, audit::Event& record) -> absl::Status {
        ASSIGN_OR_RETURN(store::ManagedPolicyRow row,
                         store::iam_policies::GetPolicy(tx, account, ref.name));
        nlohmann::json changed = nlohmann::json::object();
        for (const auto& [k, v] : tags) {
          RETURN_IF_ERROR(store::iam_policies::PutPolicyTag(tx, {row.id, k, v, account}));
          changed[k] = v;
        }
        ASSIGN_OR_RETURN(auto all, store::iam_policies::ListPolicyTags(tx, row.id));
        if (all.size() > kMaxTagsPerPrincipal) {
          return absl::FailedPreconditionError(
              absl::StrCat("a policy has at most ", kMaxTagsPerPrincipal, " tags"));
        }
        record.Object("policy", row.id);
        record.detail["name"] = row.name;
        record.detail["tags"] = changed;
        return absl::OkStatus();
      });
}

absl::Status PolicyAdminService::UntagPolicy(const account::Caller& caller,
                                             const std::string& account_id,
                                             const std::string& policy,
                                             const std::vector<std::string>& keys) {
  RETURN_IF_ERROR(CheckKeys(keys));
  ASSIGN_OR_RETURN(auto named, NamedPolicy(caller, account_id, policy, kCannotChange));
  const auto& [account, ref] = named;
  return mutations_.Run(
      caller, account::Operation("iam:UntagPolicy", account, PolicyArnOf(account, ref)),
      [&](store::Tx& tx, const std::string& account, audit::Event& record) -> absl::Status {
        ASSIGN_OR_RETURN(store::ManagedPolicyRow row,
                         store::iam_policies::GetPolicy(tx, account, ref.name));
        for (const std::string& k : keys) {
          absl::Status s = store::iam_policies::DeletePolicyTag(tx, row.id, k);
          if (!s.ok() && !absl::IsNotFound(s)) return s;
        }
        record.Object("policy", row.id);
        record.detail["name"] = row.name;
        record.detail["keys"] = keys;
        return absl::OkStatus();
      });
}

absl::StatusOr<Tags> PolicyAdminService::ListPolicyTags(const account::Caller& caller,
                                                        const std::string& account_id,
                                                        const std::string& policy) {
  ASSIGN_OR_RETURN(auto named, NamedPolicy(caller, account_id, policy));
  const auto& [account, ref] = named;
  RETURN_IF_ERROR(mutations_
                      .Admit(caller, account::Operation("iam:ListPolicyTags", account,
                                                        PolicyArnOf(account, ref)))
                      .status());
  Tags out;
  if (ref.builtin) return out;  // built-in policies carry none
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    out.clear();
    ASSIGN_OR_RETURN(store::ManagedPolicyRow row,
                     store::iam_policies::GetPolicy(tx, account, ref.name));
    ASSIGN_OR_RETURN(auto tags, store::iam_policies::ListPolicyTags(tx, row.id));
    for (const auto& t : tags) out.emplace_back(t.key, t.value);
    return absl::OkStatus();
  }));
  return out;
}

}  // namespace iam::authz
