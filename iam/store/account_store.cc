#include "iam/store/account_store.h"

#include "iam/common/status_macros.h"

namespace iam::store::accounts {
namespace {

constexpr char kColumns[] =
    "id, name, display_name, state, is_system, created_at, updated_at, closed_at, purged_at";

AccountRow FromRow(const Row& r) {
  // A state this build does not know fails closed: the account is not active.
  return AccountRow{r.Str(0),      r.Str(1),
                    r.Str(2),      ParseAccountState(r.Str(3)).value_or(AccountState::kSuspended),
                    r.Int(4) != 0, r.Int(5),
                    r.Int(6),      r.OptInt(7),
                    r.OptInt(8)};
}

absl::StatusOr<AccountRow> One(absl::StatusOr<std::vector<Row>> rows) {
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return absl::NotFoundError("account not found");
  return FromRow((*rows)[0]);
}

}  // namespace

absl::Status Insert(Tx& tx, const AccountRow& a) {
  return tx
      .Exec(
          std::string("INSERT INTO accounts (") + kColumns + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {a.id, a.name, a.display_name, Name(a.state), int64_t{a.is_system}, a.created_at,
           a.updated_at, NullOr(a.closed_at), NullOr(a.purged_at)})
      .status();
}

absl::StatusOr<AccountRow> Get(Tx& tx, const std::string& id) {
  return One(tx.Query(std::string("SELECT ") + kColumns + " FROM accounts WHERE id = ?", {id}));
}

absl::StatusOr<AccountRow> GetByName(Tx& tx, const std::string& name) {
  return One(tx.Query(std::string("SELECT ") + kColumns + " FROM accounts WHERE name = ?", {name}));
}

absl::StatusOr<std::optional<AccountRow>> GetSystem(Tx& tx) {
  ASSIGN_OR_RETURN(
      auto rows,
      tx.Query(std::string("SELECT ") + kColumns + " FROM accounts WHERE is_system = 1", {}));
  if (rows.empty()) return std::optional<AccountRow>();
  return std::optional<AccountRow>(FromRow(rows[0]));
}

absl::StatusOr<std::vector<AccountRow>> List(Tx& tx, const std::string& after_id, int limit) {
  ASSIGN_OR_RETURN(auto rows, tx.Query(std::string("SELECT ") + kColumns +
                                           " FROM accounts WHERE id > ? ORDER BY id LIMIT ?",
                                       {after_id, int64_t{limit}}));
  std::vector<AccountRow> out;
  for (const Row& r : rows) out.push_back(FromRow(r));
  return out;
}

absl::Status Update(Tx& tx, const AccountRow& a) {
  ASSIGN_OR_RETURN(int64_t n, tx.Exec("UPDATE accounts SET display_name = ?, state = ?, "
                                      "updated_at = ?, closed_at = ?, purged_at = ? WHERE id = ?",
                                      {a.display_name, Name(a.state), a.updated_at,
                                       NullOr(a.closed_at), NullOr(a.purged_at), a.id}));
  if (n == 0) return absl::NotFoundError("account not found");
  return absl::OkStatus();
}

absl::StatusOr<std::vector<AccountRow>> ListClosedBefore(Tx& tx, int64_t cutoff, int limit) {
  ASSIGN_OR_RETURN(auto rows, tx.Query(std::string("SELECT ") + kColumns +
                                           " FROM accounts WHERE state = 'closed' AND "
                                           "closed_at <= ? ORDER BY closed_at LIMIT ?",
                                       {cutoff, int64_t{limit}}));
  std::vector<AccountRow> out;
  for (const Row& r : rows) out.push_back(FromRow(r));
  return out;
}

}  // namespace iam::store::accounts
