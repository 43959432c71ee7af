// ServiceContext: the collaborators every domain service of this module
// shares, and the small helpers they have in common. All pointers are
// borrowed: the owner (iamd's main, or a test) keeps them alive longer than
// every service built from the context.
#ifndef IAM_ACCOUNT_SERVICE_CONTEXT_H_
#define IAM_ACCOUNT_SERVICE_CONTEXT_H_

#include "absl/strings/string_view.h"
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "iam/account/authorizer.h"
#include "iam/account/caller.h"
#include "iam/account/credential_cache.h"
#include "iam/account/pii_cipher.h"
#include "iam/audit/audit_log.h"
#include "iam/common/clock.h"
#include "iam/common/random.h"
#include "iam/common/store_outage.h"
#include "iam/store/database.h"

namespace iam::account {

struct AccountSettings {
  absl::Duration close_grace = absl::Hours(24 * 60);
  int max_active_keys_per_user = 2;
  size_t policy_max_bytes = 0;           // 0: AWS's default for identity policies
  size_t resource_policy_max_bytes = 0;  // 0: AWS's default for resource policies
};

// Told of every committed change to what authorization decisions read
// (policies, roles, users, groups), with the scope's new version.
class AuthzListener {
 public:
  virtual ~AuthzListener() = default;
  virtual void Changed(const std::string& scope, int64_t version) = 0;
};

struct ServiceContext {
  store::Database* db = nullptr;
  const Clock* clock = nullptr;
  Random* random = nullptr;
  const Authorizer* authorizer = nullptr;
  const PiiCipher* pii = nullptr;
  const audit::AuditLog* audit = nullptr;
  AuthzListener* authz_listener = nullptr;  // may be null
  CredentialCache* credentials = nullptr;   // may be null: no caching
  StoreOutage* outage = nullptr;            // may be null: no stale answers
  AccountSettings settings;

  int64_t NowMs() const { return ToUnixMillisUtc(clock->Now()); }
};

template <typename T>
struct Listing {
  std::vector<T> items;
  std::string next_page_token;
};

// The account a request names, or the caller's own when it names none.
// INVALID_ARGUMENT (account_id) when it is not twelve digits.
absl::StatusOr<std::string> ResolveAccountId(const Caller& caller, const std::string& requested);

// Asks the authorizer. A refusal (PERMISSION_DENIED, or NOT_FOUND for another
// account) is also recorded, with result "denied", in the caller's own
// account's chain: never in the target's, whose existence stays hidden.
// `resource` is the ARN acted on; empty means the account itself
// (arn:aws:iam::<account>:account).
absl::Status Authorize(const ServiceContext& ctx, const Caller& caller, absl::string_view action,
                       const std::string& target_account_id, const std::string& resource = "");

// Runs fn in a write transaction that first bumps the authorization version
// of `scope` (an account id, or store::authz_versions::kResourcesScope),
// which serializes such changes per scope, then tells the listener once it
// committed.
absl::Status TransactAuthz(const ServiceContext& ctx, const std::string& scope,
                           const std::function<absl::Status(store::Tx&)>& fn);

// An audit event for an action of `caller` on an object of `account_id`.
audit::Event AuditEvent(const Caller& caller, const std::string& account_id,
                        absl::string_view action, absl::string_view object_type,
                        absl::string_view object_id);

}  // namespace iam::account

#endif  // IAM_ACCOUNT_SERVICE_CONTEXT_H_
