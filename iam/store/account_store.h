// AccountStore: reads and writes account rows inside a caller's transaction.
// Stateless; every function takes the Tx. NOT_FOUND when a row is absent;
// ALREADY_EXISTS when a unique name is taken.
#ifndef IAM_STORE_ACCOUNT_STORE_H_
#define IAM_STORE_ACCOUNT_STORE_H_

#include <vector>

#include "iam/store/database.h"
#include "iam/store/records.h"

namespace iam::store::accounts {

absl::Status Insert(Tx& tx, const AccountRow& row);
absl::StatusOr<AccountRow> Get(Tx& tx, const std::string& id);
absl::StatusOr<AccountRow> GetByName(Tx& tx, const std::string& name);
absl::StatusOr<std::optional<AccountRow>> GetSystem(Tx& tx);
// Ordered by id, those after `after_id`, at most `limit`.
absl::StatusOr<std::vector<AccountRow>> List(Tx& tx, const std::string& after_id, int limit);
absl::Status Update(Tx& tx, const AccountRow& row);
// Closed accounts whose closed_at is at or before `cutoff`.
absl::StatusOr<std::vector<AccountRow>> ListClosedBefore(Tx& tx, int64_t cutoff, int limit);

}  // namespace iam::store::accounts

#endif  // IAM_STORE_ACCOUNT_STORE_H_
