// WorkerPool: a fixed set of threads fed by a bounded queue, for CPU-heavy
// work (Argon2) that must not run on the gRPC threads nor pile up without
// limit. Run() blocks its caller until the task is done; when the queue is
// full it answers RESOURCE_EXHAUSTED at once instead of waiting. Thread-safe.
#ifndef IAM_COMMON_WORKER_POOL_H_
#define IAM_COMMON_WORKER_POOL_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "iam/common/latency_histogram.h"

namespace iam {

struct WorkerPoolStats {
  uint64_t completed = 0;  // tasks run to the end
  uint64_t refused = 0;    // RESOURCE_EXHAUSTED answers
  size_t queued = 0;       // tasks waiting now
};

class WorkerPool {
 public:
  // threads >= 1; queue_capacity counts tasks waiting, not those running.
  WorkerPool(int threads, int queue_capacity);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Runs task on a worker and waits for it. RESOURCE_EXHAUSTED when the
  // queue is full, UNAVAILABLE once the pool is stopping.
  absl::Status Run(const std::function<void()>& task);

  int threads() const { return static_cast<int>(threads_.size()); }
  WorkerPoolStats stats() const;
  // How long tasks ran on a worker (not how long they waited for one).
  const LatencyHistogram& run_times() const { return run_times_; }

 private:
  struct Job;
  void Loop();

  const size_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job*> queue_;  // guarded by mu_
  bool stopping_ = false;   // guarded by mu_
  size_t idle_ = 0;         // workers waiting for a task; guarded by mu_
  uint64_t completed_ = 0;  // guarded by mu_
  uint64_t refused_ = 0;    // guarded by mu_
  LatencyHistogram run_times_;
  std::vector<std::thread> threads_;
};

}  // namespace iam

#endif  // IAM_COMMON_WORKER_POOL_H_
