#include "iam/bench/load_loop.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <thread>

namespace iam::bench {
namespace {

using Clock = std::chrono::steady_clock;

enum Phase : int { kWarmup, kMeasure, kDrain };

struct Shared {
  bool count_mode = false;
  int64_t limit = 0;
  std::atomic<int> phase{kWarmup};
  std::atomic<int64_t> issued{0};  // count mode: calls started while measuring
};

struct Slot {
  std::unique_ptr<Call> call;
  Clock::time_point started;
  bool measured = false;  // count mode: started after the warm-up
};

struct Worker {
  grpc::CompletionQueue cq;
  std::vector<Slot> slots;
  std::vector<int64_t> latency_ns;
  int64_t failed = 0;
  std::map<int, int64_t> failures_by_code;
  std::string first_failure;
  Clock::time_point last_done{};
};

void Drive(Worker& w, Shared& shared) {
  auto start = [&](size_t i) {
    Slot& s = w.slots[i];
    s.started = Clock::now();
    s.call->Start(&w.cq, reinterpret_cast<void*>(i));
  };
  for (size_t i = 0; i < w.slots.size(); ++i) start(i);
  size_t outstanding = w.slots.size();
  void* tag;
  bool ok;
  while (outstanding > 0 && w.cq.Next(&tag, &ok)) {
    const size_t i = reinterpret_cast<size_t>(tag);
    Slot& s = w.slots[i];
    const Clock::time_point now = Clock::now();
    const int phase = shared.phase.load(std::memory_order_acquire);
    const bool counted = shared.count_mode ? s.measured : phase == kMeasure;
    if (counted) {
      w.latency_ns.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(now - s.started)
                                 .count());
      w.last_done = std::max(w.last_done, now);
      const grpc::Status& st = s.call->status();
      if (!st.ok()) {
        ++w.failed;
        ++w.failures_by_code[st.error_code()];
        if (w.first_failure.empty()) w.first_failure = st.error_message();
      }
    }
    bool again = phase != kDrain;
    if (again && shared.count_mode) {
      s.measured = phase == kMeasure;
      if (s.measured) again = shared.issued.fetch_add(1) < shared.limit;
    }
    if (again) {
      start(i);
    } else {
      --outstanding;
    }
  }
  w.cq.Shutdown();
  while (w.cq.Next(&tag, &ok)) {
  }
}

}  // namespace

double LoadResult::QuantileMs(double q) const {
  if (latency_ns.empty()) return 0;
  const size_t n = latency_ns.size();
  size_t idx = static_cast<size_t>(std::ceil(q * static_cast<double>(n)));
  idx = std::clamp<size_t>(idx, 1, n) - 1;
  return static_cast<double>(latency_ns[idx]) / 1e6;
}

LoadResult RunLoad(const LoadOptions& options, const CallFactory& factory) {
  const int threads = std::max(1, std::min(options.threads, options.concurrency));
  Shared shared;
  shared.count_mode = options.requests > 0;
  shared.limit = options.requests;
  std::vector<std::unique_ptr<Worker>> workers;
  for (int t = 0; t < threads; ++t) workers.push_back(std::make_unique<Worker>());
  for (int i = 0; i < options.concurrency; ++i) {
    const int t = i % threads;
    Slot s;
    s.call = factory(t, i);
    workers[t]->slots.push_back(std::move(s));
  }
  std::vector<std::thread> running;
  for (auto& w : workers) running.emplace_back([&w, &shared] { Drive(*w, shared); });

  std::this_thread::sleep_for(absl::ToChronoNanoseconds(options.warmup));
  const Clock::time_point measure_start = Clock::now();
  shared.phase.store(kMeasure, std::memory_order_release);
  Clock::time_point measure_end;
  if (!shared.count_mode) {
    std::this_thread::sleep_for(absl::ToChronoNanoseconds(options.duration));
    measure_end = Clock::now();
    shared.phase.store(kDrain, std::memory_order_release);
  }
  for (auto& t : running) t.join();

  LoadResult r;
  Clock::time_point last_done = measure_start;
  for (auto& w : workers) {
    r.latency_ns.insert(r.latency_ns.end(), w->latency_ns.begin(), w->latency_ns.end());
    r.failed += w->failed;
    for (const auto& [code, n] : w->failures_by_code) r.failures_by_code[code] += n;
    if (r.first_failure.empty()) r.first_failure = w->first_failure;
    last_done = std::max(last_done, w->last_done);
  }
  if (shared.count_mode) measure_end = last_done;
  r.completed = static_cast<int64_t>(r.latency_ns.size());
  r.seconds = std::chrono::duration<double>(measure_end - measure_start).count();
  std::sort(r.latency_ns.begin(), r.latency_ns.end());
  return r;
}

}  // namespace iam::bench
