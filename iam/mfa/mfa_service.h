// MfaService: a user's TOTP factor and recovery codes. Enrolment (a pending
// factor with a fresh 160-bit secret, active once one valid code is shown),
// checking a second factor (each TOTP step accepted once; each recovery code
// once), the failure budget (consecutive wrong codes lock the user at the
// policy's hard cap until an administrator unlocks), regenerating recovery
// codes, an administrator's reset, and status. The secret is sealed under
// the master key and never returned after enrolment. Every change is
// audited in its transaction. Thread-safe.
#ifndef IAM_MFA_MFA_SERVICE_H_
#define IAM_MFA_MFA_SERVICE_H_

#include <optional>
#include <string>
#include <vector>

#include "iam/account/mutation.h"
#include "iam/account/common.h"
#include "iam/mfa/mfa_policy.h"
#include "iam/store/records.h"

namespace iam::mfa {

struct Enrollment {
  std::string otpauth_uri;
  std::string secret_base32;
  TotpParams params;
};

struct FactorStatus {
  bool enrolled = false;  // an active factor
  bool pending = false;   // enrolment begun, not confirmed
  std::string algorithm;
  int digits = 0;
  int period = 0;
  int64_t confirmed_at = 0;  // ms
  int recovery_codes_left = 0;
  std::string mode;   // the account's policy
  bool required = false;  // the policy requires MFA of this user
  int consecutive_failures = 0;
};

enum class CodeResult { kAccepted, kWrong, kLocked };

struct CodeOutcome {
  CodeResult result = CodeResult::kWrong;
  std::string method;  // "otp" or "recovery" when accepted
};

// Who is checking a code, for the audit record.
struct CodeOrigin {
  std::string source_ip;
  std::string user_agent;
  std::string purpose;  // "login", "step-up", "recovery-codes"
};

class MfaService {
 public:
  // `issuer` names the service in authenticator apps.
  // issuer: the name authenticator apps show beside the account.
  MfaService(store::Database& db, const Clock& clock, Random& random,
             const account::PiiCipher& pii, const audit::AuditLog& audit,
             const account::Mutations& mutations, std::string issuer)
      : db_(db),
        clock_(clock),
        random_(random),
        pii_(pii),
        audit_(audit),
        mutations_(mutations),
        issuer_(std::move(issuer)) {}

  // The caller's own enrolment. FAILED_PRECONDITION when a factor is active
  // already (an administrator resets it) or the caller is not a user.
  absl::StatusOr<Enrollment> Begin(const account::Caller& caller);
  // Activates the pending factor; answers the recovery codes, shown once.
  // INVALID_ARGUMENT when the code does not match.
  absl::StatusOr<std::vector<std::string>> Confirm(const account::Caller& caller,
                                                   const std::string& code);
  // A new set of recovery codes (the old set stops working); needs a
  // current TOTP code, which counts against the failure budget.
  absl::StatusOr<std::vector<std::string>> RegenerateRecoveryCodes(
      const account::Caller& caller, const std::string& code);
  // The caller's own status, or (administrators) any user's of the account.
  absl::StatusOr<FactorStatus> Status(const account::Caller& caller,
                                      const std::string& account_id,
                                      const std::string& username);
  // The caller's own factor removed (a new phone), proven with a current
  // TOTP or recovery code; enrolling again is Begin. INVALID_ARGUMENT when
  // the code does not match; PERMISSION_DENIED once the user is locked.
  absl::Status ResetOwn(const account::Caller& caller, const std::string& code,
                        const std::string& recovery_code);
  // Administrators: removes the user's factor, recovery codes, pending
  // tickets and failure count.
  absl::Status Reset(const account::Caller& caller, const std::string& account_id,
                     const std::string& username);

  // The building blocks, inside a caller's write transaction.
  absl::StatusOr<Enrollment> BeginInTx(store::Tx& tx, const store::UserRow& user,
                                       const MfaPolicy& policy, const std::string& actor,
                                       bool reuse_pending = false);
  // nullopt when the code does not match the pending factor.
  absl::StatusOr<std::optional<std::vector<std::string>>> ConfirmInTx(
      store::Tx& tx, const store::UserRow& user, const MfaPolicy& policy,
      const std::string& code, const std::string& actor);
  // Checks a TOTP code or a recovery code (exactly one non-empty) under the
  // factor's row lock; counts and audits the outcome.
  absl::StatusOr<CodeOutcome> CheckInTx(store::Tx& tx, const store::UserRow& user,
                                        const MfaPolicy& policy, const std::string& code,
                                        const std::string& recovery_code,
                                        const CodeOrigin& origin);
  // Whether the user has an active factor.
  static absl::StatusOr<bool> Enrolled(store::Tx& tx, const std::string& user_id);
  // Whether the policy requires MFA of the user (groups, roles held at
  // now_ms, admin flag).
  static absl::StatusOr<bool> RequiredOf(store::Tx& tx, const MfaPolicy& policy,
                                         const store::UserRow& user, int64_t now_ms);

 private:
  absl::StatusOr<std::vector<std::string>> NewRecoveryCodesInTx(store::Tx& tx,
                                                                const store::UserRow& user,
                                                                const MfaPolicy& policy);
  absl::StatusOr<store::UserRow> OwnUser(store::Tx& tx, const account::Caller& caller);

  store::Database& db_;
  const Clock& clock_;
  Random& random_;
  const account::PiiCipher& pii_;
  const audit::AuditLog& audit_;
  const account::Mutations& mutations_;
  std::string issuer_;
};

// "mfa:<user id>": the counter of consecutive wrong codes, in the
// account's scope of the login counters.
std::string MfaCounterSubject(const std::string& user_id);

// Checks the shape of a code or recovery code before any work.
absl::Status CheckCodeInput(const std::string& code, const std::string& recovery_code,
                            bool either_required);

}  // namespace iam::mfa

#endif  // IAM_MFA_MFA_SERVICE_H_
