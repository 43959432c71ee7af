// RpcMetrics: how many gRPC calls each method answered, by status code,
// and how long they took (from the call's arrival to its status), kept by
// a server interceptor and rendered as iam_grpc_requests_total and
// iam_grpc_request_seconds. The methods are those of the services named
// at construction, read from the generated descriptors, so counting never
// takes a lock; a call to any other method (health, reflection) counts
// under method "other". The interceptor that sees every call counts into
// it (malformed_request.h). Thread-safe; must outlive the server.
#ifndef IAM_SERVER_RPC_METRICS_H_
#define IAM_SERVER_RPC_METRICS_H_

#include <grpcpp/support/status.h>

#include <array>
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "iam/common/latency_histogram.h"

namespace iam::server {

class RpcMetrics {
 public:
  // `services`: full service names ("iam.v1.AdminService"), whose methods
  // are read from the generated descriptors (a name they do not know is
  // skipped); `methods`: full method names of services without generated
  // descriptors here ("/grpc.health.v1.Health/Check").
  RpcMetrics(const std::vector<std::string>& services, const std::vector<std::string>& methods);
  RpcMetrics(const RpcMetrics&) = delete;
  RpcMetrics& operator=(const RpcMetrics&) = delete;

  struct Method {
    std::string service;  // "iam.v1.AdminService"
    std::string name;     // "GetUser"
    LatencyHistogram time;
    std::array<std::atomic<uint64_t>, 17> by_code{};  // grpc::StatusCode 0..16

    void Count(grpc::StatusCode code, std::chrono::nanoseconds elapsed);
  };

  // The table of a full method name ("/iam.v1.AdminService/GetUser").
  Method& For(absl::string_view full_method);

  // Appends both families, for the methods that have been called.
  void AppendTo(std::string* out) const;

 private:
  void Add(std::string service, std::string name);

  // Built in the constructor, read-only after.
  absl::flat_hash_map<std::string, std::unique_ptr<Method>> methods_;
  Method other_;
};

}  // namespace iam::server

#endif  // IAM_SERVER_RPC_METRICS_H_
