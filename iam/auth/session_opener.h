// SessionOpener: the last step of every login path (password, password plus
// a second factor, enrolment at login): under the user's login row lock, it
// opens the session within the concurrent-login limits, learns the device
// and network, remembers the device when asked, records the previous login
// and audits the success; then signs the tokens. Shared by LoginService and
// MfaLoginService. Thread-safe.
#ifndef IAM_AUTH_SESSION_OPENER_H_
#define IAM_AUTH_SESSION_OPENER_H_

#include <string>
#include <vector>

#include "iam/audit/audit_log.h"
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

namespace iam::auth {

// Where a login comes from and what it asks for.
struct LoginOrigin {
  std::string account;   // as typed
  std::string username;  // as typed
  std::string client_type = "web";
  std::string device_id;
  std::string source_ip;
  std::string user_agent;
  std::string audience;
  std::string oauth_client;  // the app a web login is for; "" otherwise
  std::string provider;      // the upstream identity provider vouching; "" for none
};

struct OpenRequest {
  std::vector<std::string> amr;
  std::string risk;  // flagged in the audit record
  bool remember_device = false;
  std::string rehash;  // a new password hash to store
};

// The sts:Login audit record of one attempt.
audit::Event LoginEvent(const std::string& account_id, const store::UserRow* user,
                        const LoginOrigin& origin, const std::string& result,
                        const std::string& reason);

class SessionOpener {
 public:
  // devices may be null: no device is learned or remembered.
  SessionOpener(const Clock& clock, const audit::AuditLog& audit,
                session::SessionService& sessions, mfa::DeviceService* devices)
      : clock_(clock), audit_(audit), sessions_(sessions), devices_(devices) {}

  // Inside a write transaction: kSuccess with the session (tokens not yet
  // signed), or kFailed / kSessionLimit with the reason audited.
  absl::StatusOr<LoginResult> OpenInTx(store::Tx& tx, const store::UserRow& user,
                                       const LoginOrigin& origin, const OpenRequest& request);
  // After the transaction committed: ends evicted sessions here and signs.
  absl::StatusOr<LoginResult> Sign(const std::string& username, const std::string& audience,
                                   LoginResult out);

 private:
  const Clock& clock_;
  const audit::AuditLog& audit_;
  session::SessionService& sessions_;
  mfa::DeviceService* devices_;
};

}  // namespace iam::auth

#endif  // IAM_AUTH_SESSION_OPENER_H_
