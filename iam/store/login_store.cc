#include "iam/store/login_store.h"

#include "absl/strings/str_cat.h"
#include "iam/common/status_macros.h"

namespace iam::store::login {
namespace {

constexpr char kCounterSelect[] =
    "SELECT scope, subject, failures, last_failure_at, lockouts, locked_until, permanent "
    "FROM login_counters ";

CounterRow FromRow(const Row& r) {
  return CounterRow{r.Str(0),
                    r.Str(1),
                    static_cast<int>(r.Int(2)),
                    r.Int(3),
                    static_cast<int>(r.Int(4)),
                    r.Int(5),
                    r.Int(6) != 0};
}

}  // namespace

absl::StatusOr<CounterRow> GetCounter(Tx& tx, const std::string& scope,
                                      const std::string& subject) {
  ASSIGN_OR_RETURN(auto rows, tx.Query(std::string(kCounterSelect) +
                                           "WHERE scope = ? AND subject = ?",
                                       {scope, subject}));
  if (rows.empty()) return CounterRow{scope, subject};
  return FromRow(rows[0]);
}

absl::StatusOr<CounterRow> LockCounter(Tx& tx, const std::string& scope,
                                       const std::string& subject) {
  ASSIGN_OR_RETURN(int64_t n, tx.Exec("UPDATE login_counters SET failures = failures "
                                      "WHERE scope = ? AND subject = ?",
                                      {scope, subject}));
  if (n == 0) {
    absl::Status s = tx.Exec("INSERT INTO login_counters (scope, subject, failures, "
                             "last_failure_at, lockouts, locked_until, permanent) "
                             "VALUES (?, ?, 0, 0, 0, 0, 0)",
                             {scope, subject})
                         .status();
    if (absl::IsAlreadyExists(s)) return absl::AbortedError("counter created concurrently");
    RETURN_IF_ERROR(s);
  }
  return GetCounter(tx, scope, subject);
}

absl::Status PutCounter(Tx& tx, const CounterRow& c) {
  return tx
      .Exec("UPDATE login_counters SET failures = ?, last_failure_at = ?, lockouts = ?, "
            "locked_until = ?, permanent = ? WHERE scope = ? AND subject = ?",
            {int64_t{c.failures}, c.last_failure_at, int64_t{c.lockouts}, c.locked_until,
             int64_t{c.permanent}, c.scope, c.subject})
      .status();
}

absl::StatusOr<int64_t> DeleteCounter(Tx& tx, const std::string& scope,
                                      const std::string& subject) {
  return tx.Exec("DELETE FROM login_counters WHERE scope = ? AND subject = ?", {scope, subject});
}

absl::StatusOr<std::vector<CounterRow>> ListLocked(Tx& tx, const std::vector<std::string>& scopes,
                                                   int64_t now, int limit) {
  std::vector<CounterRow> out;
  for (const std::string& scope : scopes) {
    ASSIGN_OR_RETURN(auto rows, tx.Query(std::string(kCounterSelect) +
                                             "WHERE scope = ? AND (permanent = 1 OR "
                                             "locked_until > ?) ORDER BY subject LIMIT ?",
                                         {scope, now, int64_t{limit}}));
    for (const Row& r : rows) out.push_back(FromRow(r));
  }
  return out;
}

absl::StatusOr<std::vector<CounterRow>> ListSlowed(Tx& tx, const std::string& scope,
                                                   int min_failures, int64_t since, int64_t now,
                                                   int limit) {
  ASSIGN_OR_RETURN(auto rows, tx.Query(std::string(kCounterSelect) +
                                           "WHERE scope = ? AND failures >= ? AND "
                                           "last_failure_at >= ? AND permanent = 0 AND "
                                           "locked_until <= ? ORDER BY subject LIMIT ?",
                                       {scope, int64_t{min_failures}, since, now,
                                        int64_t{limit}}));
  std::vector<CounterRow> out;
  for (const Row& r : rows) out.push_back(FromRow(r));
  return out;
}

absl::StatusOr<int64_t> PruneCounters(Tx& tx, int64_t cutoff, int64_t now) {
  // Second-factor failures count until a success or an administrator
  // clears them: they are never forgotten by age.
  return tx.Exec("DELETE FROM login_counters WHERE last_failure_at < ? AND permanent = 0 AND "
                 "locked_until <= ? AND subject NOT LIKE 'mfa:%'",
                 {cutoff, now});
}

absl::StatusOr<LoginStateRow> LockLoginState(Tx& tx, const std::string& user_id,
                                             const std::string& account_id) {
  ASSIGN_OR_RETURN(int64_t n, tx.Exec("UPDATE login_state SET version = version + 1 "
                                      "WHERE user_id = ?",
                                      {user_id}));
  if (n == 0) {
    absl::Status s = tx.Exec("INSERT INTO login_state (user_id, account_id, version) "
                             "VALUES (?, ?, 1)",
                             {user_id, account_id})
                         .status();
    if (absl::IsAlreadyExists(s)) return absl::AbortedError("login state created concurrently");
    RETURN_IF_ERROR(s);
  }
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT user_id, account_id, last_at, last_ip, "
                                       "last_device, last_client FROM login_state "
                                       "WHERE user_id = ?",
                                       {user_id}));
  if (rows.empty()) return absl::AbortedError("login state vanished");
  const Row& r = rows[0];
  return LoginStateRow{r.Str(0), r.Str(1), r.OptInt(2), r.Str(3), r.Str(4), r.Str(5)};
}

absl::Status RecordLogin(Tx& tx, const LoginStateRow& s) {
  return tx
      .Exec("UPDATE login_state SET last_at = ?, last_ip = ?, last_device = ?, last_client = ? "
            "WHERE user_id = ?",
            {NullOr(s.last_at), s.last_ip, s.last_device, s.last_client, s.user_id})
      .status();
}

absl::Status DeleteLoginState(Tx& tx, const std::string& user_id) {
  return tx.Exec("DELETE FROM login_state WHERE user_id = ?", {user_id}).status();
}

absl::Status DeleteAllOfAccount(Tx& tx, const std::string& account_id) {
  RETURN_IF_ERROR(tx.Exec("DELETE FROM login_counters WHERE scope = ?", {account_id}).status());
  return tx.Exec("DELETE FROM login_state WHERE account_id = ?", {account_id}).status();
}

}  // namespace iam::store::login
