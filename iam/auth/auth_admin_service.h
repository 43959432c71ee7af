// AuthAdminService: what administrators manage about authentication: the
// account's password, lockout, session, MFA and login IP allowlist policies (an update states every
// field), unlocking users, and the list of locked subjects and throttled
// sources (IP addresses, devices) with clearing. Audited. Thread-safe.
#ifndef IAM_AUTH_AUTH_ADMIN_SERVICE_H_
#define IAM_AUTH_AUTH_ADMIN_SERVICE_H_

#include <nlohmann/json.hpp>
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
#include "iam/store/auth_records.h"

namespace iam::auth {

enum class AccountPolicyKind {
  kPassword,
  kLockout,
  kSession,
  kMfa,
  kIpAllowlist,
  kAudit,
  kBranding
};

absl::StatusOr<AccountPolicyKind> ParseAccountPolicyKind(absl::string_view name);
const char* AccountPolicyKindName(AccountPolicyKind kind);
// The action that changes a kind of account policy ("iam:UpdateAccountMfaPolicy").
const char* AccountPolicySetAction(AccountPolicyKind kind);
// Every kind, in a fixed order.
std::vector<AccountPolicyKind> AccountPolicyKinds();

struct LoginBlock {
  std::string kind;     // "user", "unknown-name", "ip", "device"
  std::string subject;  // username, the name's blind index, the address or device id
  int failures = 0;
  int lockouts = 0;
  bool permanent = false;
  int64_t locked_until = 0;
  // "locked" (a user or name), "blocked" (a source refused outright),
  // "slowed" (a source past the slow-down threshold: one attempt per delay,
  // and a human challenge for every login from it).
  std::string restriction;
};

class AuthAdminService {
 public:
  AuthAdminService(store::Database& db, const Clock& clock, const audit::AuditLog& audit,
                   const account::Mutations& mutations, ThrottlePolicy throttle)
      : db_(db), clock_(clock), audit_(audit), mutations_(mutations), throttle_(throttle) {}

  // The policy as JSON (defaults when never set).
  absl::StatusOr<nlohmann::json> GetPolicy(const account::Caller& caller,
                                           const std::string& account_id, AccountPolicyKind kind);
  // Replaces the policy; every field must be stated. Answers the stored form.
  absl::StatusOr<nlohmann::json> SetPolicy(const account::Caller& caller,
                                           const std::string& account_id, AccountPolicyKind kind,
                                           const nlohmann::json& policy);

  // Clears the user's lockout (temporary or permanent) and failure count.
  absl::Status Unlock(const account::Caller& caller, const std::string& account_id,
                      const std::string& username);

  // The account's locked users and names; with `sources`, also every
  // throttled address and device (system administrators only: sources span
  // accounts).
  absl::StatusOr<std::vector<LoginBlock>> ListBlocks(const account::Caller& caller,
                                                     const std::string& account_id, bool sources);
  // A user's own login IP allowlist (CIDRs; empty removes it). It applies
  // on top of the account's ("ip_allowlist" policy): a login must pass both.
  absl::StatusOr<std::vector<std::string>> GetUserAllowlist(const account::Caller& caller,
                                                            const std::string& account_id,
                                                            const std::string& username);
  absl::StatusOr<std::vector<std::string>> SetUserAllowlist(const account::Caller& caller,
                                                            const std::string& account_id,
                                                            const std::string& username,
                                                            const std::vector<std::string>& cidrs);

  // Clears one throttled source (kind "ip" or "device"). System admins only.
  absl::Status ClearSourceBlock(const account::Caller& caller, const std::string& kind,
                                const std::string& subject);
  // Blocks logins from one source (kind "ip" or "device") for
  // `duration_seconds`, or until cleared when 0. System admins only.
  absl::StatusOr<LoginBlock> BlockSource(const account::Caller& caller, const std::string& kind,
                                         const std::string& subject, int64_t duration_seconds,
                                         const std::string& reason);

 private:
  // An operation on one user, the username checked.
  static account::Operation OnUser(absl::string_view action, const std::string& account_id,
                                   const std::string& username, account::Touches touches);
  store::Database& db_;
  const Clock& clock_;
  const audit::AuditLog& audit_;
  const account::Mutations& mutations_;
  ThrottlePolicy throttle_;
};

}  // namespace iam::auth

#endif  // IAM_AUTH_AUTH_ADMIN_SERVICE_H_
