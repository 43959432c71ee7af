// Acl: an S3-style access control list: the owning account and its grants
// to canonical users (accounts) or the predefined groups, with the actions
// each permission allows on a bucket or an object. Canned ACLs expand into
// grants. Plain data; the functions are pure.
#ifndef IAM_POLICY_ACL_H_
#define IAM_POLICY_ACL_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace iam::policy {

inline constexpr char kAllUsersUri[] = "http://acs.amazonaws.com/groups/global/AllUsers";
inline constexpr char kAuthenticatedUsersUri[] =
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";

enum class AclPermission { kRead, kWrite, kReadAcp, kWriteAcp, kFullControl };
enum class AclTarget { kBucket, kObject };

struct AclGrant {
  enum class Grantee { kAccount, kAllUsers, kAuthenticatedUsers };
  Grantee grantee = Grantee::kAccount;
  std::string account;  // for kAccount (canonical user id = account id)
  AclPermission permission = AclPermission::kRead;
};

struct Acl {
  std::string owner;
  AclTarget target = AclTarget::kObject;
  std::string canned;  // where the grants came from, if a canned ACL
  std::vector<AclGrant> grants;
};

absl::StatusOr<AclPermission> ParseAclPermission(absl::string_view name);

// The grants of a canned ACL. bucket_owner matters for the bucket-owner-*
// ACLs of objects (it defaults to the owner). INVALID_ARGUMENT for an
// unknown name.
absl::StatusOr<std::vector<AclGrant>> CannedAclGrants(absl::string_view name,
                                                      const std::string& owner,
                                                      const std::string& bucket_owner);

// Whether `permission` on `target` allows the (lower-case) S3 action, as S3
// documents the mapping (READ on a bucket lists it, WRITE on a bucket
// creates and deletes its objects, READ on an object reads it, ...).
bool AclPermits(AclPermission permission, AclTarget target, absl::string_view action_lower);

}  // namespace iam::policy

#endif  // IAM_POLICY_ACL_H_
