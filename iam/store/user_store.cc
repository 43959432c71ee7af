#include "iam/store/user_store.h"

#include "absl/strings/str_cat.h"
#include "iam/common/status_macros.h"
#include "iam/common/text.h"

namespace iam::store::users {
namespace {

constexpr char kSelect[] =
    "SELECT id, account_id, username, display_name, email_enc, email_index, phone_enc, "
    "is_admin, state, created_at, updated_at, kind FROM users ";

UserRow FromRow(const Row& r) {
  // A state this build does not know fails closed: the user is disabled.
  return UserRow{
      r.Str(0),    r.Str(1),      r.Str(2),
      r.Str(3),    r.OptStr(4),   r.OptStr(5),
      r.OptStr(6), r.Int(7) != 0, ParseUserState(r.Str(8)).value_or(UserState::kDisabled),
      r.Int(9),    r.Int(10),
      // An unknown kind fails closed: a service account cannot log in.
      ParseUserKind(r.Str(11)).value_or(UserKind::kService)};
}

absl::StatusOr<UserRow> One(absl::StatusOr<std::vector<Row>> rows) {
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return absl::NotFoundError("user not found");
  return FromRow((*rows)[0]);
}

}  // namespace

std::string UsernameKey(const std::string& username) { return text::AsciiLower(username); }

absl::Status Insert(Tx& tx, const UserRow& u) {
  return tx
      .Exec(
          "INSERT INTO users (id, account_id, username, username_key, display_name, "
          "email_enc, email_index, phone_enc, is_admin, state, created_at, updated_at, kind) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {u.id, u.account_id, u.username, UsernameKey(u.username), u.display_name,
           NullOr(u.email_enc), NullOr(u.email_index), NullOr(u.phone_enc), int64_t{u.is_admin},
           Name(u.state), u.created_at, u.updated_at, Name(u.kind)})
      .status();
}

absl::StatusOr<UserRow> Get(Tx& tx, const std::string& id) {
  return One(tx.Query(std::string(kSelect) + "WHERE id = ?", {id}));
}

absl::StatusOr<UserRow> GetByUsername(Tx& tx, const std::string& account_id,
                                      const std::string& username) {
  absl::StatusOr<UserRow> user =
      One(tx.Query(std::string(kSelect) + "WHERE account_id = ? AND username_key = ?",
                   {account_id, UsernameKey(username)}));
  if (absl::IsNotFound(user.status())) {
    return absl::NotFoundError(absl::StrCat("user ", text::Quoted(username), " not found"));
  }
  return user;
}

absl::StatusOr<UserRow> GetByEmailIndex(Tx& tx, const std::string& account_id,
                                        const std::string& email_index) {
  ASSIGN_OR_RETURN(
      auto rows, tx.Query(std::string(kSelect) + "WHERE account_id = ? AND email_index = ? LIMIT 2",
                          {account_id, email_index}));
  if (rows.size() != 1) return absl::NotFoundError("user not found");
  return FromRow(rows[0]);
}

absl::StatusOr<std::vector<UserRow>> List(Tx& tx, const std::string& account_id,
                                          const std::string& after_key, int limit) {
  ASSIGN_OR_RETURN(auto rows,
                   tx.Query(std::string(kSelect) + "WHERE account_id = ? AND username_key > ? "
                                                   "ORDER BY username_key LIMIT ?",
                            {account_id, after_key, int64_t{limit}}));
  std::vector<UserRow> out;
  for (const Row& r : rows) out.push_back(FromRow(r));
  return out;
}

absl::Status Update(Tx& tx, const UserRow& u) {
  ASSIGN_OR_RETURN(
      int64_t n,
      tx.Exec("UPDATE users SET display_name = ?, email_enc = ?, email_index = ?, "
              "phone_enc = ?, is_admin = ?, state = ?, updated_at = ? WHERE id = ?",
              {u.display_name, NullOr(u.email_enc), NullOr(u.email_index), NullOr(u.phone_enc),
               int64_t{u.is_admin}, Name(u.state), u.updated_at, u.id}));
  if (n == 0) return absl::NotFoundError("user not found");
  return absl::OkStatus();
}

absl::Status Delete(Tx& tx, const std::string& id) {
  ASSIGN_OR_RETURN(int64_t n, tx.Exec("DELETE FROM users WHERE id = ?", {id}));
  if (n == 0) return absl::NotFoundError("user not found");
  return absl::OkStatus();
}

absl::StatusOr<int64_t> CountActiveAdmins(Tx& tx, const std::string& account_id) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT COUNT(*) FROM users WHERE account_id = ? AND "
                                       "is_admin = 1 AND state = 'active'",
                                       {account_id}));
  return rows.empty() ? 0 : rows[0].Int(0);
}

absl::StatusOr<int64_t> DeleteAllOfAccount(Tx& tx, const std::string& account_id) {
  return tx.Exec("DELETE FROM users WHERE account_id = ?", {account_id});
}

}  // namespace iam::store::users
