// MfaStore: TOTP factors, recovery codes and MFA tickets, inside a caller's
// transaction.
#ifndef IAM_STORE_MFA_STORE_H_
#define IAM_STORE_MFA_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "iam/store/database.h"
#include "iam/store/mfa_records.h"

namespace iam::store::mfa {

absl::StatusOr<std::optional<MfaFactorRow>> GetFactor(Tx& tx, const std::string& user_id);
// Reads the factor holding its row lock, so that checking a code against
// last_step and moving last_step is one step across replicas.
absl::StatusOr<std::optional<MfaFactorRow>> LockFactor(Tx& tx, const std::string& user_id);
// Inserts or replaces the user's factor.
absl::Status PutFactor(Tx& tx, const MfaFactorRow& row);
absl::StatusOr<int64_t> DeleteFactor(Tx& tx, const std::string& user_id);

// Replaces the user's recovery codes with these hashes.
absl::Status ReplaceRecoveryCodes(Tx& tx, const std::string& account_id,
                                  const std::string& user_id,
                                  const std::vector<std::string>& hashes, int64_t now);
// Marks an unused code used; false when there is no such unused code.
absl::StatusOr<bool> UseRecoveryCode(Tx& tx, const std::string& user_id,
                                     const std::string& hash, int64_t now);
absl::StatusOr<int> CountUnusedRecoveryCodes(Tx& tx, const std::string& user_id);
absl::Status DeleteRecoveryCodes(Tx& tx, const std::string& user_id);

absl::Status PutTicket(Tx& tx, const MfaTicketRow& row);
// The ticket under its row lock; nullopt when unknown.
absl::StatusOr<std::optional<MfaTicketRow>> LockTicket(Tx& tx, const std::string& hash);
absl::Status SetTicketFailures(Tx& tx, const std::string& hash, int failures);
absl::Status DeleteTicket(Tx& tx, const std::string& hash);
absl::Status DeleteTicketsOfUser(Tx& tx, const std::string& user_id);
absl::StatusOr<int64_t> PruneTickets(Tx& tx, int64_t now);

// Everything of a user (factor, codes, tickets) or of an account.
absl::Status DeleteOfUser(Tx& tx, const std::string& user_id);
absl::Status DeleteAllOfAccount(Tx& tx, const std::string& account_id);

}  // namespace iam::store::mfa

#endif  // IAM_STORE_MFA_STORE_H_
