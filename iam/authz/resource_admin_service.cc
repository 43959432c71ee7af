#include "iam/authz/resource_admin_service.h"

#include <nlohmann/json.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "iam/account/mutation.h"
#include "iam/authz/resource_arn.h"
#include "iam/common/status_macros.h"
#include "iam/common/text.h"
#include "iam/store/authz_version_store.h"
#include "iam/store/resource_store.h"
#include "policy/acl.h"
#include "policy/eval_input.h"
#include "policy/policy.h"

namespace iam::authz {
namespace {

using store::resources::Kind;

// The service's form of AWS's exception for a bucket's policy: its
// account's administrators may always read, replace and delete a resource
// policy of the account (not its ACLs), whatever their policies deny.
bool OwnerMayAlways(absl::string_view action) {
  return action == "iam:GetResourcePolicy" || action == "iam:PutResourcePolicy" ||
         action == "iam:DeleteResourcePolicy";
}

constexpr size_t kMaxGrants = 100;

std::string GroupUri(const std::string& g) {
  if (g == "AllUsers") return policy::kAllUsersUri;
  if (g == "AuthenticatedUsers") return policy::kAuthenticatedUsersUri;
  return g;
}

const char* PermissionName(policy::AclPermission p) {
  switch (p) {
    case policy::AclPermission::kRead:
      return "READ";
    case policy::AclPermission::kWrite:
      return "WRITE";
    case policy::AclPermission::kReadAcp:
      return "READ_ACP";
    case policy::AclPermission::kWriteAcp:
      return "WRITE_ACP";
    default:
      return "FULL_CONTROL";
  }
}

}  // namespace

absl::StatusOr<std::string> AclJson(const std::string& owner, const AclInput& in) {
  nlohmann::json acl = {{"owner", owner}, {"target", in.target.empty() ? "object" : in.target}};
  if (in.target != "bucket" && in.target != "object" && !in.target.empty()) {
    return absl::InvalidArgumentError("acl.target: must be \"bucket\" or \"object\"");
  }
  if (!in.canned.empty() && !in.grants.empty()) {
    return absl::InvalidArgumentError("acl: either a canned ACL or grants, not both");
  }
  if (in.canned.empty() && in.grants.empty()) {
    return absl::InvalidArgumentError("acl: a canned ACL or at least one grant is required");
  }
  if (in.grants.size() > kMaxGrants) {
    return absl::InvalidArgumentError(absl::StrCat("acl.grants: at most ", kMaxGrants));
  }
  if (!in.canned.empty()) {
    RETURN_IF_ERROR(text::CheckFreeText("acl.canned", in.canned, 64));
    auto grants = policy::CannedAclGrants(in.canned, owner, owner);
    if (!grants.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("acl.canned: ", grants.status().message()));
    }
    acl["canned"] = in.canned;
  }
  nlohmann::json grants = nlohmann::json::array();
  if (!in.canned.empty()) {
    // Stored expanded, so that reading the ACL shows what it grants.
    const auto canned = policy::CannedAclGrants(in.canned, owner, owner);
    for (const auto& g : *canned) {
      nlohmann::json grantee =
          g.grantee == policy::AclGrant::Grantee::kAccount
              ? nlohmann::json{{"type", "CanonicalUser"}, {"id", g.account}}
              : nlohmann::json{{"type", "Group"},
                               {"uri", g.grantee == policy::AclGrant::Grantee::kAllUsers
                                           ? policy::kAllUsersUri
                                           : policy::kAuthenticatedUsersUri}};
      grants.push_back({{"grantee", grantee}, {"permission", PermissionName(g.permission)}});
    }
    acl["grants"] = grants;
  }
  for (size_t i = 0; i < in.grants.size(); ++i) {
    const AclGrantInput& g = in.grants[i];
    const std::string path = absl::StrCat("acl.grants[", i, "]");
    RETURN_IF_ERROR(text::CheckFreeText(path + ".grantee", g.grantee, 256, false));
    nlohmann::json grantee = {{"type", g.grantee_type}};
    if (g.grantee_type == "Group") {
      grantee["uri"] = GroupUri(g.grantee);
    } else {
      grantee["id"] = g.grantee;
    }
    grants.push_back({{"grantee", grantee}, {"permission", g.permission}});
  }
  if (!in.grants.empty()) acl["grants"] = grants;
  if (acl.contains("grants") && acl["grants"].empty()) acl.erase("grants");
  auto parsed = policy::ParseAcl(acl, "acl");
  if (!parsed.ok()) return absl::InvalidArgumentError(parsed.status().message());
  for (size_t i = 0; i < parsed->grants.size(); ++i) {
    const auto& g = parsed->grants[i];
    if (g.grantee == policy::AclGrant::Grantee::kAccount &&
        (g.account.size() != 12 ||
         g.account.find_first_not_of("0123456789") != std::string::npos)) {
      return absl::InvalidArgumentError(
          absl::StrCat("acl.grants[", i, "].grantee: an account id of 12 digits"));
    }
  }
  return acl.dump();
}

absl::StatusOr<std::string> ResourceAdminService::OwnAccount(const account::Caller& caller,
                                                             const std::string& account_id,
                                                             absl::string_view action,
                                                             const std::string& resource) {
  ASSIGN_OR_RETURN(std::string account, account::ResolveAccountId(caller, account_id));
  ASSIGN_OR_RETURN(ResourceName name, ParseResourceArn("resource", resource));
  // Another account's resource is not this caller's to manage: writing is
  // refused (names of roots are global, like bucket names), reading does
  // not reveal it.
  std::string owner = name.account;
  if (owner.empty()) {
    RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
      ASSIGN_OR_RETURN(auto claimed, store::resources::OwnerOf(tx, name.root));
      owner = claimed.value_or("");
      return absl::OkStatus();
    }));
  }
  if (!owner.empty() && owner != account) {
    if (absl::StartsWith(action, "iam:Put")) {
      return absl::PermissionDeniedError("resource: owned by another account");
    }
    return absl::NotFoundError("resource not found");
  }
  return account;
}

absl::StatusOr<std::string> ResourceAdminService::AdmitRead(const account::Caller& caller,
                                                            const std::string& account_id,
                                                            absl::string_view action,
                                                            const std::string& resource) {
  ASSIGN_OR_RETURN(std::string account, OwnAccount(caller, account_id, action, resource));
  account::Operation op(std::string(action), account, resource);
  op.owner_admin = OwnerMayAlways(action);
  return mutations_.Admit(caller, op);
}

absl::StatusOr<ResourceDocView> ResourceAdminService::Put(const account::Caller& caller,
                                                          const std::string& account, int kind,
                                                          absl::string_view action,
                                                          const std::string& resource,
                                                          const std::string& body) {
  const ResourceName name = SplitResource(resource);
  const int64_t now = clock_.NowMs();
  account::Operation op(std::string(action), account, resource, account::Touches::kResources);
  op.owner_admin = OwnerMayAlways(action);
  RETURN_IF_ERROR(mutations_.Run(caller, op,
      [&](store::Tx& tx, const std::string&, audit::Event& record) -> absl::Status {
        if (name.account.empty()) {
          ASSIGN_OR_RETURN(auto owner, store::resources::OwnerOf(tx, name.root));
          if (owner && *owner != account) {
            return absl::PermissionDeniedError("resource: owned by another account");
          }
          if (!owner) RETURN_IF_ERROR(store::resources::Claim(tx, name.root, account, now));
        }
        auto before = store::resources::Get(tx, static_cast<Kind>(kind), resource);
        if (before.ok() && before->account_id != account) {
          return absl::PermissionDeniedError("resource: owned by another account");
        }
        RETURN_IF_ERROR(
            store::resources::Put(tx, static_cast<Kind>(kind), {resource, account, body, now}));
        record.Object("resource", resource);
        record.detail["before"] = before.ok() ? nlohmann::json(before->body) : nullptr;
        record.detail["after"] = body;
        return absl::OkStatus();
      }));
  return ResourceDocView{resource, body, now};
}

absl::StatusOr<ResourceDocView> ResourceAdminService::Get(const std::string& account, int kind,
                                                          const std::string& resource) {
  ResourceDocView view;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto row, store::resources::Get(tx, static_cast<Kind>(kind), resource));
    // Another account's resource is not revealed.
    if (row.account_id != account) {
      return absl::NotFoundError(
          kind == static_cast<int>(Kind::kPolicy) ? "resource policy not found" : "ACL not found");
    }
    view = ResourceDocView{row.resource, row.body, row.updated_at};
    return absl::OkStatus();
  }));
  return view;
}

absl::StatusOr<ResourceDocView> ResourceAdminService::PutPolicy(const account::Caller& caller,
                                                                const std::string& account_id,
                                                                const std::string& resource,
                                                                const std::string& document) {
  ASSIGN_OR_RETURN(std::string account,
                   OwnAccount(caller, account_id, "iam:PutResourcePolicy", resource));
  if (document.empty()) return absl::InvalidArgumentError("document: required");
  if (!text::IsValidUtf8(document)) return absl::InvalidArgumentError("document: not valid UTF-8");
  policy::ParseOptions opts;
  opts.kind = policy::PolicyKind::kResource;
  opts.max_size = limit_;
  auto parsed = policy::ParsePolicy(document, opts);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("document: ", parsed.status().message()));
  }
  return Put(caller, account, static_cast<int>(Kind::kPolicy), "iam:PutResourcePolicy", resource,
             document);
}

absl::StatusOr<ResourceDocView> ResourceAdminService::GetPolicy(const account::Caller& caller,
                                                                const std::string& account_id,
                                                                const std::string& resource) {
  ASSIGN_OR_RETURN(std::string account,
                   AdmitRead(caller, account_id, "iam:GetResourcePolicy", resource));
  return Get(account, static_cast<int>(Kind::kPolicy), resource);
}

absl::Status ResourceAdminService::DeletePolicy(const account::Caller& caller,
                                                const std::string& account_id,
                                                const std::string& resource) {
  return Delete(caller, account_id, static_cast<int>(Kind::kPolicy), "iam:DeleteResourcePolicy",
                resource);
}

absl::Status ResourceAdminService::DeleteAcl(const account::Caller& caller,
                                             const std::string& account_id,
                                             const std::string& resource) {
  return Delete(caller, account_id, static_cast<int>(Kind::kAcl), "iam:DeleteResourceAcl",
                resource);
}

absl::Status ResourceAdminService::Delete(const account::Caller& caller,
                                          const std::string& account_id, int kind_number,
                                          absl::string_view action, const std::string& resource) {
  const Kind kind = static_cast<Kind>(kind_number);
  ASSIGN_OR_RETURN(std::string account, OwnAccount(caller, account_id, action, resource));
  account::Operation op(std::string(action), account, resource, account::Touches::kResources);
  op.owner_admin = OwnerMayAlways(action);
  return mutations_.Run(caller, op,
      [&](store::Tx& tx, const std::string&, audit::Event& record) -> absl::Status {
        ASSIGN_OR_RETURN(auto row, store::resources::Get(tx, kind, resource));
        if (row.account_id != account) {
          return absl::NotFoundError(kind == Kind::kAcl ? "resource ACL not found"
                                                        : "resource policy not found");
        }
        RETURN_IF_ERROR(store::resources::Delete(tx, kind, resource));
        record.Object("resource", resource);
        record.detail["before"] = row.body;
        return absl::OkStatus();
      });
}

absl::StatusOr<std::vector<ResourceDocView>> ResourceAdminService::ListPolicies(
    const account::Caller& caller, const std::string& account_id) {
  return List(caller, account_id, static_cast<int>(Kind::kPolicy), "iam:ListResourcePolicies");
}

absl::StatusOr<std::vector<ResourceDocView>> ResourceAdminService::ListAcls(
    const account::Caller& caller, const std::string& account_id) {
  return List(caller, account_id, static_cast<int>(Kind::kAcl), "iam:ListResourceAcls");
}

absl::StatusOr<std::vector<ResourceDocView>> ResourceAdminService::List(
    const account::Caller& caller, const std::string& account_id, int kind,
    absl::string_view action) {
  ASSIGN_OR_RETURN(std::string account,
                   mutations_.Admit(caller, {std::string(action), account_id}));
  std::vector<ResourceDocView> out;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    out.clear();
    ASSIGN_OR_RETURN(auto rows,
                     store::resources::ListOfAccount(tx, static_cast<Kind>(kind), account));
    for (auto& r : rows) out.push_back({r.resource, r.body, r.updated_at});
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<ResourceDocView> ResourceAdminService::PutAcl(const account::Caller& caller,
                                                             const std::string& account_id,
                                                             const std::string& resource,
                                                             const AclInput& acl) {
  ASSIGN_OR_RETURN(std::string account,
                   OwnAccount(caller, account_id, "iam:PutResourceAcl", resource));
  ASSIGN_OR_RETURN(std::string body, AclJson(account, acl));
  return Put(caller, account, static_cast<int>(Kind::kAcl), "iam:PutResourceAcl", resource, body);
}

absl::StatusOr<ResourceDocView> ResourceAdminService::GetAcl(const account::Caller& caller,
                                                             const std::string& account_id,
                                                             const std::string& resource) {
  ASSIGN_OR_RETURN(std::string account,
                   AdmitRead(caller, account_id, "iam:GetResourceAcl", resource));
  return Get(account, static_cast<int>(Kind::kAcl), resource);
}

}  // namespace iam::authz
