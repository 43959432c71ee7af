// StoreOutage: what a replica knows of its store's reachability, so that
// authorization (Check, BatchCheck, online VerifyToken) can ride out a short
// database outage. While the store is unreachable, and for at most `grace`,
// a credential or session state read before the outage may answer after its
// usual one-second freshness; nothing new is learned, and a value this
// replica dropped (its own revocation, or a change another replica made that
// the version poll saw) is gone and cannot answer. Past the grace period
// every such call fails closed until the store answers again. A grace of 0
// keeps strict fail-closed behaviour. Writes are never affected: they
// answer UNAVAILABLE at once. Time comes from the injected clock.
// Thread-safe.
#ifndef IAM_COMMON_STORE_OUTAGE_H_
#define IAM_COMMON_STORE_OUTAGE_H_

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "iam/common/clock.h"
#include "iam/common/fresh_cache.h"

namespace iam {

class StoreOutage {
 public:
  StoreOutage(const Clock* clock, absl::Duration grace) : clock_(clock), grace_(grace) {}

  // The outcome of a store read: OK ends an outage, UNAVAILABLE starts one
  // (or goes on with it); other errors say nothing about reachability.
  void Observe(const absl::Status& status);

  // Whether a value read before the outage may answer now.
  bool MayAnswerStale() const;
  // Whether calls that answer from memory must refuse: the store has been
  // unreachable for longer than the grace period.
  bool FailClosed() const;
  // After a read of `key` that answered `read`: reports the outcome and,
  // when the store is unreachable and the grace period lasts, the value
  // `cache` still holds for that key (counted as a stale answer).
  template <typename V>
  std::optional<V> StaleAnswer(const absl::Status& read, const FreshCache<V>& cache,
                               const std::string& key) {
    Observe(read);
    if (!absl::IsUnavailable(read) || !MayAnswerStale()) return std::nullopt;
    std::optional<V> stale = cache.GetStale(key);
    if (stale) stale_answers_.fetch_add(1, std::memory_order_relaxed);
    return stale;
  }

  absl::Duration grace() const { return grace_; }
  bool reachable() const;
  uint64_t stale_answers() const { return stale_answers_.load(std::memory_order_relaxed); }
  uint64_t outages() const { return outages_.load(std::memory_order_relaxed); }

 private:
  const Clock* clock_;
  const absl::Duration grace_;
  mutable std::mutex mu_;
  std::optional<absl::Time> down_since_;  // guarded by mu_
  mutable bool said_closed_ = false;      // guarded by mu_
  std::atomic<uint64_t> stale_answers_{0};
  std::atomic<uint64_t> outages_{0};
};

}  // namespace iam

#endif  // IAM_COMMON_STORE_OUTAGE_H_
