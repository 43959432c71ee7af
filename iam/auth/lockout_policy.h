// Brute-force protection, as pure functions over a failure counter:
//  - LockoutPolicy (per account) guards one login subject (a user, or an
//    unknown name): threshold, growing waits (linear or multiplying) up to a
//    maximum, a reset window, a quick-succession check, and permanent
//    lockout directly or after N temporary ones.
//  - ThrottlePolicy (service-wide) guards a source IP or a device id across
//    every account: first slowed (a minimum gap between failed attempts),
//    then blocked for a while.
// The store keeps the counters and changes them atomically; this file only
// decides. Times are Unix milliseconds.
#ifndef IAM_AUTH_LOCKOUT_POLICY_H_
#define IAM_AUTH_LOCKOUT_POLICY_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "absl/status/statusor.h"

namespace iam::auth {

struct LockoutPolicy {
  bool enabled = true;
  int max_failures = 5;
  int wait_increment_seconds = 60;
  std::string strategy = "multiplying";  // or "linear"
  int max_wait_seconds = 15 * 60;
  int failure_reset_seconds = 12 * 3600;
  int quick_login_check_ms = 1000;  // 0 = off
  int min_quick_login_wait_seconds = 60;
  bool permanent_lockout = false;
  int max_temporary_lockouts = 0;    // with permanent_lockout: 0 = the first lock is permanent
  int challenge_after_failures = 3;  // 0 = never ask for a human challenge

  // The document's fields, declared once: see common/json_fields.h.
  template <typename Self, typename Field>
  static void Fields(Self& self, Field&& field) {
    field("enabled", self.enabled);
    field("max_failures", self.max_failures);
    field("wait_increment_seconds", self.wait_increment_seconds);
    field("strategy", self.strategy);
    field("max_wait_seconds", self.max_wait_seconds);
    field("failure_reset_seconds", self.failure_reset_seconds);
    field("quick_login_check_ms", self.quick_login_check_ms);
    field("min_quick_login_wait_seconds", self.min_quick_login_wait_seconds);
    field("permanent_lockout", self.permanent_lockout);
    field("max_temporary_lockouts", self.max_temporary_lockouts);
    field("challenge_after_failures", self.challenge_after_failures);
  }

  nlohmann::json ToJson() const;
  // Every field must be present. INVALID_ARGUMENT naming the field.
  static absl::StatusOr<LockoutPolicy> FromJson(const nlohmann::json& j);
  absl::Status Validate() const;
};

struct ThrottlePolicy {
  int window_seconds = 15 * 60;
  int slow_after_failures = 10;  // then one attempt per slow_delay_ms
  int slow_delay_ms = 2000;
  int block_after_failures = 25;
  int block_seconds = 30 * 60;
};

struct FailureCounter {
  int failures = 0;
  int64_t last_failure_at = 0;
  int lockouts = 0;
  int64_t locked_until = 0;
  bool permanent = false;
};

struct LockState {
  bool locked = false;
  bool permanent = false;
  int64_t retry_after_ms = 0;  // 0 when permanent or not locked
};

// Whether the subject is locked now.
LockState SubjectLock(const FailureCounter& c, int64_t now);
// The counter after one more failed attempt at `now`.
FailureCounter RecordSubjectFailure(const LockoutPolicy& p, FailureCounter c, int64_t now);
// The wait of the k-th temporary lockout (k >= 1), in seconds.
int64_t LockoutWaitSeconds(const LockoutPolicy& p, int k);
// Failures still counted at `now` (the reset window may have cleared them).
int LiveFailures(const LockoutPolicy& p, const FailureCounter& c, int64_t now);

// Whether a source (IP or device) may try now: blocked, or slowed and too soon.
LockState SourceLock(const ThrottlePolicy& p, const FailureCounter& c, int64_t now);
FailureCounter RecordSourceFailure(const ThrottlePolicy& p, FailureCounter c, int64_t now);

}  // namespace iam::auth

#endif  // IAM_AUTH_LOCKOUT_POLICY_H_
