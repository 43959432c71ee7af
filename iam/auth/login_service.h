// LoginService: the login state machine. In order: source throttling (IP and
// device, across accounts), the subject's lockout, the human challenge, the
// password (Argon2id on the bounded pool; a dummy hash for unknown names so
// that timing and answers do not reveal which exist), then, in one
// transaction holding the counters' row locks, the outcome: failures counted
// (only while not locked, so a lock lands after exactly the configured
// number across replicas), or the session opened under the concurrent-login
// limits. With the right password the login still passes the gate: the
// login IP allowlists, device binding, and the second factor the MFA policy
// and the login's risk call for (then a single-use MFA ticket is answered
// instead of tokens). Every attempt is audited with its reason. Thread-safe.
#ifndef IAM_AUTH_LOGIN_SERVICE_H_
#define IAM_AUTH_LOGIN_SERVICE_H_

#include <string>
#include <vector>

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
#include "iam/auth/password_service.h"
#include "iam/auth/session_opener.h"
#include "iam/common/counter_family.h"

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
  std::string device_token;  // from an earlier "remember this device"
  std::string oauth_client;  // the app a web login is for (audit)
  // LoginFederated only: the user an upstream identity provider vouched
  // for (no password is asked), the provider's alias, and whether the
  // upstream's own second factor counts as this account's (the provider
  // is trusted for it and its amr says one was used).
  std::string federated_user_id;
  std::string provider;
  bool upstream_mfa = false;
  // What the upstream proved, as the session's amr: "fed" (an identity
  // provider's login) or "pwd" (a directory checked the password).
  std::string federated_factor = "fed";
};

// A password a directory checks instead of this service's own hash: the
// account's LDAP provider (federation::FederatedLogin implements it).
struct DirectoryVerdict {
  enum Kind {
    kNotHandled,  // this service's own password decides
    kVerified,    // the directory accepted it: `user_id` here (found, linked or created)
    kRejected,    // a wrong password, an unknown or disabled directory user: a failure
  };
  Kind kind = kNotHandled;
  std::string user_id;
  std::string provider;  // the provider's alias (audit)
  std::string reason;    // kRejected: why, for the audit record
};

class DirectoryPasswords {
 public:
  virtual ~DirectoryPasswords() = default;
  // `known` is the user this service found by the name typed, or null.
  // UNAVAILABLE when the directory cannot answer: the attempt is then
  // neither a success nor a failure.
  virtual absl::StatusOr<DirectoryVerdict> Check(const std::string& account_id,
                                                 const std::string& username,
                                                 const std::string& password,
                                                 const store::UserRow* known) = 0;
};

// What a login works with. All borrowed, outliving the service.
struct LoginCollaborators {
  store::Database& db;
  const Clock& clock;
  Random& random;
  const account::PiiCipher& pii;
  const audit::AuditLog& audit;
  PasswordHasher& hasher;
  std::shared_ptr<const PasswordBlocklist> blocklist;
  ThrottlePolicy throttle;
  const ChallengeVerifier* challenge;  // may be null: no challenge is asked
  mfa::DeviceService* devices;  // may be null: devices are not looked at
  SessionOpener& opener;
  PasswordService& passwords;
  // May be null: outcomes not counted. Labels: step ("password" or
  // "federated"), outcome (the LoginStatus, lower case, or "error"), reason
  // (why a login failed, from a fixed set).
  CounterFamily* outcomes = nullptr;
};

class LoginService {
 public:
  explicit LoginService(LoginCollaborators with) : with_(std::move(with)) {}

  // The directory that checks passwords of accounts with an LDAP provider;
  // set once, before the first login.
  void SetDirectory(DirectoryPasswords* directory) { directory_ = directory; }

  // INVALID_ARGUMENT for malformed input; RESOURCE_EXHAUSTED when the hash
  // pool is full; every other outcome is in the result.
  absl::StatusOr<LoginResult> Login(const LoginRequest& request);

  // A login an upstream identity provider has proven: the same rules from
  // the subject's lock on (a locked or disabled user, the account's IP
  // allowlists, device binding, the second factor unless the upstream's
  // counts, the session limits), and the same audit record, naming the
  // provider. The session's amr is "fed" (and "mfa" with the upstream's).
  absl::StatusOr<LoginResult> LoginFederated(const LoginRequest& request);

 private:
  void Count(absl::string_view step, const absl::StatusOr<LoginResult>& result,
             const std::string& reason);

  LoginCollaborators with_;
  DirectoryPasswords* directory_ = nullptr;
};

}  // namespace iam::auth

#endif  // IAM_AUTH_LOGIN_SERVICE_H_
