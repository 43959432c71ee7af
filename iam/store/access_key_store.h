// AccessKeyStore: access key rows inside a caller's transaction. Holds only
// the hash of each secret. Stateless.
#ifndef IAM_STORE_ACCESS_KEY_STORE_H_
#define IAM_STORE_ACCESS_KEY_STORE_H_

#include <vector>

#include "iam/store/database.h"
#include "iam/store/records.h"

namespace iam::store::access_keys {

struct KeyWithOwner {
  AccessKeyRow key;
  std::string username;
  UserState user_state = UserState::kDisabled;
  bool is_admin = false;
  AccountState account_state = AccountState::kSuspended;
  bool account_is_system = false;
};

absl::Status Insert(Tx& tx, const AccessKeyRow& row);
// The key, its user and its account in one read (the authentication path).
absl::StatusOr<KeyWithOwner> GetWithOwner(Tx& tx, const std::string& id);
absl::StatusOr<AccessKeyRow> Get(Tx& tx, const std::string& id);
// Ordered by creation time.
absl::StatusOr<std::vector<AccessKeyRow>> ListByUser(Tx& tx, const std::string& user_id);
absl::StatusOr<std::vector<AccessKeyRow>> ListByAccount(Tx& tx, const std::string& account_id);
// Sets revoked_at unless already revoked; NOT_FOUND when absent.
absl::Status Revoke(Tx& tx, const std::string& id, int64_t at);
absl::Status DeleteByUser(Tx& tx, const std::string& user_id);
absl::Status DeleteAllOfAccount(Tx& tx, const std::string& account_id);

}  // namespace iam::store::access_keys

#endif  // IAM_STORE_ACCESS_KEY_STORE_H_
