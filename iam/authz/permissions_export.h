// PermissionsExporter: who can do what in an account, for audit: every
// user (with its groups, roles, policies and boundary, and every statement
// that applies to it, by where it comes from), every group and role with
// its policies, and the account's resource policies. The export itself is
// recorded in the audit log with how many principals it covered.
#ifndef IAM_AUTHZ_PERMISSIONS_EXPORT_H_
#define IAM_AUTHZ_PERMISSIONS_EXPORT_H_

#include <optional>
#include <string>
#include <vector>

#include "iam/account/role_service.h"
#include "iam/account/mutation.h"
#include "iam/account/common.h"
#include "iam/authz/authz_cache.h"

namespace iam::authz {

struct GrantLine {
  std::string via;     // "user", "group:devs", "role:developer"
  std::string policy;  // the policy's ARN, or "inline:<name>"
  std::string effect;  // "Allow" / "Deny"
  std::vector<std::string> actions;
  std::vector<std::string> resources;
  bool not_action = false;
  bool not_resource = false;
  bool conditional = false;
  std::string sid;
};

struct PrincipalExport {
  account::PrincipalName principal;
  std::string arn;
  bool disabled = false;
  std::vector<std::string> groups;
  std::vector<account::HeldRole> roles;
  std::vector<std::string> attached;  // policy ARNs
  std::vector<std::string> inlines;
  std::string boundary;               // a policy ARN or empty
  std::vector<GrantLine> grants;
};

struct PermissionsExport {
  std::string account_id;
  int64_t exported_at = 0;  // ms
  std::vector<PrincipalExport> principals;
  std::vector<std::pair<std::string, std::string>> resource_policies;  // resource, document
};

class PermissionsExporter {
 public:
  PermissionsExporter(store::Database& db, const Clock& clock,
                      const account::Mutations& mutations, AuthzCache* cache)
      : db_(db), clock_(clock), mutations_(mutations), cache_(cache) {}

  absl::StatusOr<PermissionsExport> Export(const account::Caller& caller,
                                           const std::string& account_id);

 private:
  store::Database& db_;
  const Clock& clock_;
  const account::Mutations& mutations_;
  AuthzCache* cache_;
};

}  // namespace iam::authz

#endif  // IAM_AUTHZ_PERMISSIONS_EXPORT_H_
