// AccessActivityStore: when each principal was last allowed each action,
// and by what, merged from every replica: a write never moves a last use
// back in time and adds its uses to the count, so replicas flushing the
// same row in any order agree. Also the moment this deployment began
// recording, the start of every "unused since" judgement.
#ifndef IAM_STORE_ACCESS_ACTIVITY_STORE_H_
#define IAM_STORE_ACCESS_ACTIVITY_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "iam/store/authz_records.h"
#include "iam/store/database.h"

namespace iam::store::access_activity {

struct ActivityRow {
  std::string account_id;
  PrincipalRef principal;    // a user or a role
  std::string action;        // as last asked: "s3:GetObject"
  int64_t last_used_at = 0;  // ms
  std::string granted_by;    // the statement (or grant) that allowed it then
  int64_t uses = 0;
};

// Merges one row: the later use wins (with its granted_by), uses add up.
absl::Status Merge(Tx& tx, const ActivityRow& row);

absl::StatusOr<std::vector<ActivityRow>> ListOfPrincipal(Tx& tx, const std::string& account_id,
                                                         const PrincipalRef& principal);
absl::StatusOr<std::vector<ActivityRow>> ListOfAccount(Tx& tx, const std::string& account_id);
absl::Status DeleteAllOfAccount(Tx& tx, const std::string& account_id);

// When recording began here: set once (the first call's now_ms), then kept.
absl::StatusOr<int64_t> EnsureTrackingStart(Tx& tx, int64_t now_ms);
// nullopt: recording never began.
absl::StatusOr<std::optional<int64_t>> TrackingStart(Tx& tx);

}  // namespace iam::store::access_activity

#endif  // IAM_STORE_ACCESS_ACTIVITY_STORE_H_
