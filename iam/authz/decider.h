// Decider: authorization decisions for a principal of an account (or an
// anonymous one) asking to perform an action on a resource, from the
// cached, compiled policies: the principal's own and its groups' policies
// within its permission boundary, each role it holds (unexpired) within
// the role's boundary and its own, the resource policies covering the
// resource and its ACL. An explicit deny anywhere wins; otherwise any of
// those grant paths allows; otherwise the default deny. Thread-safe.
#ifndef IAM_AUTHZ_DECIDER_H_
#define IAM_AUTHZ_DECIDER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "iam/authz/authz_cache.h"
#include "iam/common/clock.h"
#include "policy/evaluator.h"

namespace iam::authz {

struct ContextKey {
  std::string key;
  std::vector<std::string> values;
  bool multi = false;  // a multivalued key (ForAnyValue / ForAllValues)
  bool binary = false;  // the values are bytes, not text (sent base64, decoded)
};

inline constexpr size_t kMaxContextKeys = 64;
inline constexpr size_t kMaxContextValues = 64;
inline constexpr size_t kMaxContextValueBytes = 1024;
inline constexpr size_t kMaxActionBytes = 128;

struct CheckInput {
  std::string account_id;  // the principal's account
  std::string user;        // the user's name, or its id when by_id
  bool by_id = false;
  bool anonymous = false;  // no principal: only grants to everyone apply
  std::string action;
  std::string resource;
  // Keys the caller states (aws:SourceIp, s3:prefix, ...). Keys about the
  // principal and the time are the service's to set: a caller stating one
  // is refused, except in a simulation (`what_if`), where the time keys and
  // the MFA keys may be chosen.
  std::vector<ContextKey> context;
  // Keys the service established itself (from a verified token, the peer
  // address); they override the caller's.
  std::vector<ContextKey> trusted;
  bool what_if = false;
  bool explain = false;
};

struct CheckOutcome {
  policy::Decision decision = policy::Decision::kImplicitDeny;
  // The statements that decided, then the notes ("through role dev", "the
  // permission boundary does not allow it", ...).
  std::vector<std::string> reasons;
  std::vector<std::string> trace;  // with explain
  std::string principal_arn;
  std::string resource_owner;
  // Whether the principal's account records this decision (its audit
  // policy's decision_log); never for explanations and simulations.
  bool record = false;
};

class AccessActivity;

class Decider {
 public:
  Decider(AuthzCache* cache, const Clock* clock) : cache_(cache), clock_(clock) {}

  // Where allowed decisions are recorded for last-used data (never for an
  // explanation or a simulation); null: not recorded. Set before use.
  void set_activity(AccessActivity* activity) { activity_ = activity; }

  // INVALID_ARGUMENT (naming the field) for a malformed action, resource or
  // context; NOT_FOUND when the principal's account or user does not exist.
  absl::StatusOr<CheckOutcome> Check(const CheckInput& in) const;

  // The syntax checks of Check alone, for batches validated up front.
  static absl::Status Validate(const CheckInput& in);
  // Check for an input Validate accepted.
  absl::StatusOr<CheckOutcome> CheckValidated(const CheckInput& in) const;

  AuthzCache& cache() const { return *cache_; }
  absl::Time Now() const { return clock_->Now(); }

 private:
  void RecordUse(const CheckInput& in, const UserAuthz& user, const RoleGrant* path,
                 const policy::Result& allow, int64_t now_ms) const;

  AuthzCache* cache_;
  const Clock* clock_;
  AccessActivity* activity_ = nullptr;
};

}  // namespace iam::authz

#endif  // IAM_AUTHZ_DECIDER_H_
