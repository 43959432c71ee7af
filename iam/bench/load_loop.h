// A closed-loop load generator over gRPC's asynchronous (callback) client
// API: a fixed number of calls are always in flight, spread over a few
// connections. When a call completes, its slot starts the next one from the
// completion itself, so the offered load is exactly "concurrency" and the
// figures show what the server sustains, not what a timer asked for.
#ifndef IAM_BENCH_LOAD_LOOP_H_
#define IAM_BENCH_LOAD_LOOP_H_

#include <grpcpp/support/status.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace iam::bench {

// One slot's call, started again and again. Start() must begin a fresh call
// (grpc::ClientContext cannot be reused) and run `done` with its status
// when it finishes, on a gRPC thread.
class Call {
 public:
  using Done = std::function<void(const grpc::Status&)>;
  virtual ~Call() = default;
  virtual void Start(const Done* done) = 0;
};

// Makes the call for slot `slot` on connection `connection`.
using CallFactory = std::function<std::unique_ptr<Call>(int connection, int slot)>;

struct LoadOptions {
  int concurrency = 64;
  int connections = 1;
  absl::Duration warmup = absl::Seconds(2);
  // Measure for `duration`, or, when requests > 0, until that many calls
  // started after the warm-up have completed.
  absl::Duration duration = absl::Seconds(10);
  int64_t requests = 0;
};

struct LoadResult {
  int64_t completed = 0;  // measured calls, failed ones included
  int64_t failed = 0;
  std::map<int, int64_t> failures_by_code;
  std::string first_failure;
  double seconds = 0;                // the measured window
  std::vector<int64_t> latency_ns;   // measured calls, sorted

  double PerSecond() const { return seconds > 0 ? completed / seconds : 0; }
  // The q-quantile (0 < q <= 1) of latency_ns, in milliseconds.
  double QuantileMs(double q) const;
};

LoadResult RunLoad(const LoadOptions& options, const CallFactory& factory);

}  // namespace iam::bench

#endif  // IAM_BENCH_LOAD_LOOP_H_
