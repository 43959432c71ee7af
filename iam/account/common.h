// What the domain services of this module share besides their
// collaborators: the account settings, the listener told of authorization
// changes, paging, the account a request names, and how audit records of an
// action start.
#ifndef IAM_ACCOUNT_COMMON_H_
#define IAM_ACCOUNT_COMMON_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
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
#include "iam/store/records.h"

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

template <typename T>
struct Listing {
  std::vector<T> items;
  std::string next_page_token;
};

// The account a request names, or the caller's own when it names none.
// INVALID_ARGUMENT (account_id) when it is not twelve digits.
absl::StatusOr<std::string> ResolveAccountId(const Caller& caller, const std::string& requested);

// An audit event for an action of `caller` on an object of `account_id`.
audit::Event AuditEvent(const Caller& caller, const std::string& account_id,
                        absl::string_view action, absl::string_view object_type,
                        absl::string_view object_id);

// An event of a user's sign-in (their factor, device, lock), on the user,
// by `actor`: the user's ARN, or "iamd" when the service decided.
audit::Event UserEvent(const std::string& actor, const store::UserRow& user,
                       absl::string_view action, const std::string& source_ip = "",
                       const std::string& user_agent = "");

}  // namespace iam::account

#endif  // IAM_ACCOUNT_COMMON_H_
