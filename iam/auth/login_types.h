// The answers of the login paths (password, second factor, enrolment at
// login): a status and, on success, the tokens.
#ifndef IAM_AUTH_LOGIN_TYPES_H_
#define IAM_AUTH_LOGIN_TYPES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "iam/auth/challenge.h"
#include "iam/session/session_service.h"

namespace iam::auth {

enum class LoginStatus {
  kSuccess,
  kFailed,  // wrong credentials, unknown user, disabled user: one answer
  kLocked,
  kThrottled,
  kChallengeRequired,
  kPasswordChangeRequired,
  kMfaRequired,  // send a code (or enrol, when enrollment_required) with the ticket
  kSessionLimit,
  kDeviceApprovalRequired,  // device binding: an administrator must approve
};

const char* LoginStatusName(LoginStatus s);

struct PreviousLogin {
  bool present = false;
  int64_t at = 0;  // ms
  std::string source_ip;
  std::string device_id;
  std::string client_type;
};

struct LoginResult {
  LoginStatus status = LoginStatus::kFailed;
  int64_t retry_after_ms = 0;  // kLocked, kThrottled; 0 with a permanent lock
  session::TokenPair tokens;   // kSuccess
  PreviousLogin previous;      // kSuccess
  std::vector<std::string> evicted_sessions;
  std::string device_token;    // kSuccess, when the device was remembered
  // kMfaRequired: the single-use ticket, its expiry (ms), and whether the
  // user must enrol a factor first.
  std::string mfa_ticket;
  int64_t mfa_ticket_expires_at = 0;
  bool enrollment_required = false;
  std::vector<std::string> recovery_codes;  // after enrolment at login, shown once
  // kSuccess, kPasswordChangeRequired: the password is in the risk list of
  // breached and common passwords; the user should change it.
  bool password_at_risk = false;
  ChallengeOffer challenge;  // kChallengeRequired: what to solve
  // kPasswordChangeRequired: why ("expired", "reset" by an administrator,
  // or "at_risk" when the policy requires changing such a password).
  std::string password_change_reason;
};

}  // namespace iam::auth

#endif  // IAM_AUTH_LOGIN_TYPES_H_
