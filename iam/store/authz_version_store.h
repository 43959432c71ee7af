// AuthzVersionStore: counters bumped in the transaction of every change
// that decisions depend on, so each replica can tell, with one cheap read,
// whether its compiled policy sets are stale. Scopes: an account id,
// kResourcesScope, and kAnyScope (bumped by every change).
#ifndef IAM_STORE_AUTHZ_VERSION_STORE_H_
#define IAM_STORE_AUTHZ_VERSION_STORE_H_

#include <vector>

#include "iam/store/database.h"

namespace iam::store::authz_versions {

inline constexpr char kAnyScope[] = "*";
inline constexpr char kResourcesScope[] = "resources";

// Bumps the scope and kAnyScope; answers the scope's new version.
absl::StatusOr<int64_t> Bump(Tx& tx, const std::string& scope);
// 0 for a scope never bumped.
absl::StatusOr<int64_t> Read(Tx& tx, const std::string& scope);
absl::StatusOr<std::vector<std::pair<std::string, int64_t>>> ReadAll(Tx& tx);
absl::Status DeleteScope(Tx& tx, const std::string& scope);

}  // namespace iam::store::authz_versions

#endif  // IAM_STORE_AUTHZ_VERSION_STORE_H_
