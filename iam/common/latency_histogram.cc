#include "iam/common/latency_histogram.h"

#include "absl/strings/str_cat.h"
#include "iam/common/counter_family.h"

namespace iam {

void LatencyHistogram::Observe(std::chrono::nanoseconds elapsed) {
  const int64_t ns = elapsed.count() < 0 ? 0 : elapsed.count();
  const double seconds = ns / 1e9;
  size_t i = 0;
  while (i < kBounds.size() && seconds > kBounds[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(static_cast<uint64_t>(ns), std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

void LatencyHistogram::AppendTo(std::string* out, absl::string_view name,
                                absl::string_view labels) const {
  const std::string prefix = labels.empty() ? "" : absl::StrCat(labels, ",");
  uint64_t cumulative = 0;
  for (size_t i = 0; i <= kBounds.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    absl::StrAppend(out, name, "_bucket{", prefix, "le=\"",
                    i < kBounds.size() ? absl::StrCat(kBounds[i]) : "+Inf", "\"} ", cumulative,
                    "\n");
  }
  const std::string braces = labels.empty() ? "" : absl::StrCat("{", labels, "}");
  absl::StrAppend(out, name, "_sum", braces, " ", MetricValue(sum_seconds()), "\n", name, "_count",
                  braces, " ", count(), "\n");
}

}  // namespace iam
