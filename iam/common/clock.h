// Clock: the source of the current time, behind an interface so tests drive
// time (FakeClock) instead of sleeping. Implementations are thread-safe.
#ifndef IAM_COMMON_CLOCK_H_
#define IAM_COMMON_CLOCK_H_

#include <mutex>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace iam {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
  // Now as Unix milliseconds, the unit of every stored time.
  int64_t NowMs() const { return absl::ToUnixMillis(Now()); }
};

// The wall clock. Stateless.
class SystemClock final : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
};

// A clock that moves only when told to.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(absl::Time start = absl::FromUnixSeconds(1767225600))  // 2026-01-01
      : now_(start) {}

  absl::Time Now() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return now_;
  }
  void Advance(absl::Duration d) {
    std::lock_guard<std::mutex> lock(mu_);
    now_ += d;
  }
  void Set(absl::Time t) {
    std::lock_guard<std::mutex> lock(mu_);
    now_ = t;
  }

 private:
  mutable std::mutex mu_;
  absl::Time now_;  // guarded by mu_
};

// Milliseconds since the Unix epoch: how times are stored.
inline int64_t ToUnixMillisUtc(absl::Time t) { return absl::ToUnixMillis(t); }
inline absl::Time FromUnixMillisUtc(int64_t ms) { return absl::FromUnixMillis(ms); }

}  // namespace iam

#endif  // IAM_COMMON_CLOCK_H_
