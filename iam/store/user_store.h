// UserStore: user rows inside a caller's transaction. Usernames are looked up
// by their lower-cased key (names are unique regardless of case). Stateless.
#ifndef IAM_STORE_USER_STORE_H_
#define IAM_STORE_USER_STORE_H_

#include <vector>

#include "iam/store/database.h"
#include "iam/store/records.h"

namespace iam::store::users {

absl::Status Insert(Tx& tx, const UserRow& row);
absl::StatusOr<UserRow> Get(Tx& tx, const std::string& id);
absl::StatusOr<UserRow> GetByUsername(Tx& tx, const std::string& account_id,
                                      const std::string& username);
// The user whose email has that blind index; NOT_FOUND when none, or when
// several share it (an email that does not name one user cannot log in).
absl::StatusOr<UserRow> GetByEmailIndex(Tx& tx, const std::string& account_id,
                                        const std::string& email_index);
// Ordered by username key, those after `after_key`.
absl::StatusOr<std::vector<UserRow>> List(Tx& tx, const std::string& account_id,
                                          const std::string& after_key, int limit);
absl::Status Update(Tx& tx, const UserRow& row);
absl::Status Delete(Tx& tx, const std::string& id);
absl::StatusOr<int64_t> CountActiveAdmins(Tx& tx, const std::string& account_id);
absl::StatusOr<int64_t> DeleteAllOfAccount(Tx& tx, const std::string& account_id);

std::string UsernameKey(const std::string& username);

}  // namespace iam::store::users

#endif  // IAM_STORE_USER_STORE_H_
