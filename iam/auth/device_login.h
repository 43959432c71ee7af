// DeviceLogin: iamctl's login through a browser, on the device
// authorization grant (oauth/device_authorization.h, purpose "cli"). The
// command line shows a code; its user enters it on the account's /device
// page, signs in there with everything the account asks (a second factor,
// a passkey or an upstream provider later), and allows it. The command
// line, polling, then gets a session of its own (client type api, the
// account's limits and audit like any login) whose amr is the browser
// login's. Thread-safe.
#ifndef IAM_AUTH_DEVICE_LOGIN_H_
#define IAM_AUTH_DEVICE_LOGIN_H_

#include <string>

#include "absl/status/statusor.h"
#include "iam/audit/audit_log.h"
#include "iam/auth/login_types.h"
#include "iam/auth/session_opener.h"
#include "iam/oauth/device_authorization.h"
#include "iam/store/database.h"

namespace iam::auth {

struct DeviceLoginOrigin {
  std::string source_ip;
  std::string user_agent;
  std::string device_id;
  std::string audience;
};

class DeviceLogin {
 public:
  DeviceLogin(store::Database& db, const Clock& clock, const audit::AuditLog& audit,
              oauth::DeviceAuthorization& devices, SessionOpener& opener)
      : db_(db), clock_(clock), audit_(audit), devices_(devices), opener_(opener) {}

  // `account`: id or alias. An unknown account gets a code like any other
  // (one that is stored nowhere, so no page takes it): no existence
  // oracle. A real one's code is stored with its audit record
  // (sts:StartDeviceLogin). The answer's account_id is for Finish.
  struct Started {
    std::string account_id;
    oauth::DeviceStart start;
  };
  absl::StatusOr<Started> Start(const std::string& account, const std::string& source_ip);

  struct Finished {
    oauth::DevicePoll::Kind kind = oauth::DevicePoll::kPending;
    LoginResult login;  // kApproved: kSuccess with the tokens, or why not
  };
  // NOT_FOUND for a device code that is not one of this account's.
  absl::StatusOr<Finished> Finish(const std::string& account_id, const std::string& device_code,
                                  const DeviceLoginOrigin& origin);

 private:
  store::Database& db_;
  const Clock& clock_;
  const audit::AuditLog& audit_;
  oauth::DeviceAuthorization& devices_;
  SessionOpener& opener_;
};

}  // namespace iam::auth

#endif  // IAM_AUTH_DEVICE_LOGIN_H_
