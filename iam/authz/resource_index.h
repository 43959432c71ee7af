// ResourceIndex: the resource side of every decision, for all accounts at
// one version: resource policies by ARN prefix (each compiled together
// with the policies of the prefixes above it, so a Deny on a bucket holds
// for every object under it), ACLs by resource, and the owners of resource
// roots. Immutable; shared across threads.
#ifndef IAM_AUTHZ_RESOURCE_INDEX_H_
#define IAM_AUTHZ_RESOURCE_INDEX_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "iam/authz/account_snapshot.h"
#include "iam/store/database.h"
#include "policy/acl.h"

namespace iam::authz {

// What the resource side says about one request.
struct ResourceSide {
  std::string owner;                  // empty: the principal's own account
  const policy::PolicySet* policies = nullptr;
  const policy::Acl* acl = nullptr;
};

class ResourceIndex {
 public:
  static absl::StatusOr<std::shared_ptr<const ResourceIndex>> Load(store::Database& db);
  static std::shared_ptr<const ResourceIndex> Empty();

  int64_t version() const { return version_; }
  // action in any case.
  ResourceSide Lookup(absl::string_view resource, absl::string_view action) const;

  // Parses an ACL's stored JSON form (the `iam-policy eval` shape).
  static absl::StatusOr<policy::Acl> ParseStoredAcl(const std::string& json);

 private:
  ResourceIndex() = default;
  int64_t version_ = 0;
  absl::flat_hash_map<std::string, std::string> owners_;   // root -> account
  absl::flat_hash_map<std::string, SetPtr> policies_;      // prefix -> compiled with ancestors
  std::vector<size_t> prefix_lengths_;                     // descending
  absl::flat_hash_map<std::string, policy::Acl> acls_;     // resource -> ACL
};

}  // namespace iam::authz

#endif  // IAM_AUTHZ_RESOURCE_INDEX_H_
