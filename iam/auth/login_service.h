// LoginService: the login state machine. In order: source throttling (IP and
// device, across accounts), the subject's lockout, the human challenge, the
// password (Argon2id on the bounded pool; a dummy hash for unknown names so
// that timing and answers do not reveal which exist), then, in one
// transaction holding the counters' row locks, the outcome: failures counted
// (only while not locked, so a lock lands after exactly the configured
// number across replicas), or the session opened under the concurrent-login
// limits. Every attempt is audited with its reason. Thread-safe.
#ifndef IAM_AUTH_LOGIN_SERVICE_H_
#define IAM_AUTH_LOGIN_SERVICE_H_

#include <string>
#include <vector>

#include "iam/auth/auth_context.h"
#include "iam/auth/password_service.h"

namespace iam::auth {

struct LoginRequest {
  std::string account;   // id (12 digits) or alias
  std::string username;  // or the user's email
  std::string password;
  std::string new_password;  // answers PASSWORD_CHANGE_REQUIRED in one step
  std::string client_type = "web";
  std::string device_id;
  std::string source_ip;
  std::string user_agent;
  std::string challenge_proof;
  std::string audience;
};

enum class LoginStatus {
  kSuccess,
  kFailed,  // wrong credentials, unknown user, disabled user: one answer
  kLocked,
  kThrottled,
  kChallengeRequired,
  kPasswordChangeRequired,
  kMfaRequired,
  kSessionLimit,
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
};

class LoginService {
 public:
  explicit LoginService(const AuthContext& ctx) : ctx_(ctx), passwords_(ctx) {}

  // INVALID_ARGUMENT for malformed input; RESOURCE_EXHAUSTED when the hash
  // pool is full; every other outcome is in the result.
  absl::StatusOr<LoginResult> Login(const LoginRequest& request);

 private:
  AuthContext ctx_;
  PasswordService passwords_;
};

}  // namespace iam::auth

#endif  // IAM_AUTH_LOGIN_SERVICE_H_
