#include "iam/store/sso_store.h"

#include "absl/strings/str_cat.h"
#include "iam/common/status_macros.h"

namespace iam::store::sso {
namespace {

constexpr char kCodeColumns[] =
    "code_hash, account_id, client_id, user_id, session_id, redirect_uri, scope, nonce, "
    "code_challenge, auth_time, amr, acr, created_at, expires_at, used_at, access_jti, "
    "refresh_family";

CodeRow CodeOf(const Row& r) {
  return CodeRow{r.Str(0),  r.Str(1),  r.Str(2),  r.Str(3),    r.Str(4),    r.Str(5),
                 r.Str(6),  r.Str(7),  r.Str(8),  r.Int(9),    r.Str(10),   r.Str(11),
                 r.Int(12), r.Int(13), r.OptInt(14), r.OptStr(15), r.OptStr(16)};
}

}  // namespace

absl::Status InsertAuthRequest(Tx& tx, const AuthRequestRow& r) {
  return tx
      .Exec("INSERT INTO oauth_auth_requests (request_hash, account_id, client_id, browser_hash, "
            "params, created_at, expires_at, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            {r.request_hash, r.account_id, r.client_id, r.browser_hash, r.params, r.created_at,
             r.expires_at, NullOr(r.finished_at)})
      .status();
}

absl::StatusOr<std::optional<AuthRequestRow>> GetAuthRequest(Tx& tx, const std::string& hash) {
  ASSIGN_OR_RETURN(auto rows,
                   tx.Query("SELECT request_hash, account_id, client_id, browser_hash, params, "
                            "created_at, expires_at, finished_at FROM oauth_auth_requests "
                            "WHERE request_hash = ?",
                            {hash}));
  if (rows.empty()) return std::nullopt;
  const Row& r = rows[0];
  return AuthRequestRow{r.Str(0), r.Str(1), r.Str(2), r.Str(3),
                        r.Str(4), r.Int(5), r.Int(6), r.OptInt(7)};
}

absl::StatusOr<int64_t> FinishAuthRequest(Tx& tx, const std::string& hash, int64_t now_ms) {
  return tx.Exec(
      "UPDATE oauth_auth_requests SET finished_at = ? WHERE request_hash = ? AND "
      "finished_at IS NULL",
      {now_ms, hash});
}

absl::Status InsertSso(Tx& tx, const SsoRow& r) {
  return tx
      .Exec("INSERT INTO web_sso (token_hash, session_id, account_id, created_at) "
            "VALUES (?, ?, ?, ?)",
            {r.token_hash, r.session_id, r.account_id, r.created_at})
      .status();
}

absl::StatusOr<std::optional<SsoRow>> GetSso(Tx& tx, const std::string& hash) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT token_hash, session_id, account_id, created_at "
                                       "FROM web_sso WHERE token_hash = ?",
                                       {hash}));
  if (rows.empty()) return std::nullopt;
  return SsoRow{rows[0].Str(0), rows[0].Str(1), rows[0].Str(2), rows[0].Int(3)};
}

absl::Status DeleteSsoOfSession(Tx& tx, const std::string& session_id) {
  return tx.Exec("DELETE FROM web_sso WHERE session_id = ?", {session_id}).status();
}

absl::Status InsertCode(Tx& tx, const CodeRow& r) {
  return tx
      .Exec(absl::StrCat("INSERT INTO oauth_codes (", kCodeColumns,
                         ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
            {r.code_hash, r.account_id, r.client_id, r.user_id, r.session_id, r.redirect_uri,
             r.scope, r.nonce, r.code_challenge, r.auth_time, r.amr, r.acr, r.created_at,
             r.expires_at, NullOr(r.used_at), NullOr(r.access_jti), NullOr(r.refresh_family)})
      .status();
}

absl::StatusOr<std::optional<CodeRow>> GetCode(Tx& tx, const std::string& hash) {
  ASSIGN_OR_RETURN(auto rows, tx.Query(absl::StrCat("SELECT ", kCodeColumns,
                                                    " FROM oauth_codes WHERE code_hash = ?"),
                                       {hash}));
  if (rows.empty()) return std::nullopt;
  return CodeOf(rows[0]);
}

absl::StatusOr<int64_t> UseCode(Tx& tx, const std::string& hash, int64_t now_ms,
                                const std::string& access_jti, const std::string& refresh_family) {
  return tx.Exec(
      "UPDATE oauth_codes SET used_at = ?, access_jti = ?, refresh_family = ? "
      "WHERE code_hash = ? AND used_at IS NULL",
      {now_ms, access_jti, refresh_family.empty() ? Value() : Value(refresh_family), hash});
}

absl::StatusOr<std::vector<std::string>> ClientsOfSession(Tx& tx, const std::string& session_id) {
  ASSIGN_OR_RETURN(auto rows,
                   tx.Query("SELECT client_id FROM oauth_codes WHERE session_id = ? UNION "
                            "SELECT client_id FROM oauth_refresh_tokens WHERE session_id = ? "
                            "ORDER BY client_id",
                            {session_id, session_id}));
  std::vector<std::string> out;
  for (const Row& r : rows) out.push_back(r.Str(0));
  return out;
}

absl::StatusOr<std::optional<std::string>> GetConsent(Tx& tx, const std::string& account_id,
                                                      const std::string& user_id,
                                                      const std::string& client_id) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT scope FROM oauth_consents WHERE account_id = ? "
                                       "AND user_id = ? AND client_id = ?",
                                       {account_id, user_id, client_id}));
  if (rows.empty()) return std::nullopt;
  return rows[0].Str(0);
}

absl::Status PutConsent(Tx& tx, const std::string& account_id, const std::string& user_id,
                        const std::string& client_id, const std::string& scope, int64_t now_ms) {
  // Delete and insert: one statement for both dialects' upserts.
  RETURN_IF_ERROR(DeleteConsent(tx, account_id, user_id, client_id));
  return tx
      .Exec("INSERT INTO oauth_consents (account_id, user_id, client_id, scope, granted_at) "
            "VALUES (?, ?, ?, ?, ?)",
            {account_id, user_id, client_id, scope, now_ms})
      .status();
}

absl::Status DeleteConsent(Tx& tx, const std::string& account_id, const std::string& user_id,
                           const std::string& client_id) {
  return tx
      .Exec("DELETE FROM oauth_consents WHERE account_id = ? AND user_id = ? AND client_id = ?",
            {account_id, user_id, client_id})
      .status();
}

absl::Status DeleteOfUser(Tx& tx, const std::string& user_id) {
  RETURN_IF_ERROR(tx.Exec("DELETE FROM web_sso WHERE session_id IN "
                          "(SELECT id FROM sessions WHERE user_id = ?)",
                          {user_id})
                      .status());
  RETURN_IF_ERROR(tx.Exec("DELETE FROM oauth_codes WHERE user_id = ?", {user_id}).status());
  return tx.Exec("DELETE FROM oauth_consents WHERE user_id = ?", {user_id}).status();
}

absl::Status DeleteOfClient(Tx& tx, const std::string& account_id, const std::string& client_id) {
  for (const char* table : {"oauth_auth_requests", "oauth_codes", "oauth_consents"}) {
    RETURN_IF_ERROR(tx.Exec(absl::StrCat("DELETE FROM ", table,
                                         " WHERE account_id = ? AND client_id = ?"),
                            {account_id, client_id})
                        .status());
  }
  return absl::OkStatus();
}

absl::Status DeleteAllOfAccount(Tx& tx, const std::string& account_id) {
  for (const char* table : {"oauth_auth_requests", "web_sso", "oauth_codes", "oauth_consents",
                            "oauth_device_codes"}) {
    RETURN_IF_ERROR(
        tx.Exec(absl::StrCat("DELETE FROM ", table, " WHERE account_id = ?"), {account_id})
            .status());
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> PurgeEnded(Tx& tx, int64_t now_ms) {
  ASSIGN_OR_RETURN(int64_t a,
                   tx.Exec("DELETE FROM oauth_auth_requests WHERE expires_at <= ?", {now_ms}));
  ASSIGN_OR_RETURN(int64_t b, tx.Exec("DELETE FROM oauth_codes WHERE expires_at <= ? AND "
                                      "used_at IS NULL",
                                      {now_ms}));
  // A used code is kept while what it issued may live, so that its replay
  // still finds something to revoke: a day past its use.
  ASSIGN_OR_RETURN(int64_t c, tx.Exec("DELETE FROM oauth_codes WHERE used_at <= ?",
                                      {now_ms - int64_t{86400} * 1000}));
  ASSIGN_OR_RETURN(int64_t d,
                   tx.Exec("DELETE FROM web_sso WHERE session_id IN (SELECT id FROM sessions "
                           "WHERE expires_at <= ? OR idle_expires_at <= ? OR "
                           "revoked_at IS NOT NULL)",
                           {now_ms, now_ms}));
  ASSIGN_OR_RETURN(int64_t e,
                   tx.Exec("DELETE FROM oauth_device_codes WHERE expires_at <= ?", {now_ms}));
  return a + b + c + d + e;
}

}  // namespace iam::store::sso
