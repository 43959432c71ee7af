#include "iam/common/counter_family.h"

#include <algorithm>
#include <charconv>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace iam {

CounterFamily::CounterFamily(std::string name, std::string help,
                             std::vector<std::string> label_names)
    : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)) {}

std::string MetricValue(double value) {
  // The shortest text that reads back as the same double, as Prometheus's
  // own clients write it: a start time keeps its fraction of a second.
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  return ec == std::errc() ? std::string(buf, end) : absl::StrFormat("%.17g", value);
}

void AppendFamily(std::string* out, absl::string_view name, absl::string_view help,
                  absl::string_view type) {
  absl::StrAppend(out, "# HELP ", name, " ", help, "\n# TYPE ", name, " ", type, "\n");
}

void AppendSample(std::string* out, absl::string_view name, absl::string_view help,
                  absl::string_view type, double value) {
  AppendFamily(out, name, help, type);
  absl::StrAppend(out, name, " ", MetricValue(value), "\n");
}

std::string EscapeLabelValue(absl::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string CounterFamily::Key(absl::Span<const absl::string_view> values) const {
  std::string key;
  for (size_t i = 0; i < label_names_.size(); ++i) {
    absl::StrAppend(&key, i ? "," : "", label_names_[i], "=\"",
                    EscapeLabelValue(i < values.size() ? values[i] : ""), "\"");
  }
  return key;
}

std::atomic<uint64_t>& CounterFamily::At(absl::Span<const absl::string_view> values) {
  std::string key = Key(values);
  absl::MutexLock lock(&mu_);
  return counters_[std::move(key)];  // value-initialized: zero
}

uint64_t CounterFamily::Value(absl::Span<const absl::string_view> values) const {
  const std::string key = Key(values);
  absl::MutexLock lock(&mu_);
  auto it = counters_.find(key);
  return it == counters_.end() ? 0 : it->second.load(std::memory_order_relaxed);
}

void CounterFamily::AppendTo(std::string* out) const {
  std::vector<std::pair<std::string, uint64_t>> rows;
  {
    absl::MutexLock lock(&mu_);
    rows.reserve(counters_.size());
    for (const auto& [key, n] : counters_) rows.emplace_back(key, n.load(std::memory_order_relaxed));
  }
  std::sort(rows.begin(), rows.end());
  AppendFamily(out, name_, help_, "counter");
  for (const auto& [key, n] : rows) {
    absl::StrAppend(out, name_, key.empty() ? "" : absl::StrCat("{", key, "}"), " ", n, "\n");
  }
}

}  // namespace iam
