#include "iam/common/worker_pool.h"

namespace iam {

struct WorkerPool::Job {
  const std::function<void()>* task = nullptr;
  bool done = false;
  std::condition_variable cv;
};

WorkerPool::WorkerPool(int threads, int queue_capacity)
    : capacity_(static_cast<size_t>(queue_capacity < 0 ? 0 : queue_capacity)) {
  if (threads < 1) threads = 1;
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Loop(); });
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
}

absl::Status WorkerPool::Run(const std::function<void()>& task) {
  Job job;
  job.task = &task;
  std::unique_lock<std::mutex> lock(mu_);
  if (stopping_) return absl::UnavailableError("the service is shutting down");
  // Idle workers take a task at once, so they add to what may wait.
  if (queue_.size() >= capacity_ + idle_) {
    ++refused_;
    return absl::ResourceExhaustedError("too many requests are waiting; try again shortly");
  }
  queue_.push_back(&job);
  cv_.notify_one();
  job.cv.wait(lock, [&] { return job.done; });
  return absl::OkStatus();
}

void WorkerPool::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    ++idle_;
    cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    --idle_;
    // Queued work is finished even when stopping: its callers are waiting.
    if (queue_.empty()) return;
    Job* job = queue_.front();
    queue_.pop_front();
    lock.unlock();
    {
      ScopedLatency timed(run_times_);
      (*job->task)();
    }
    lock.lock();
    job->done = true;
    ++completed_;
    job->cv.notify_one();
  }
}

WorkerPoolStats WorkerPool::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return WorkerPoolStats{completed_, refused_, queue_.size()};
}

}  // namespace iam
