#include "iam/store/logout_store.h"

#include "absl/strings/str_cat.h"
#include "iam/common/status_macros.h"

namespace iam::store::logout {
namespace {

constexpr char kColumns[] =
    "id, account_id, client_id, session_id, user_id, uri, created_at, attempts, "
    "next_attempt_at, lease_until, delivered_at, failed_at, last_error";

LogoutDeliveryRow RowOf(const Row& r) {
  return LogoutDeliveryRow{r.Str(0),    r.Str(1),     r.Str(2),     r.Str(3),  r.Str(4),
                           r.Str(5),    r.Int(6),     r.Int(7),     r.Int(8),  r.OptInt(9),
                           r.OptInt(10), r.OptInt(11), r.Str(12)};
}

}  // namespace

absl::StatusOr<std::vector<EndedSession>> EndedBetween(Tx& tx, int64_t from_ms, int64_t to_ms,
                                                       int limit) {
  ASSIGN_OR_RETURN(auto rows,
                   tx.Query("SELECT id, account_id, user_id, revoked_at FROM sessions "
                            "WHERE revoked_at >= ? AND revoked_at <= ? ORDER BY revoked_at LIMIT ?",
                            {from_ms, to_ms, int64_t{limit}}));
  std::vector<EndedSession> out;
  for (const Row& r : rows) out.push_back({r.Str(0), r.Str(1), r.Str(2), r.Int(3)});
  return out;
}

absl::Status Enqueue(Tx& tx, const LogoutDeliveryRow& d) {
  return tx
      .Exec(absl::StrCat("INSERT INTO oauth_logout_deliveries (", kColumns,
                         ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
            {d.id, d.account_id, d.client_id, d.session_id, d.user_id, d.uri, d.created_at,
             d.attempts, d.next_attempt_at, NullOr(d.lease_until), NullOr(d.delivered_at),
             NullOr(d.failed_at), d.last_error})
      .status();
}

absl::StatusOr<std::vector<LogoutDeliveryRow>> Due(Tx& tx, int64_t now_ms, int limit) {
  ASSIGN_OR_RETURN(
      auto rows,
      tx.Query(absl::StrCat("SELECT ", kColumns,
                            " FROM oauth_logout_deliveries WHERE delivered_at IS NULL AND "
                            "failed_at IS NULL AND next_attempt_at <= ? AND (lease_until IS NULL "
                            "OR lease_until < ?) ORDER BY next_attempt_at LIMIT ?"),
               {now_ms, now_ms, int64_t{limit}}));
  std::vector<LogoutDeliveryRow> out;
  for (const Row& r : rows) out.push_back(RowOf(r));
  return out;
}

absl::StatusOr<int64_t> Lease(Tx& tx, const std::string& id, int64_t now_ms, int64_t until_ms) {
  return tx.Exec(
      "UPDATE oauth_logout_deliveries SET lease_until = ? WHERE id = ? AND delivered_at IS NULL "
      "AND failed_at IS NULL AND (lease_until IS NULL OR lease_until < ?)",
      {until_ms, id, now_ms});
}

absl::Status MarkDelivered(Tx& tx, const std::string& id, int64_t attempts, int64_t now_ms) {
  return tx
      .Exec("UPDATE oauth_logout_deliveries SET delivered_at = ?, attempts = ?, lease_until = NULL, "
            "last_error = '' WHERE id = ?",
            {now_ms, attempts, id})
      .status();
}

absl::Status MarkRetry(Tx& tx, const std::string& id, int64_t attempts, int64_t next_attempt_at,
                       const std::string& error) {
  return tx
      .Exec("UPDATE oauth_logout_deliveries SET attempts = ?, next_attempt_at = ?, "
            "lease_until = NULL, last_error = ? WHERE id = ?",
            {attempts, next_attempt_at, error.substr(0, 500), id})
      .status();
}

absl::Status MarkFailed(Tx& tx, const std::string& id, int64_t attempts, int64_t now_ms,
                        const std::string& error) {
  return tx
      .Exec("UPDATE oauth_logout_deliveries SET failed_at = ?, attempts = ?, lease_until = NULL, "
            "last_error = ? WHERE id = ?",
            {now_ms, attempts, error.substr(0, 500), id})
      .status();
}

absl::StatusOr<std::vector<LogoutDeliveryRow>> ListOfClient(Tx& tx, const std::string& account_id,
                                                            const std::string& client_id,
                                                            int limit) {
  ASSIGN_OR_RETURN(auto rows,
                   tx.Query(absl::StrCat("SELECT ", kColumns,
                                         " FROM oauth_logout_deliveries WHERE account_id = ? AND "
                                         "client_id = ? ORDER BY created_at DESC, id LIMIT ?"),
                            {account_id, client_id, int64_t{limit}}));
  std::vector<LogoutDeliveryRow> out;
  for (const Row& r : rows) out.push_back(RowOf(r));
  return out;
}

absl::StatusOr<Counts> Count(Tx& tx) {
  ASSIGN_OR_RETURN(auto rows,
                   tx.Query("SELECT COUNT(*) FROM oauth_logout_deliveries WHERE delivered_at IS "
                            "NULL AND failed_at IS NULL",
                            {}));
  ASSIGN_OR_RETURN(auto failed, tx.Query("SELECT COUNT(*) FROM oauth_logout_deliveries WHERE "
                                         "failed_at IS NOT NULL",
                                         {}));
  return Counts{rows[0].Int(0), failed[0].Int(0)};
}

absl::Status DeleteOfClient(Tx& tx, const std::string& account_id, const std::string& client_id) {
  return tx
      .Exec("DELETE FROM oauth_logout_deliveries WHERE account_id = ? AND client_id = ?",
            {account_id, client_id})
      .status();
}

absl::Status DeleteAllOfAccount(Tx& tx, const std::string& account_id) {
  return tx.Exec("DELETE FROM oauth_logout_deliveries WHERE account_id = ?", {account_id})
      .status();
}

absl::StatusOr<int64_t> PurgeFinished(Tx& tx, int64_t before_ms) {
  return tx.Exec(
      "DELETE FROM oauth_logout_deliveries WHERE delivered_at < ? OR failed_at < ?",
      {before_ms, before_ms});
}

}  // namespace iam::store::logout
