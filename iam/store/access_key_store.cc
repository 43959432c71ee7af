#include "iam/store/access_key_store.h"

#include "iam/common/status_macros.h"

namespace iam::store::access_keys {
namespace {

constexpr char kSelect[] =
    "SELECT id, account_id, user_id, secret_hash, description, allowed_cidrs, created_at, "
    "expires_at, revoked_at, signing_key_enc FROM access_keys ";

AccessKeyRow FromRow(const Row& r) {
  return AccessKeyRow{r.Str(0), r.Str(1), r.Str(2),    r.Str(3),    r.Str(4),
                      r.Str(5), r.Int(6), r.OptInt(7), r.OptInt(8), r.OptStr(9)};
}

absl::StatusOr<std::vector<AccessKeyRow>> Many(absl::StatusOr<std::vector<Row>> rows) {
  if (!rows.ok()) return rows.status();
  std::vector<AccessKeyRow> out;
  for (const Row& r : *rows) out.push_back(FromRow(r));
  return out;
}

}  // namespace

absl::Status Insert(Tx& tx, const AccessKeyRow& k) {
  return tx
      .Exec(
          "INSERT INTO access_keys (id, account_id, user_id, secret_hash, description, "
          "allowed_cidrs, created_at, expires_at, revoked_at, signing_key_enc) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {k.id, k.account_id, k.user_id, k.secret_hash, k.description, k.allowed_cidrs,
           k.created_at, NullOr(k.expires_at), NullOr(k.revoked_at), NullOr(k.signing_key_enc)})
      .status();
}

absl::StatusOr<AccessKeyRow> Get(Tx& tx, const std::string& id) {
  ASSIGN_OR_RETURN(auto rows, tx.Query(std::string(kSelect) + "WHERE id = ?", {id}));
  if (rows.empty()) return absl::NotFoundError("access key not found");
  return FromRow(rows[0]);
}

absl::StatusOr<KeyWithOwner> GetWithOwner(Tx& tx, const std::string& id) {
  ASSIGN_OR_RETURN(
      auto rows,
      tx.Query("SELECT k.id, k.account_id, k.user_id, k.secret_hash, k.description, "
               "k.allowed_cidrs, k.created_at, k.expires_at, k.revoked_at, k.signing_key_enc, "
               "u.username, u.state, u.is_admin, a.state, a.is_system FROM access_keys k "
               "JOIN users u ON u.id = k.user_id JOIN accounts a ON a.id = k.account_id "
               "WHERE k.id = ?",
               {id}));
  if (rows.empty()) return absl::NotFoundError("access key not found");
  const Row& r = rows[0];
  return KeyWithOwner{FromRow(r),
                      r.Str(10),
                      ParseUserState(r.Str(11)).value_or(UserState::kDisabled),
                      r.Int(12) != 0,
                      ParseAccountState(r.Str(13)).value_or(AccountState::kSuspended),
                      r.Int(14) != 0};
}

absl::StatusOr<std::vector<AccessKeyRow>> ListByUser(Tx& tx, const std::string& user_id) {
  return Many(
      tx.Query(std::string(kSelect) + "WHERE user_id = ? ORDER BY created_at, id", {user_id}));
}

absl::StatusOr<std::vector<AccessKeyRow>> ListByAccount(Tx& tx, const std::string& account_id) {
  return Many(tx.Query(std::string(kSelect) + "WHERE account_id = ? ORDER BY created_at, id",
                       {account_id}));
}

absl::Status Revoke(Tx& tx, const std::string& id, int64_t at) {
  ASSIGN_OR_RETURN(int64_t n, tx.Exec("UPDATE access_keys SET revoked_at = ? WHERE id = ? AND "
                                      "revoked_at IS NULL",
                                      {at, id}));
  if (n == 0) {
    // Either absent or revoked already: tell which.
    RETURN_IF_ERROR(Get(tx, id).status());
  }
  return absl::OkStatus();
}

absl::Status DeleteByUser(Tx& tx, const std::string& user_id) {
  return tx.Exec("DELETE FROM access_keys WHERE user_id = ?", {user_id}).status();
}

absl::Status DeleteAllOfAccount(Tx& tx, const std::string& account_id) {
  return tx.Exec("DELETE FROM access_keys WHERE account_id = ?", {account_id}).status();
}

}  // namespace iam::store::access_keys
