#include "iam/server/rpc_metrics.h"

#include <google/protobuf/descriptor.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "iam/common/counter_family.h"

namespace iam::server {
namespace {

// The gRPC status code names, as gRPC spells them, by number.
constexpr const char* kCodeNames[] = {
    "OK",        "CANCELLED",          "UNKNOWN",           "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED", "NOT_FOUND",  "ALREADY_EXISTS",    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
    "UNIMPLEMENTED", "INTERNAL",       "UNAVAILABLE",       "DATA_LOSS",
    "UNAUTHENTICATED"};

}  // namespace

RpcMetrics::RpcMetrics(const std::vector<std::string>& services,
                       const std::vector<std::string>& methods) {
  other_.service = "other";
  other_.name = "other";
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  for (const std::string& name : services) {
    const google::protobuf::ServiceDescriptor* service = pool->FindServiceByName(name);
    if (service == nullptr) continue;
    for (int i = 0; i < service->method_count(); ++i) Add(name, service->method(i)->name());
  }
  for (const std::string& full : methods) {
    const size_t slash = full.rfind('/');
    if (full.empty() || full[0] != '/' || slash == 0) continue;
    Add(full.substr(1, slash - 1), full.substr(slash + 1));
  }
}

void RpcMetrics::Add(std::string service, std::string name) {
  auto method = std::make_unique<Method>();
  method->service = std::move(service);
  method->name = std::move(name);
  std::string key = absl::StrCat("/", method->service, "/", method->name);
  methods_.emplace(std::move(key), std::move(method));
}

RpcMetrics::Method& RpcMetrics::For(absl::string_view full_method) {
  auto it = methods_.find(full_method);
  return it == methods_.end() ? other_ : *it->second;
}

void RpcMetrics::AppendTo(std::string* out) const {
  std::vector<const Method*> called;
  for (const auto& [unused, m] : methods_) {
    if (m->time.count() > 0) called.push_back(m.get());
  }
  if (other_.time.count() > 0) called.push_back(&other_);
  std::sort(called.begin(), called.end(), [](const Method* a, const Method* b) {
    return std::tie(a->service, a->name) < std::tie(b->service, b->name);
  });
  AppendFamily(out, "iam_grpc_requests_total", "gRPC calls answered, by method and status code.",
               "counter");
  for (const Method* m : called) {
    for (size_t code = 0; code < m->by_code.size(); ++code) {
      const uint64_t n = m->by_code[code].load(std::memory_order_relaxed);
      if (n == 0) continue;
      absl::StrAppend(out, "iam_grpc_requests_total{service=\"", m->service, "\",method=\"",
                      m->name, "\",code=\"", kCodeNames[code], "\"} ", n, "\n");
    }
  }
  AppendFamily(out, "iam_grpc_request_seconds",
               "Time from a gRPC call's arrival to its status, by method.", "histogram");
  for (const Method* m : called) {
    m->time.AppendTo(out, "iam_grpc_request_seconds",
                     absl::StrCat("service=\"", m->service, "\",method=\"", m->name, "\""));
  }
}

void RpcMetrics::Method::Count(grpc::StatusCode code, std::chrono::nanoseconds elapsed) {
  const int c = static_cast<int>(code);
  if (c >= 0 && c < static_cast<int>(by_code.size())) {
    by_code[static_cast<size_t>(c)].fetch_add(1, std::memory_order_relaxed);
  }
  time.Observe(elapsed);
}

}  // namespace iam::server
