// PasswordService: setting and changing passwords under the account's
// password policy (every broken rule named, history and minimum age
// included), admin resets that force a change at next login, and the
// optional end of every other session when a password changes. Thread-safe.
#ifndef IAM_AUTH_PASSWORD_SERVICE_H_
#define IAM_AUTH_PASSWORD_SERVICE_H_

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
#include "iam/auth/password_policy.h"
#include "iam/store/auth_records.h"
#include "iam/store/records.h"

namespace iam::auth {

class PasswordService {
 public:
  PasswordService(store::Database& db, const Clock& clock, const account::PiiCipher& pii,
                  const audit::AuditLog& audit, const account::Mutations& mutations,
                  PasswordHasher& hasher, std::shared_ptr<const PasswordBlocklist> blocklist,
                  session::SessionService& sessions)
      : db_(db),
        clock_(clock),
        pii_(pii),
        audit_(audit),
        mutations_(mutations),
        hasher_(hasher),
        blocklist_(std::move(blocklist)),
        sessions_(sessions) {}

  // An admin sets a user's password; the user must change it at next login
  // unless `temporary` is false.
  absl::Status SetByAdmin(const account::Caller& caller, const std::string& account_id,
                          const std::string& username, const std::string& password,
                          bool temporary);

  // A signed-in user changes their own password, proving the old one.
  // PERMISSION_DENIED when the old password is wrong.
  absl::Status ChangeOwn(const account::Caller& caller, const std::string& old_password,
                         const std::string& new_password);

  // The shared last step once the user is known and the old password (if
  // any) proven: checks the policy (history and, unless `admin`, minimum
  // age), stores the new hash, remembers the old one, and ends the user's
  // other sessions when the policy says so. `keep_session` survives.
  // INVALID_ARGUMENT listing every broken rule.
  // `admission` is the change as admitted (SetUserPassword by an
  // administrator, or the user's own ChangePassword; see OwnChange).
  absl::Status Replace(const account::Admission& admission, const store::UserRow& user,
                       const std::string& new_password, bool must_change, bool admin,
                       const std::string& keep_session);
  // The user's own password change, admitted: no permission is needed.
  absl::StatusOr<account::Admission> OwnChange(const account::Caller& user);

  // The account's password policy and the user's context for checking one.
  absl::StatusOr<PasswordPolicy> Policy(const std::string& account_id);

  // Whether `password` passes the account's policy and the blocklist for a
  // user not created yet (no history, no age): INVALID_ARGUMENT listing
  // every broken rule. Lets a user be created with a first password
  // without a user left behind when the password is refused.
  absl::Status CheckCandidate(const std::string& account_id, const PasswordContext& context,
                              const std::string& password);

 private:
  store::Database& db_;
  const Clock& clock_;
  const account::PiiCipher& pii_;
  const audit::AuditLog& audit_;
  const account::Mutations& mutations_;
  PasswordHasher& hasher_;
  std::shared_ptr<const PasswordBlocklist> blocklist_;
  session::SessionService& sessions_;
};

// Whether a stored password has expired (or must be changed) at `now`.
bool PasswordChangeDue(const PasswordPolicy& policy, const store::PasswordRow& row, int64_t now);

}  // namespace iam::auth

#endif  // IAM_AUTH_PASSWORD_SERVICE_H_
