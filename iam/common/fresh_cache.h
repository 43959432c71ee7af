// FreshCache: answers read from the store, trusted for at most `max_age`
// (by the injected clock). It bounds how stale another replica's change can
// look; this replica's own changes take effect at once through Forget() and
// Clear(). A value read before a Forget()/Clear() is not put back after it:
// Put() takes the generation returned by Generation() before the read, and
// drops the value when the cache was cleared since. Thread-safe.
#ifndef IAM_COMMON_FRESH_CACHE_H_
#define IAM_COMMON_FRESH_CACHE_H_

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "iam/common/clock.h"

namespace iam {

template <typename V>
class FreshCache {
 public:
  FreshCache(const Clock* clock, absl::Duration max_age, size_t max_entries)
      : clock_(clock), max_age_(max_age), max_entries_(max_entries) {}

  uint64_t Generation() const {
    std::lock_guard<std::mutex> lock(mu_);
    return generation_;
  }

  std::optional<V> Get(const std::string& key) const {
    const absl::Time now = clock_->Now();
    std::lock_guard<std::mutex> lock(mu_);
    auto it = map_.find(key);
    if (it == map_.end() || now - it->second.read_at >= max_age_ || now < it->second.read_at) {
      return std::nullopt;
    }
    return it->second.value;
  }

  // The value however old, while it is still held: a Forget() or Clear()
  // removes it. For answering from the last state read while the store is
  // unreachable (StoreOutage).
  std::optional<V> GetStale(const std::string& key) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = map_.find(key);
    if (it == map_.end()) return std::nullopt;
    return it->second.value;
  }

  void Put(const std::string& key, V value, uint64_t generation) {
    const absl::Time now = clock_->Now();
    std::lock_guard<std::mutex> lock(mu_);
    if (generation != generation_) return;
    // Bounded memory: past the limit, start over (entries live a second).
    if (map_.size() >= max_entries_ && !map_.contains(key)) map_.clear();
    map_.insert_or_assign(key, Entry{std::move(value), now});
  }

  void Forget(const std::string& key) {
    std::lock_guard<std::mutex> lock(mu_);
    ++generation_;
    map_.erase(key);
  }

  void Clear() {
    std::lock_guard<std::mutex> lock(mu_);
    ++generation_;
    map_.clear();
  }

 private:
  struct Entry {
    V value;
    absl::Time read_at;
  };
  const Clock* clock_;
  const absl::Duration max_age_;
  const size_t max_entries_;
  mutable std::mutex mu_;
  uint64_t generation_ = 0;
  absl::flat_hash_map<std::string, Entry> map_;
};

}  // namespace iam

#endif  // IAM_COMMON_FRESH_CACHE_H_
