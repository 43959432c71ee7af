// LatencyHistogram: how long something took, kept as a Prometheus
// histogram keeps it: a count per upper bound, the sum and the count.
// Lock-free (relaxed atomics), cheap enough for every request: a scrape
// may see an observation's count before its sum, and the next scrape
// agrees.
#ifndef IAM_COMMON_LATENCY_HISTOGRAM_H_
#define IAM_COMMON_LATENCY_HISTOGRAM_H_

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace iam {

class LatencyHistogram {
 public:
  // Upper bounds in seconds: from a cached answer (100 µs) to a slow
  // store (2.5 s); the last bucket is +Inf.
  static constexpr std::array<double, 14> kBounds = {0.0001, 0.00025, 0.0005, 0.001, 0.0025,
                                                     0.005,  0.01,    0.025,  0.05,  0.1,
                                                     0.25,   0.5,     1.0,    2.5};

  void Observe(std::chrono::nanoseconds elapsed);

  // Appends `name_bucket{labels,le="..."}` for each bound and +Inf, then
  // `name_sum{labels}` and `name_count{labels}`. `labels` is empty or
  // `key="value",...` with values already escaped.
  void AppendTo(std::string* out, absl::string_view name, absl::string_view labels) const;

  uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  double sum_seconds() const { return sum_ns_.load(std::memory_order_relaxed) / 1e9; }

 private:
  std::array<std::atomic<uint64_t>, kBounds.size() + 1> buckets_{};
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_ns_{0};
};

// Times a scope into a histogram.
class ScopedLatency {
 public:
  explicit ScopedLatency(LatencyHistogram& h)
      : h_(h), start_(std::chrono::steady_clock::now()) {}
  ~ScopedLatency() { h_.Observe(std::chrono::steady_clock::now() - start_); }
  ScopedLatency(const ScopedLatency&) = delete;
  ScopedLatency& operator=(const ScopedLatency&) = delete;

 private:
  LatencyHistogram& h_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace iam

#endif  // IAM_COMMON_LATENCY_HISTOGRAM_H_
