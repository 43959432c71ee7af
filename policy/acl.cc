#include "policy/acl.h"

#include <algorithm>
#include <initializer_list>

namespace iam::policy {
namespace {

bool In(absl::string_view a, std::initializer_list<absl::string_view> list) {
  return std::find(list.begin(), list.end(), a) != list.end();
}

}  // namespace

absl::StatusOr<AclPermission> ParseAclPermission(absl::string_view name) {
  if (name == "READ") return AclPermission::kRead;
  if (name == "WRITE") return AclPermission::kWrite;
  if (name == "READ_ACP") return AclPermission::kReadAcp;
  if (name == "WRITE_ACP") return AclPermission::kWriteAcp;
  if (name == "FULL_CONTROL") return AclPermission::kFullControl;
  return absl::InvalidArgumentError("must be READ, WRITE, READ_ACP, WRITE_ACP or FULL_CONTROL");
}

absl::StatusOr<std::vector<AclGrant>> CannedAclGrants(absl::string_view name,
                                                      const std::string& owner,
                                                      const std::string& bucket_owner) {
  using G = AclGrant::Grantee;
  std::vector<AclGrant> g = {{G::kAccount, owner, AclPermission::kFullControl}};
  const std::string& bo = bucket_owner.empty() ? owner : bucket_owner;
  if (name == "private") {
  } else if (name == "public-read") {
    g.push_back({G::kAllUsers, "", AclPermission::kRead});
  } else if (name == "public-read-write") {
    g.push_back({G::kAllUsers, "", AclPermission::kRead});
    g.push_back({G::kAllUsers, "", AclPermission::kWrite});
  } else if (name == "authenticated-read") {
    g.push_back({G::kAuthenticatedUsers, "", AclPermission::kRead});
  } else if (name == "bucket-owner-read") {
    if (bo != owner) g.push_back({G::kAccount, bo, AclPermission::kRead});
  } else if (name == "bucket-owner-full-control") {
    if (bo != owner) g.push_back({G::kAccount, bo, AclPermission::kFullControl});
  } else {
    return absl::InvalidArgumentError(
        "unknown canned ACL (private, public-read, public-read-write, authenticated-read, "
        "bucket-owner-read, bucket-owner-full-control)");
  }
  return g;
}

bool AclPermits(AclPermission p, AclTarget target, absl::string_view a) {
  const bool full = p == AclPermission::kFullControl;
  if (target == AclTarget::kBucket) {
    if ((full || p == AclPermission::kRead) &&
        In(a, {"s3:listbucket", "s3:listbucketversions", "s3:listbucketmultipartuploads"})) {
      return true;
    }
    if ((full || p == AclPermission::kWrite) &&
        In(a, {"s3:putobject", "s3:deleteobject", "s3:deleteobjectversion",
               "s3:abortmultipartupload"})) {
      return true;
    }
    if ((full || p == AclPermission::kReadAcp) && a == "s3:getbucketacl") return true;
    if ((full || p == AclPermission::kWriteAcp) && a == "s3:putbucketacl") return true;
    return false;
  }
  if ((full || p == AclPermission::kRead) &&
      In(a, {"s3:getobject", "s3:getobjectversion", "s3:getobjecttorrent"})) {
    return true;
  }
  if ((full || p == AclPermission::kReadAcp) &&
      In(a, {"s3:getobjectacl", "s3:getobjectversionacl"})) {
    return true;
  }
  if ((full || p == AclPermission::kWriteAcp) &&
      In(a, {"s3:putobjectacl", "s3:putobjectversionacl"})) {
    return true;
  }
  return false;
}

}  // namespace iam::policy
