#include "iam/store/session_store.h"

#include "iam/common/status_macros.h"

namespace iam::store::sessions {
namespace {

constexpr char kSelect[] =
    "SELECT id, account_id, user_id, client_type, device_id, source_ip, user_agent, amr, "
    "auth_time, created_at, last_seen_at, idle_expires_at, expires_at, revoked_at, "
    "revoke_reason FROM sessions ";
constexpr char kLive[] = "revoked_at IS NULL AND expires_at > ? AND idle_expires_at > ? ";

SessionRow FromRow(const Row& r) {
  return SessionRow{r.Str(0), r.Str(1),  r.Str(2),  r.Str(3),  r.Str(4),    r.Str(5),
                    r.Str(6), r.Str(7),  r.Int(8),  r.Int(9),  r.Int(10),   r.Int(11),
                    r.Int(12), r.OptInt(13), r.Str(14)};
}

absl::StatusOr<std::vector<SessionRow>> Many(absl::StatusOr<std::vector<Row>> rows) {
  if (!rows.ok()) return rows.status();
  std::vector<SessionRow> out;
  for (const Row& r : *rows) out.push_back(FromRow(r));
  return out;
}

}  // namespace

absl::Status Insert(Tx& tx, const SessionRow& s) {
  return tx
      .Exec("INSERT INTO sessions (id, account_id, user_id, client_type, device_id, source_ip, "
            "user_agent, amr, auth_time, created_at, last_seen_at, idle_expires_at, expires_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            {s.id, s.account_id, s.user_id, s.client_type, s.device_id, s.source_ip,
             s.user_agent, s.amr, s.auth_time, s.created_at, s.last_seen_at, s.idle_expires_at,
             s.expires_at})
      .status();
}

absl::Status SetAuth(Tx& tx, const std::string& id, const std::string& amr, int64_t auth_time) {
  return tx.Exec("UPDATE sessions SET amr = ?, auth_time = ? WHERE id = ?", {amr, auth_time, id})
      .status();
}

absl::StatusOr<SessionRow> Get(Tx& tx, const std::string& id) {
  ASSIGN_OR_RETURN(auto rows, tx.Query(std::string(kSelect) + "WHERE id = ?", {id}));
  if (rows.empty()) return absl::NotFoundError("session not found");
  return FromRow(rows[0]);
}

absl::StatusOr<std::vector<SessionRow>> ListLiveOfUser(Tx& tx, const std::string& user_id,
                                                       int64_t now) {
  return Many(tx.Query(std::string(kSelect) + "WHERE user_id = ? AND " + kLive +
                           "ORDER BY created_at, id",
                       {user_id, now, now}));
}

absl::StatusOr<std::vector<SessionRow>> List(Tx& tx, const std::string& account_id,
                                             const std::string& user_id, int64_t now,
                                             bool include_ended, int limit) {
  std::string sql = std::string(kSelect) + "WHERE account_id = ? ";
  std::vector<Value> params{account_id};
  if (!user_id.empty()) {
    sql += "AND user_id = ? ";
    params.push_back(user_id);
  }
  if (!include_ended) {
    sql += std::string("AND ") + kLive;
    params.emplace_back(std::in_place_type<int64_t>, now);
    params.emplace_back(std::in_place_type<int64_t>, now);
  }
  sql += "ORDER BY created_at DESC, id LIMIT ?";
  params.emplace_back(std::in_place_type<int64_t>, limit);
  return Many(tx.Query(sql, params));
}

absl::Status Touch(Tx& tx, const std::string& id, int64_t last_seen_at, int64_t idle_expires_at) {
  return tx
      .Exec("UPDATE sessions SET last_seen_at = ?, idle_expires_at = ? WHERE id = ?",
            {last_seen_at, idle_expires_at, id})
      .status();
}

absl::StatusOr<int64_t> Revoke(Tx& tx, const std::string& id, int64_t at,
                               const std::string& reason) {
  return tx.Exec("UPDATE sessions SET revoked_at = ?, revoke_reason = ? "
                 "WHERE id = ? AND revoked_at IS NULL",
                 {at, reason, id});
}

absl::StatusOr<std::vector<std::string>> RevokeAllOfUser(Tx& tx, const std::string& user_id,
                                                         int64_t at, const std::string& reason) {
  ASSIGN_OR_RETURN(auto live, ListLiveOfUser(tx, user_id, at));
  std::vector<std::string> ids;
  for (const auto& s : live) {
    ASSIGN_OR_RETURN(int64_t n, Revoke(tx, s.id, at, reason));
    if (n > 0) ids.push_back(s.id);
  }
  return ids;
}

absl::Status DeleteOfUser(Tx& tx, const std::string& user_id) {
  RETURN_IF_ERROR(tx.Exec("DELETE FROM refresh_tokens WHERE session_id IN "
                          "(SELECT id FROM sessions WHERE user_id = ?)",
                          {user_id})
                      .status());
  return tx.Exec("DELETE FROM sessions WHERE user_id = ?", {user_id}).status();
}

absl::Status DeleteAllOfAccount(Tx& tx, const std::string& account_id) {
  RETURN_IF_ERROR(tx.Exec("DELETE FROM refresh_tokens WHERE session_id IN "
                          "(SELECT id FROM sessions WHERE account_id = ?)",
                          {account_id})
                      .status());
  return tx.Exec("DELETE FROM sessions WHERE account_id = ?", {account_id}).status();
}

}  // namespace iam::store::sessions

namespace iam::store::refresh_tokens {

absl::Status Insert(Tx& tx, const std::string& hash, const std::string& session_id, int64_t at) {
  return tx
      .Exec("INSERT INTO refresh_tokens (hash, session_id, created_at) VALUES (?, ?, ?)",
            {hash, session_id, at})
      .status();
}

absl::StatusOr<std::optional<RefreshRow>> Get(Tx& tx, const std::string& hash) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT session_id, used_at FROM refresh_tokens "
                                       "WHERE hash = ?",
                                       {hash}));
  if (rows.empty()) return std::optional<RefreshRow>();
  return std::optional<RefreshRow>(RefreshRow{rows[0].Str(0), rows[0].OptInt(1)});
}

absl::StatusOr<int64_t> MarkUsed(Tx& tx, const std::string& hash, int64_t at) {
  return tx.Exec("UPDATE refresh_tokens SET used_at = ? WHERE hash = ? AND used_at IS NULL",
                 {at, hash});
}

}  // namespace iam::store::refresh_tokens
