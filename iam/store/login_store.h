// LoginStore: failure counters of login subjects and sources, and each
// user's login state (previous login, and the row whose lock serialises one
// user's logins), inside a caller's transaction.
#ifndef IAM_STORE_LOGIN_STORE_H_
#define IAM_STORE_LOGIN_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "iam/store/auth_records.h"
#include "iam/store/database.h"

namespace iam::store::login {

// A zero counter when there is none.
absl::StatusOr<CounterRow> GetCounter(Tx& tx, const std::string& scope,
                                      const std::string& subject);
// Reads the counter holding its row lock (creating it), so that read, decide
// and write are one atomic step across replicas.
absl::StatusOr<CounterRow> LockCounter(Tx& tx, const std::string& scope,
                                       const std::string& subject);
absl::Status PutCounter(Tx& tx, const CounterRow& row);
absl::StatusOr<int64_t> DeleteCounter(Tx& tx, const std::string& scope,
                                      const std::string& subject);
// Counters locked or blocked at `now` in the scope (or several scopes).
// Sources (scope "ip" or "device") with at least `min_failures` failures
// since `since` that are not locked at `now`: the ones slowed down.
absl::StatusOr<std::vector<CounterRow>> ListSlowed(Tx& tx, const std::string& scope,
                                                   int min_failures, int64_t since, int64_t now,
                                                   int limit);
absl::StatusOr<std::vector<CounterRow>> ListLocked(Tx& tx, const std::vector<std::string>& scopes,
                                                   int64_t now, int limit);
// Forgets counters idle since before `cutoff` and not locked.
absl::StatusOr<int64_t> PruneCounters(Tx& tx, int64_t cutoff, int64_t now);

// Takes the user's login row lock (creating the row); answers its state
// before this login.
absl::StatusOr<LoginStateRow> LockLoginState(Tx& tx, const std::string& user_id,
                                             const std::string& account_id);
absl::Status RecordLogin(Tx& tx, const LoginStateRow& row);
absl::Status DeleteLoginState(Tx& tx, const std::string& user_id);
absl::Status DeleteAllOfAccount(Tx& tx, const std::string& account_id);

}  // namespace iam::store::login

#endif  // IAM_STORE_LOGIN_STORE_H_
