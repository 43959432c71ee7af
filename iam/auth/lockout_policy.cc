#include "iam/auth/lockout_policy.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "iam/common/json_fields.h"

namespace iam::auth {

nlohmann::json LockoutPolicy::ToJson() const { return FieldsJson(*this); }

absl::StatusOr<LockoutPolicy> LockoutPolicy::FromJson(const nlohmann::json& j) {
  LockoutPolicy p;
  if (absl::Status s = ReadFields(j, &p); !s.ok()) return s;
  if (absl::Status s = p.Validate(); !s.ok()) return s;
  return p;
}

absl::Status LockoutPolicy::Validate() const {
  if (max_failures < 1 || max_failures > 1000) {
    return absl::InvalidArgumentError("max_failures: must be 1..1000");
  }
  if (strategy != "linear" && strategy != "multiplying") {
    return absl::InvalidArgumentError("strategy: must be 'linear' or 'multiplying'");
  }
  if (wait_increment_seconds < 1 || wait_increment_seconds > 86400 * 30) {
    return absl::InvalidArgumentError("wait_increment_seconds: must be 1..2592000");
  }
  if (max_wait_seconds < wait_increment_seconds || max_wait_seconds > 86400 * 365) {
    return absl::InvalidArgumentError(
        "max_wait_seconds: must be at least wait_increment_seconds and at most a year");
  }
  if (failure_reset_seconds < 1 || failure_reset_seconds > 86400 * 365) {
    return absl::InvalidArgumentError("failure_reset_seconds: must be 1..31536000");
  }
  if (quick_login_check_ms < 0 || quick_login_check_ms > 60000) {
    return absl::InvalidArgumentError("quick_login_check_ms: must be 0..60000");
  }
  if (min_quick_login_wait_seconds < 0 || min_quick_login_wait_seconds > 86400) {
    return absl::InvalidArgumentError("min_quick_login_wait_seconds: must be 0..86400");
  }
  if (max_temporary_lockouts < 0 || max_temporary_lockouts > 1000) {
    return absl::InvalidArgumentError("max_temporary_lockouts: must be 0..1000");
  }
  if (challenge_after_failures < 0 || challenge_after_failures > 1000) {
    return absl::InvalidArgumentError("challenge_after_failures: must be 0..1000");
  }
  return absl::OkStatus();
}

int64_t LockoutWaitSeconds(const LockoutPolicy& p, int k) {
  int64_t wait = p.wait_increment_seconds;
  if (p.strategy == "linear") {
    wait = static_cast<int64_t>(p.wait_increment_seconds) * k;
  } else {
    for (int i = 1; i < k && wait < p.max_wait_seconds; ++i) wait *= 2;
  }
  return std::min<int64_t>(wait, p.max_wait_seconds);
}

int LiveFailures(const LockoutPolicy& p, const FailureCounter& c, int64_t now) {
  if (c.last_failure_at > 0 && now - c.last_failure_at > int64_t{p.failure_reset_seconds} * 1000) {
    return 0;
  }
  return c.failures;
}

LockState SubjectLock(const FailureCounter& c, int64_t now) {
  if (c.permanent) return {true, true, 0};
  if (c.locked_until > now) return {true, false, c.locked_until - now};
  return {};
}

FailureCounter RecordSubjectFailure(const LockoutPolicy& p, FailureCounter c, int64_t now) {
  if (LiveFailures(p, c, now) == 0) {
    c.failures = 0;
    c.lockouts = 0;
  }
  const bool quick = p.quick_login_check_ms > 0 && c.last_failure_at > 0 &&
                     now - c.last_failure_at < p.quick_login_check_ms;
  c.failures += 1;
  c.last_failure_at = now;
  if (!p.enabled) return c;
  int64_t wait_s = 0;
  if (c.failures % p.max_failures == 0) {
    c.lockouts += 1;
    if (p.permanent_lockout && c.lockouts > p.max_temporary_lockouts) {
      c.permanent = true;
      return c;
    }
    wait_s = LockoutWaitSeconds(p, c.lockouts);
  }
  if (quick) wait_s = std::max<int64_t>(wait_s, p.min_quick_login_wait_seconds);
  if (wait_s > 0) c.locked_until = std::max(c.locked_until, now + wait_s * 1000);
  return c;
}

LockState SourceLock(const ThrottlePolicy& p, const FailureCounter& c, int64_t now) {
  if (c.permanent) return {true, true, 0};
  if (c.locked_until > now) return {true, false, c.locked_until - now};
  const bool live =
      c.last_failure_at > 0 && now - c.last_failure_at <= int64_t{p.window_seconds} * 1000;
  if (live && c.failures >= p.slow_after_failures && now - c.last_failure_at < p.slow_delay_ms) {
    return {true, false, c.last_failure_at + p.slow_delay_ms - now};
  }
  return {};
}

FailureCounter RecordSourceFailure(const ThrottlePolicy& p, FailureCounter c, int64_t now) {
  if (c.last_failure_at > 0 && now - c.last_failure_at > int64_t{p.window_seconds} * 1000) {
    c.failures = 0;
  }
  c.failures += 1;
  c.last_failure_at = now;
  if (c.failures >= p.block_after_failures) {
    c.lockouts += 1;
    c.locked_until = now + int64_t{p.block_seconds} * 1000;
    c.failures = 0;
  }
  return c;
}

}  // namespace iam::auth
