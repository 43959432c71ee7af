#include "iam/store/credential_store.h"

#include "iam/common/status_macros.h"

namespace iam::store::passwords {

absl::StatusOr<std::optional<PasswordRow>> Get(Tx& tx, const std::string& user_id) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT user_id, account_id, hash, changed_at, must_change, "
                                       "at_risk_since FROM passwords WHERE user_id = ?",
                                       {user_id}));
  if (rows.empty()) return std::optional<PasswordRow>();
  const Row& r = rows[0];
  return std::optional<PasswordRow>(
      PasswordRow{r.Str(0), r.Str(1), r.Str(2), r.Int(3), r.Int(4) != 0, r.OptInt(5)});
}

absl::Status Put(Tx& tx, const PasswordRow& p) {
  ASSIGN_OR_RETURN(int64_t n, tx.Exec("UPDATE passwords SET hash = ?, changed_at = ?, "
                                      "must_change = ?, at_risk_since = ? WHERE user_id = ?",
                                      {p.hash, p.changed_at, int64_t{p.must_change},
                                       NullOr(p.at_risk_since), p.user_id}));
  if (n > 0) return absl::OkStatus();
  absl::Status s = tx.Exec("INSERT INTO passwords (user_id, account_id, hash, changed_at, "
                           "must_change, at_risk_since) VALUES (?, ?, ?, ?, ?, ?)",
                           {p.user_id, p.account_id, p.hash, p.changed_at,
                            int64_t{p.must_change}, NullOr(p.at_risk_since)})
                       .status();
  if (absl::IsAlreadyExists(s)) return absl::AbortedError("password set concurrently");
  return s;
}

absl::Status SetAtRisk(Tx& tx, const std::string& user_id, std::optional<int64_t> since) {
  return tx.Exec("UPDATE passwords SET at_risk_since = ? WHERE user_id = ?",
                 {NullOr(since), user_id})
      .status();
}

absl::StatusOr<std::set<std::string>> AtRiskUsers(Tx& tx, const std::string& account_id) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT user_id FROM passwords WHERE account_id = ? AND "
                                       "at_risk_since IS NOT NULL",
                                       {account_id}));
  std::set<std::string> out;
  for (const Row& r : rows) out.insert(r.Str(0));
  return out;
}

absl::StatusOr<std::vector<std::string>> History(Tx& tx, const std::string& user_id, int limit) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT hash FROM password_history WHERE user_id = ? "
                                       "ORDER BY seq DESC LIMIT ?",
                                       {user_id, int64_t{limit}}));
  std::vector<std::string> out;
  for (const Row& r : rows) out.push_back(r.Str(0));
  return out;
}

absl::Status AddHistory(Tx& tx, const std::string& user_id, const std::string& hash, int64_t at,
                        int keep) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT COALESCE(MAX(seq), 0) FROM password_history "
                                       "WHERE user_id = ?",
                                       {user_id}));
  const int64_t seq = (rows.empty() ? 0 : rows[0].Int(0)) + 1;
  absl::Status s = tx.Exec("INSERT INTO password_history (user_id, seq, changed_at, hash) "
                           "VALUES (?, ?, ?, ?)",
                           {user_id, seq, at, hash})
                       .status();
  // Two changes of one user at once: the transaction runs again, in turn.
  if (absl::IsAlreadyExists(s)) return absl::AbortedError("password history raced");
  RETURN_IF_ERROR(s);
  return tx.Exec("DELETE FROM password_history WHERE user_id = ? AND seq <= ?",
                 {user_id, seq - keep})
      .status();
}

absl::Status DeleteOfUser(Tx& tx, const std::string& user_id) {
  RETURN_IF_ERROR(tx.Exec("DELETE FROM password_history WHERE user_id = ?", {user_id}).status());
  return tx.Exec("DELETE FROM passwords WHERE user_id = ?", {user_id}).status();
}

absl::Status DeleteAllOfAccount(Tx& tx, const std::string& account_id) {
  RETURN_IF_ERROR(tx.Exec("DELETE FROM password_history WHERE user_id IN "
                          "(SELECT user_id FROM passwords WHERE account_id = ?)",
                          {account_id})
                      .status());
  return tx.Exec("DELETE FROM passwords WHERE account_id = ?", {account_id}).status();
}

}  // namespace iam::store::passwords
