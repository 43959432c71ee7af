// CredentialStore: users' password hashes and their history, inside a
// caller's transaction.
#ifndef IAM_STORE_CREDENTIAL_STORE_H_
#define IAM_STORE_CREDENTIAL_STORE_H_

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "iam/store/auth_records.h"
#include "iam/store/database.h"

namespace iam::store::passwords {

absl::StatusOr<std::optional<PasswordRow>> Get(Tx& tx, const std::string& user_id);
// Inserts or replaces the user's password.
absl::Status Put(Tx& tx, const PasswordRow& row);
// Marks (or, with nullopt, clears) the password as found in the risk list.
absl::Status SetAtRisk(Tx& tx, const std::string& user_id, std::optional<int64_t> since);
// The account's users whose password is marked at risk.
absl::StatusOr<std::set<std::string>> AtRiskUsers(Tx& tx, const std::string& account_id);
// The newest `limit` earlier hashes, newest first.
absl::StatusOr<std::vector<std::string>> History(Tx& tx, const std::string& user_id, int limit);
// Remembers a replaced hash and keeps only the newest `keep`.
absl::Status AddHistory(Tx& tx, const std::string& user_id, const std::string& hash,
                        int64_t at, int keep);
absl::Status DeleteOfUser(Tx& tx, const std::string& user_id);
absl::Status DeleteAllOfAccount(Tx& tx, const std::string& account_id);

}  // namespace iam::store::passwords

#endif  // IAM_STORE_CREDENTIAL_STORE_H_
