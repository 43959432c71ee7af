// CounterFamily: one Prometheus counter per combination of label values
// (`iam_logins_total{outcome="success",reason=""}`), created at zero on
// first use and rendered in the text exposition format. The label names
// are fixed at construction; callers pass values from small closed sets
// (an outcome, a status code, a method), never user input, so the number
// of series stays bounded. Thread-safe: finding a counter takes a lock,
// counting does not (a caller on a hot path keeps the reference At()
// returns; it stays valid for the family's life).
#ifndef IAM_COMMON_COUNTER_FAMILY_H_
#define IAM_COMMON_COUNTER_FAMILY_H_

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/node_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"

namespace iam {

class CounterFamily {
 public:
  CounterFamily(std::string name, std::string help, std::vector<std::string> label_names);
  CounterFamily(const CounterFamily&) = delete;
  CounterFamily& operator=(const CounterFamily&) = delete;

  // The counter for `values`, one per label name in order (missing ones
  // are empty, extra ones ignored).
  std::atomic<uint64_t>& At(absl::Span<const absl::string_view> values);

  void Inc(absl::Span<const absl::string_view> values, uint64_t n = 1) {
    At(values).fetch_add(n, std::memory_order_relaxed);
  }

  // The count for `values`, 0 when never counted.
  uint64_t Value(absl::Span<const absl::string_view> values) const;

  // Appends `# HELP`, `# TYPE` and one line per counter, sorted by labels
  // so that scrapes are stable.
  void AppendTo(std::string* out) const;

 private:
  std::string Key(absl::Span<const absl::string_view> values) const;

  const std::string name_;
  const std::string help_;
  const std::vector<std::string> label_names_;
  mutable absl::Mutex mu_;
  // Keyed by the rendered label set (`a="x",b="y"`); node-based so that
  // references handed out survive rehashing.
  absl::node_hash_map<std::string, std::atomic<uint64_t>> counters_ ABSL_GUARDED_BY(mu_);
};

// A sample value for the exposition format: the shortest text that reads
// back as the same value (a start time or a large sum keeps its precision,
// which absl::StrCat's six digits lose).
std::string MetricValue(double value);

// "# HELP <name> <help>" and "# TYPE <name> <type>": a family's header.
void AppendFamily(std::string* out, absl::string_view name, absl::string_view help,
                  absl::string_view type);
// A family of one sample without labels: its header and `name value`.
void AppendSample(std::string* out, absl::string_view name, absl::string_view help,
                  absl::string_view type, double value);

// A label value escaped for the exposition format (backslash, quote and
// newline), so that a value can never end its label early.
std::string EscapeLabelValue(absl::string_view value);

}  // namespace iam

#endif  // IAM_COMMON_COUNTER_FAMILY_H_
