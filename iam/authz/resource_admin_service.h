// ResourceAdminService: resource ("bucket") policies on resource ARN
// prefixes and ACLs on resources. A resource whose ARN names an account
// belongs to that account; one that names none (an S3 bucket) belongs to
// the first account that puts a policy or an ACL under its root, and no
// other account may then. Every change writes its audit record and bumps
// the resources' authorization version in its transaction. Thread-safe.
#ifndef IAM_AUTHZ_RESOURCE_ADMIN_SERVICE_H_
#define IAM_AUTHZ_RESOURCE_ADMIN_SERVICE_H_

#include <string>
#include <vector>

#include "iam/account/mutation.h"
#include "iam/account/common.h"
#include "iam/store/authz_records.h"

namespace iam::authz {

struct AclGrantInput {
  std::string grantee_type;  // "CanonicalUser" (an account id) or "Group"
  std::string grantee;       // the account id, or the group's URI or AllUsers / AuthenticatedUsers
  std::string permission;    // READ, WRITE, READ_ACP, WRITE_ACP, FULL_CONTROL
};

struct AclInput {
  std::string target;  // "bucket" or "object"
  std::string canned;  // a canned ACL, or empty for explicit grants
  std::vector<AclGrantInput> grants;
};

struct ResourceDocView {
  std::string resource;
  std::string body;  // the policy document, or the ACL's JSON form
  int64_t updated_at = 0;
};

class ResourceAdminService {
 public:
  // resource_limit: the largest document in bytes (0: AWS's default).
  ResourceAdminService(store::Database& db, const Clock& clock,
                       const account::Mutations& mutations, size_t resource_limit = 0)
      : db_(db), clock_(clock), mutations_(mutations), limit_(resource_limit) {}

  absl::StatusOr<ResourceDocView> PutPolicy(const account::Caller& caller,
                                            const std::string& account_id,
                                            const std::string& resource,
                                            const std::string& document);
  absl::StatusOr<ResourceDocView> GetPolicy(const account::Caller& caller,
                                            const std::string& account_id,
                                            const std::string& resource);
  absl::Status DeletePolicy(const account::Caller& caller, const std::string& account_id,
                            const std::string& resource);
  absl::StatusOr<std::vector<ResourceDocView>> ListPolicies(const account::Caller& caller,
                                                            const std::string& account_id);

  absl::StatusOr<ResourceDocView> PutAcl(const account::Caller& caller,
                                         const std::string& account_id,
                                         const std::string& resource, const AclInput& acl);
  absl::StatusOr<ResourceDocView> GetAcl(const account::Caller& caller,
                                         const std::string& account_id,
                                         const std::string& resource);
  // Removes the ACL: the resource falls back to its owner's alone.
  absl::Status DeleteAcl(const account::Caller& caller, const std::string& account_id,
                         const std::string& resource);
  absl::StatusOr<std::vector<ResourceDocView>> ListAcls(const account::Caller& caller,
                                                        const std::string& account_id);

 private:
  // The caller's account, once the resource is not another account's
  // (checked before the authorizer is asked, whose answer would otherwise
  // differ for another account's resource). Writes then Mutations::Run.
  absl::StatusOr<std::string> OwnAccount(const account::Caller& caller,
                                         const std::string& account_id, absl::string_view action,
                                         const std::string& resource);
  // OwnAccount, then authorized for a read.
  absl::StatusOr<std::string> AdmitRead(const account::Caller& caller,
                                        const std::string& account_id, absl::string_view action,
                                        const std::string& resource);
  absl::StatusOr<ResourceDocView> Put(const account::Caller& caller, const std::string& account,
                                      int kind, absl::string_view action,
                                      const std::string& resource, const std::string& body);
  absl::StatusOr<ResourceDocView> Get(const std::string& account, int kind,
                                      const std::string& resource);
  absl::Status Delete(const account::Caller& caller, const std::string& account_id, int kind,
                      absl::string_view action, const std::string& resource);
  absl::StatusOr<std::vector<ResourceDocView>> List(const account::Caller& caller,
                                                    const std::string& account_id, int kind,
                                                    absl::string_view action);

  store::Database& db_;
  const Clock& clock_;
  const account::Mutations& mutations_;
  size_t limit_;
};

// The stored JSON form of an ACL owned by `owner`, INVALID_ARGUMENT with the
// path of the first problem ("acl.grants[1].permission: ...").
absl::StatusOr<std::string> AclJson(const std::string& owner, const AclInput& acl);

}  // namespace iam::authz

#endif  // IAM_AUTHZ_RESOURCE_ADMIN_SERVICE_H_
