// Back-channel logout deliveries (OpenID Connect Back-Channel Logout 1.0):
// which client must be told that which session ended, and how telling it
// goes. Inside a caller's transaction.
#ifndef IAM_STORE_LOGOUT_STORE_H_
#define IAM_STORE_LOGOUT_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "iam/store/database.h"

namespace iam::store {

struct LogoutDeliveryRow {
  std::string id;
  std::string account_id;
  std::string client_id;
  std::string session_id;
  std::string user_id;
  std::string uri;
  int64_t created_at = 0;
  int64_t attempts = 0;
  int64_t next_attempt_at = 0;
  std::optional<int64_t> lease_until;
  std::optional<int64_t> delivered_at;
  std::optional<int64_t> failed_at;
  std::string last_error;
};

struct EndedSession {
  std::string id;
  std::string account_id;
  std::string user_id;
  int64_t revoked_at = 0;
};

namespace logout {

// Sessions revoked in [from_ms, to_ms], oldest first.
absl::StatusOr<std::vector<EndedSession>> EndedBetween(Tx& tx, int64_t from_ms, int64_t to_ms,
                                                       int limit);

// ALREADY_EXISTS when that session's delivery to that client exists (a
// replica scanning the same ended session).
absl::Status Enqueue(Tx& tx, const LogoutDeliveryRow& row);
// Deliveries due by `now_ms` that no replica holds, oldest first.
absl::StatusOr<std::vector<LogoutDeliveryRow>> Due(Tx& tx, int64_t now_ms, int limit);
// Takes a due delivery until `until_ms`: 1 when this call took it.
absl::StatusOr<int64_t> Lease(Tx& tx, const std::string& id, int64_t now_ms, int64_t until_ms);
absl::Status MarkDelivered(Tx& tx, const std::string& id, int64_t attempts, int64_t now_ms);
absl::Status MarkRetry(Tx& tx, const std::string& id, int64_t attempts, int64_t next_attempt_at,
                       const std::string& error);
absl::Status MarkFailed(Tx& tx, const std::string& id, int64_t attempts, int64_t now_ms,
                        const std::string& error);
// A client's deliveries, newest first (what an administrator looks at).
absl::StatusOr<std::vector<LogoutDeliveryRow>> ListOfClient(Tx& tx, const std::string& account_id,
                                                            const std::string& client_id,
                                                            int limit);

struct Counts {
  int64_t pending = 0;
  int64_t failed = 0;
};
absl::StatusOr<Counts> Count(Tx& tx);

absl::Status DeleteOfClient(Tx& tx, const std::string& account_id, const std::string& client_id);
absl::Status DeleteAllOfAccount(Tx& tx, const std::string& account_id);
// Deliveries finished (delivered or given up) before `before_ms`.
absl::StatusOr<int64_t> PurgeFinished(Tx& tx, int64_t before_ms);

}  // namespace logout
}  // namespace iam::store

#endif  // IAM_STORE_LOGOUT_STORE_H_
