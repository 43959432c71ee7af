#include "iam/store/client_store.h"

#include "iam/common/status_macros.h"

namespace iam::store::clients {
namespace {

constexpr char kSelect[] =
    "SELECT id, account_id, client_id, metadata, secret_hash, secret_created_at, "
    "old_secret_hash, old_secret_expires_at, registration_hash, service_user_id, state, "
    "created_at, updated_at FROM oauth_clients ";

ClientRow FromRow(const Row& r) {
  ClientRow c;
  c.id = r.Str(0);
  c.account_id = r.Str(1);
  c.client_id = r.Str(2);
  c.metadata = r.Str(3);
  c.secret_hash = r.OptStr(4);
  c.secret_created_at = r.OptInt(5);
  c.old_secret_hash = r.OptStr(6);
  c.old_secret_expires_at = r.OptInt(7);
  c.registration_hash = r.OptStr(8);
  c.service_user_id = r.OptStr(9);
  // A state this build does not know fails closed: no tokens.
  c.state = ParseClientState(r.Str(10)).value_or(ClientState::kDisabled);
  c.created_at = r.Int(11);
  c.updated_at = r.Int(12);
  return c;
}

absl::StatusOr<ClientRow> One(absl::StatusOr<std::vector<Row>> rows) {
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return absl::NotFoundError("client not found");
  return FromRow((*rows)[0]);
}

}  // namespace

absl::Status Insert(Tx& tx, const ClientRow& c) {
  return tx
      .Exec("INSERT INTO oauth_clients (id, account_id, client_id, metadata, secret_hash, "
            "secret_created_at, old_secret_hash, old_secret_expires_at, registration_hash, "
            "service_user_id, state, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            {c.id, c.account_id, c.client_id, c.metadata, NullOr(c.secret_hash),
             NullOr(c.secret_created_at), NullOr(c.old_secret_hash),
             NullOr(c.old_secret_expires_at), NullOr(c.registration_hash),
             NullOr(c.service_user_id), Name(c.state), c.created_at, c.updated_at})
      .status();
}

absl::StatusOr<ClientRow> Get(Tx& tx, const std::string& account_id,
                              const std::string& client_id) {
  return One(tx.Query(std::string(kSelect) + "WHERE account_id = ? AND client_id = ?",
                      {account_id, client_id}));
}

absl::StatusOr<ClientRow> GetById(Tx& tx, const std::string& id) {
  return One(tx.Query(std::string(kSelect) + "WHERE id = ?", {id}));
}

absl::StatusOr<std::vector<ClientRow>> List(Tx& tx, const std::string& account_id,
                                            const std::string& after, int limit) {
  ASSIGN_OR_RETURN(auto rows, tx.Query(std::string(kSelect) +
                                           "WHERE account_id = ? AND client_id > ? "
                                           "ORDER BY client_id LIMIT ?",
                                       {account_id, after, int64_t{limit}}));
  std::vector<ClientRow> out;
  for (const Row& r : rows) out.push_back(FromRow(r));
  return out;
}

absl::Status Update(Tx& tx, const ClientRow& c) {
  ASSIGN_OR_RETURN(
      int64_t n,
      tx.Exec("UPDATE oauth_clients SET metadata = ?, secret_hash = ?, secret_created_at = ?, "
              "old_secret_hash = ?, old_secret_expires_at = ?, registration_hash = ?, "
              "state = ?, updated_at = ? WHERE id = ?",
              {c.metadata, NullOr(c.secret_hash), NullOr(c.secret_created_at),
               NullOr(c.old_secret_hash), NullOr(c.old_secret_expires_at),
               NullOr(c.registration_hash), Name(c.state), c.updated_at, c.id}));
  if (n == 0) return absl::NotFoundError("client not found");
  return absl::OkStatus();
}

absl::Status Delete(Tx& tx, const std::string& id) {
  ASSIGN_OR_RETURN(int64_t n, tx.Exec("DELETE FROM oauth_clients WHERE id = ?", {id}));
  if (n == 0) return absl::NotFoundError("client not found");
  return absl::OkStatus();
}

absl::Status DeleteAllOfAccount(Tx& tx, const std::string& account_id) {
  RETURN_IF_ERROR(
      tx.Exec("DELETE FROM oauth_clients WHERE account_id = ?", {account_id}).status());
  return tx.Exec("DELETE FROM oauth_initial_access_tokens WHERE account_id = ?", {account_id})
      .status();
}

absl::StatusOr<std::optional<ClientRow>> OfServiceUser(Tx& tx, const std::string& user_id) {
  ASSIGN_OR_RETURN(auto rows,
                   tx.Query(std::string(kSelect) + "WHERE service_user_id = ?", {user_id}));
  if (rows.empty()) return std::nullopt;
  return FromRow(rows[0]);
}

absl::Status InsertInitialAccessToken(Tx& tx, const InitialAccessTokenRow& t) {
  return tx
      .Exec("INSERT INTO oauth_initial_access_tokens (id, account_id, token_hash, description, "
            "uses_left, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            {t.id, t.account_id, t.token_hash, t.description, t.uses_left, t.expires_at,
             t.created_at})
      .status();
}

absl::StatusOr<std::vector<InitialAccessTokenRow>> ListInitialAccessTokens(
    Tx& tx, const std::string& account_id) {
  ASSIGN_OR_RETURN(auto rows,
                   tx.Query("SELECT id, account_id, token_hash, description, uses_left, "
                            "expires_at, created_at FROM oauth_initial_access_tokens "
                            "WHERE account_id = ? ORDER BY created_at, id",
                            {account_id}));
  std::vector<InitialAccessTokenRow> out;
  for (const Row& r : rows) {
    out.push_back({r.Str(0), r.Str(1), r.Str(2), r.Str(3), r.Int(4), r.Int(5), r.Int(6)});
  }
  return out;
}

absl::Status DeleteInitialAccessToken(Tx& tx, const std::string& account_id,
                                      const std::string& id) {
  ASSIGN_OR_RETURN(int64_t n,
                   tx.Exec("DELETE FROM oauth_initial_access_tokens WHERE account_id = ? AND id = ?",
                           {account_id, id}));
  if (n == 0) return absl::NotFoundError("initial access token not found");
  return absl::OkStatus();
}

absl::Status ConsumeInitialAccessToken(Tx& tx, const std::string& account_id,
                                       const std::string& token_hash, int64_t now_ms) {
  // One conditional update: two registrations racing for the last use
  // cannot both win.
  ASSIGN_OR_RETURN(int64_t n,
                   tx.Exec("UPDATE oauth_initial_access_tokens SET uses_left = uses_left - 1 "
                           "WHERE account_id = ? AND token_hash = ? AND uses_left > 0 "
                           "AND expires_at > ?",
                           {account_id, token_hash, now_ms}));
  if (n == 0) return absl::NotFoundError("initial access token not usable");
  return absl::OkStatus();
}

absl::Status Revoke(Tx& tx, const std::string& jti, const std::string& account_id,
                    int64_t expires_at_ms) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT 1 FROM oauth_revoked_tokens WHERE jti = ?", {jti}));
  if (!rows.empty()) return absl::OkStatus();
  absl::Status s = tx.Exec("INSERT INTO oauth_revoked_tokens (jti, account_id, expires_at) "
                           "VALUES (?, ?, ?)",
                           {jti, account_id, expires_at_ms})
                       .status();
  return absl::IsAlreadyExists(s) ? absl::OkStatus() : s;
}

absl::StatusOr<bool> IsRevoked(Tx& tx, const std::string& jti) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT 1 FROM oauth_revoked_tokens WHERE jti = ?", {jti}));
  return !rows.empty();
}

absl::Status RememberProof(Tx& tx, const std::string& proof_hash, int64_t expires_at_ms) {
  return tx
      .Exec("INSERT INTO oauth_seen_proofs (proof_hash, expires_at) VALUES (?, ?)",
            {proof_hash, expires_at_ms})
      .status();
}

absl::Status InsertRefresh(Tx& tx, const OAuthRefreshRow& r) {
  return tx
      .Exec("INSERT INTO oauth_refresh_tokens (token_hash, family_id, account_id, client_id, "
            "user_id, session_id, scope, audience, created_at, expires_at, used_at, revoked_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            {r.token_hash, r.family_id, r.account_id, r.client_id, r.user_id, r.session_id,
             r.scope, r.audience, r.created_at, r.expires_at, NullOr(r.used_at),
             NullOr(r.revoked_at)})
      .status();
}

absl::StatusOr<std::optional<OAuthRefreshRow>> GetRefresh(Tx& tx, const std::string& hash) {
  ASSIGN_OR_RETURN(auto rows,
                   tx.Query("SELECT token_hash, family_id, account_id, client_id, user_id, "
                            "session_id, scope, audience, created_at, expires_at, used_at, "
                            "revoked_at FROM oauth_refresh_tokens WHERE token_hash = ?",
                            {hash}));
  if (rows.empty()) return std::nullopt;
  const Row& r = rows[0];
  return OAuthRefreshRow{r.Str(0), r.Str(1), r.Str(2), r.Str(3),  r.Str(4),    r.Str(5),
                         r.Str(6), r.Str(7), r.Int(8), r.Int(9), r.OptInt(10), r.OptInt(11)};
}

absl::StatusOr<int64_t> MarkRefreshUsed(Tx& tx, const std::string& hash, int64_t now_ms) {
  return tx.Exec(
      "UPDATE oauth_refresh_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL",
      {now_ms, hash});
}

absl::Status RevokeRefreshFamily(Tx& tx, const std::string& family_id, int64_t now_ms) {
  return tx
      .Exec("UPDATE oauth_refresh_tokens SET revoked_at = ? WHERE family_id = ? AND "
            "revoked_at IS NULL",
            {now_ms, family_id})
      .status();
}

absl::StatusOr<int64_t> PurgeEnded(Tx& tx, int64_t now_ms) {
  ASSIGN_OR_RETURN(int64_t a,
                   tx.Exec("DELETE FROM oauth_revoked_tokens WHERE expires_at <= ?", {now_ms}));
  ASSIGN_OR_RETURN(int64_t b,
                   tx.Exec("DELETE FROM oauth_seen_proofs WHERE expires_at <= ?", {now_ms}));
  ASSIGN_OR_RETURN(int64_t c,
                   tx.Exec("DELETE FROM oauth_refresh_tokens WHERE expires_at <= ?", {now_ms}));
  return a + b + c;
}

}  // namespace iam::store::clients
