// ResourceStore: resource ("bucket") policies on ARN prefixes, ACLs on
// resources, and who owns resource roots that carry no account, inside a
// caller's transaction. Stateless.
#ifndef IAM_STORE_RESOURCE_STORE_H_
#define IAM_STORE_RESOURCE_STORE_H_

#include <optional>
#include <vector>

#include "iam/store/authz_records.h"
#include "iam/store/database.h"

namespace iam::store::resources {

// The owning account of a resource root, or nullopt when unclaimed.
absl::StatusOr<std::optional<std::string>> OwnerOf(Tx& tx, const std::string& root);
// Claims an unclaimed root for the account; ALREADY_EXISTS when another
// transaction claimed it first.
absl::Status Claim(Tx& tx, const std::string& root, const std::string& account_id, int64_t at);

enum class Kind { kPolicy, kAcl };

absl::Status Put(Tx& tx, Kind kind, const ResourceDocRow& row);
absl::StatusOr<ResourceDocRow> Get(Tx& tx, Kind kind, const std::string& resource);
// NOT_FOUND when there is none.
absl::Status Delete(Tx& tx, Kind kind, const std::string& resource);
absl::StatusOr<std::vector<ResourceDocRow>> ListOfAccount(Tx& tx, Kind kind,
                                                          const std::string& account_id);
// Every row of every account: what the resource side of decisions reads.
absl::StatusOr<std::vector<ResourceDocRow>> ListAll(Tx& tx, Kind kind);
absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ListOwners(Tx& tx);

absl::Status DeleteAllOfAccount(Tx& tx, const std::string& account_id);

}  // namespace iam::store::resources

#endif  // IAM_STORE_RESOURCE_STORE_H_
