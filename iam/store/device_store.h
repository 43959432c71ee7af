// DeviceStore: the devices each user logs in from (known, pending approval,
// approved, revoked; remembered with a device token), the network prefixes
// the user usually comes from, and per-user login IP allowlists, inside a
// caller's transaction.
#ifndef IAM_STORE_DEVICE_STORE_H_
#define IAM_STORE_DEVICE_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "iam/store/database.h"
#include "iam/store/mfa_records.h"

namespace iam::store::devices {

absl::StatusOr<std::optional<DeviceRow>> Get(Tx& tx, const std::string& user_id,
                                             const std::string& device_id);
// Inserts or replaces.
absl::Status Put(Tx& tx, const DeviceRow& row);
absl::StatusOr<std::vector<DeviceRow>> ListOfUser(Tx& tx, const std::string& user_id, int limit);
absl::StatusOr<int> CountOfUser(Tx& tx, const std::string& user_id);
// Forgets the user's devices that are neither approved nor pending and were
// last seen before `cutoff` (the oldest first when over `keep`).
absl::Status Prune(Tx& tx, const std::string& user_id, int64_t cutoff, int keep);

// Whether the user logged in from the prefix since `since`.
absl::StatusOr<bool> KnownPrefix(Tx& tx, const std::string& user_id, const std::string& prefix,
                                 int64_t since);
absl::Status TouchPrefix(Tx& tx, const std::string& account_id, const std::string& user_id,
                         const std::string& prefix, int64_t now);
// Keeps the `keep` most recent prefixes of the user.
absl::Status TrimPrefixes(Tx& tx, const std::string& user_id, int keep);

// The user's allowlist as stored (a JSON array of CIDRs); nullopt when none.
absl::StatusOr<std::optional<std::string>> GetUserAllowlist(Tx& tx, const std::string& user_id);
// An empty `cidrs_json` removes the list.
absl::Status PutUserAllowlist(Tx& tx, const std::string& account_id, const std::string& user_id,
                              const std::string& cidrs_json, int64_t now);

absl::Status DeleteOfUser(Tx& tx, const std::string& user_id);
absl::Status DeleteAllOfAccount(Tx& tx, const std::string& account_id);

}  // namespace iam::store::devices

#endif  // IAM_STORE_DEVICE_STORE_H_
