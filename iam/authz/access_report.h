// AccessReports: what last-used data says about an account's principals.
// LastUsed lists, for one user, role or client, when each service and each
// action was last allowed and by what. Unused lists, for every principal
// tracked long enough, the actions its Allow statements grant that it has
// not been allowed in the window, and the policies none of whose grants
// it used: AWS Access Analyzer's unused-access findings. Both read the
// store after merging this replica's pending activity, and both are
// recorded in the audit log, as exports are.
#ifndef IAM_AUTHZ_ACCESS_REPORT_H_
#define IAM_AUTHZ_ACCESS_REPORT_H_

#include <optional>
#include <string>
#include <vector>

#include "iam/account/common.h"
#include "iam/account/mutation.h"
#include "iam/account/role_service.h"
#include "iam/authz/access_activity.h"
#include "iam/authz/authz_cache.h"

namespace iam::authz {

// Which principal: a user or a role by name, or an OAuth client by id.
struct AccessSubject {
  account::PrincipalName principal;
  std::string client_id;  // when set, the client's service account
};

struct ActionUse {
  std::string action;
  int64_t last_used_at = 0;  // ms
  std::string granted_by;
  int64_t uses = 0;
};

struct ServiceUse {
  std::string service;
  int64_t last_used_at = 0;
  int64_t uses = 0;
  std::vector<ActionUse> actions;  // most recent first
};

struct LastUsedReport {
  std::string account_id;
  std::string principal_arn;
  std::string kind;  // "user", "role", "client"
  std::optional<int64_t> tracked_since;
  std::vector<ServiceUse> services;  // most recent first
};

struct UnusedGrantFinding {
  std::string service;  // "*" for a grant of every service
  std::string action;   // the statement's action, or "NotAction [...]"
  std::string policy;   // ARN or "inline:<name>"
  std::string via;      // "user", "group:<name>", "role:<name>"
  int statement = 0;
  std::string sid;
  std::optional<int64_t> last_used_at;  // before the window; none: never
};

struct UnusedPolicyFinding {
  std::string policy;
  std::string via;
};

struct PrincipalUnused {
  std::string kind;
  std::string name;
  std::string arn;
  int64_t tracked_since = 0;
  std::optional<int64_t> last_used_at;
  bool inactive = false;
  std::vector<UnusedGrantFinding> grants;
  std::vector<UnusedPolicyFinding> policies;
};

struct UnusedReport {
  std::string account_id;
  int days = 0;
  int64_t report_time = 0;
  std::optional<int64_t> tracking_started;
  std::vector<PrincipalUnused> principals;  // those with a finding
  std::vector<std::string> not_judged;      // ARNs tracked for fewer days
};

inline constexpr int kMaxUnusedDays = 365;

class AccessReports {
 public:
  AccessReports(store::Database& db, const Clock& clock, const account::Mutations& mutations,
                AuthzCache* cache, AccessActivity* activity)
      : db_(db), clock_(clock), mutations_(mutations), cache_(cache), activity_(activity) {}

  // NOT_FOUND for an unknown principal (or one of another account).
  absl::StatusOr<LastUsedReport> LastUsed(const account::Caller& caller,
                                          const std::string& account_id, const AccessSubject& who);
  // days: 1 to kMaxUnusedDays. `who`: one principal, or none for all.
  absl::StatusOr<UnusedReport> Unused(const account::Caller& caller, const std::string& account_id,
                                      int days, const std::optional<AccessSubject>& who);

 private:
  void MergePending();

  store::Database& db_;
  const Clock& clock_;
  const account::Mutations& mutations_;
  AuthzCache* cache_;
  AccessActivity* activity_;  // may be null: nothing pending to merge
};

}  // namespace iam::authz

#endif  // IAM_AUTHZ_ACCESS_REPORT_H_
