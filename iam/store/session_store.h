// SessionStore: login sessions and their refresh tokens, inside a caller's
// transaction.
#ifndef IAM_STORE_SESSION_STORE_H_
#define IAM_STORE_SESSION_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "iam/store/auth_records.h"
#include "iam/store/database.h"

namespace iam::store::sessions {

absl::Status Insert(Tx& tx, const SessionRow& row);
absl::StatusOr<SessionRow> Get(Tx& tx, const std::string& id);
// The user's sessions live at `now`, oldest first.
absl::StatusOr<std::vector<SessionRow>> ListLiveOfUser(Tx& tx, const std::string& user_id,
                                                       int64_t now);
// Sessions of the account (or of one user when user_id is not empty), newest
// first, those created before `before` (0 = from the newest), live only
// unless `include_ended`.
absl::StatusOr<std::vector<SessionRow>> List(Tx& tx, const std::string& account_id,
                                             const std::string& user_id, int64_t now,
                                             bool include_ended, int limit);
// A step-up: the session's authentication methods and time change.
absl::Status SetAuth(Tx& tx, const std::string& id, const std::string& amr, int64_t auth_time);
absl::Status Touch(Tx& tx, const std::string& id, int64_t last_seen_at, int64_t idle_expires_at);
// Marks the session revoked; 0 when it already was (or does not exist).
absl::StatusOr<int64_t> Revoke(Tx& tx, const std::string& id, int64_t at,
                               const std::string& reason);
// Revokes every live session of the user; answers their ids.
absl::StatusOr<std::vector<std::string>> RevokeAllOfUser(Tx& tx, const std::string& user_id,
                                                         int64_t at, const std::string& reason);
absl::Status DeleteOfUser(Tx& tx, const std::string& user_id);
absl::Status DeleteAllOfAccount(Tx& tx, const std::string& account_id);

}  // namespace iam::store::sessions

namespace iam::store::refresh_tokens {

absl::Status Insert(Tx& tx, const std::string& hash, const std::string& session_id, int64_t at);
struct RefreshRow {
  std::string session_id;
  std::optional<int64_t> used_at;
};
absl::StatusOr<std::optional<RefreshRow>> Get(Tx& tx, const std::string& hash);
// Marks it used if it was not; 0 when another request used it first.
absl::StatusOr<int64_t> MarkUsed(Tx& tx, const std::string& hash, int64_t at);

}  // namespace iam::store::refresh_tokens

#endif  // IAM_STORE_SESSION_STORE_H_
