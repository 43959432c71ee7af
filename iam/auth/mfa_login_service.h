// MfaLoginService: the second half of a login that answered MFA_REQUIRED.
// The ticket is single-use and short-lived: a right code (or recovery code)
// opens the session with amr [pwd, otp|recovery, mfa]; a wrong one counts
// against the ticket (it dies after the policy's limit) and against the
// user's budget of consecutive failures (the user locks at the hard cap).
// A ticket that requires enrolment first takes the user through it: begin
// (the otpauth URI) and confirm (activates the factor, answers the recovery
// codes once, and completes the login). Also step-up: a session proves a
// fresh second factor, and its tokens then carry the new auth_time.
// Thread-safe.
#ifndef IAM_AUTH_MFA_LOGIN_SERVICE_H_
#define IAM_AUTH_MFA_LOGIN_SERVICE_H_

#include <functional>
#include <string>

#include "iam/account/mutation.h"
#include "iam/account/pii_cipher.h"
#include "iam/auth/challenge.h"
#include "iam/auth/lockout_policy.h"
#include "iam/auth/password_blocklist.h"
#include "iam/auth/password_hasher.h"
#include "iam/common/clock.h"
#include "iam/common/random.h"
#include "iam/mfa/device_service.h"
#include "iam/mfa/mfa_service.h"
#include "iam/session/session_service.h"
#include "iam/store/database.h"
#include "iam/auth/login_types.h"
#include "iam/auth/session_opener.h"
#include "iam/common/counter_family.h"

namespace iam::auth {

struct MfaAnswer {
  std::string ticket;
  std::string code;           // a TOTP code, or
  std::string recovery_code;  // a recovery code
  bool remember_device = false;
  std::string source_ip;
  std::string user_agent;
  std::string oauth_client;  // the app a web login is for (audit)
};

class MfaLoginService {
 public:
  // `outcomes` (may be null) counts each answer under step "mfa" (see
  // LoginCollaborators::outcomes).
  MfaLoginService(store::Database& db, const Clock& clock, const audit::AuditLog& audit,
                  mfa::MfaService& mfa, session::SessionService& sessions,
                  SessionOpener& opener, CounterFamily* outcomes = nullptr)
      : db_(db),
        clock_(clock),
        audit_(audit),
        mfa_(mfa),
        sessions_(sessions),
        opener_(opener),
        outcomes_(outcomes) {}

  // kSuccess with tokens; kMfaRequired (same ticket) after a wrong code;
  // kFailed when the ticket is unknown, used, expired or exhausted; kLocked
  // when the user is locked. INVALID_ARGUMENT for malformed input.
  absl::StatusOr<LoginResult> Verify(const MfaAnswer& answer);

  // Enrolment at login, with a ticket that requires it.
  // `reuse_pending`: a key begun in the last minutes is answered again
  // (a page shown twice) instead of a new one.
  absl::StatusOr<mfa::Enrollment> BeginEnrollment(const std::string& ticket,
                                                  bool reuse_pending = false);
  // kSuccess with tokens and recovery codes; kMfaRequired after a wrong code.
  absl::StatusOr<LoginResult> ConfirmEnrollment(const MfaAnswer& answer);

  // Fresh MFA for the caller's session: the session's amr gains the method
  // and its auth_time becomes now; answers a new access token.
  // PERMISSION_DENIED when the code is wrong or the user is locked.
  absl::StatusOr<session::TokenPair> StepUp(const account::Caller& caller, const std::string& code,
                                            const std::string& recovery_code,
                                            const std::string& audience);

 private:
  enum class TicketUse { kVerify, kEnroll };
  // Runs `step` on the live ticket of the right purpose, under its lock;
  // the step answers what came of it (kMfaRequired: a wrong code).
  using TicketStep = std::function<absl::StatusOr<LoginResult>(
      store::Tx&, const store::MfaTicketRow&, const store::UserRow&, const mfa::MfaPolicy&)>;
  absl::StatusOr<LoginResult> WithTicket(const MfaAnswer& answer, TicketUse use,
                                         const TicketStep& step);

  store::Database& db_;
  const Clock& clock_;
  const audit::AuditLog& audit_;
  mfa::MfaService& mfa_;
  session::SessionService& sessions_;
  SessionOpener& opener_;
  CounterFamily* outcomes_;
};

}  // namespace iam::auth

#endif  // IAM_AUTH_MFA_LOGIN_SERVICE_H_
