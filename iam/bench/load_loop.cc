#include "iam/bench/load_loop.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <mutex>
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
  std::mutex mu;
  std::condition_variable idle;
  int running = 0;  // slots with a call in flight; guarded by mu
};

// A slot's calls follow one another, so its record needs no lock.
struct Slot {
  Shared* shared = nullptr;
  std::unique_ptr<Call> call;
  Call::Done done;
  Clock::time_point started;
  bool measured = false;  // count mode: started after the warm-up
  std::vector<int64_t> latency_ns;
  int64_t failed = 0;
  std::map<int, int64_t> failures_by_code;
  std::string first_failure;
  Clock::time_point last_done{};

  void Start() {
    started = Clock::now();
    call->Start(&done);
  }

  void Finished(const grpc::Status& st) {
    const Clock::time_point now = Clock::now();
    const int phase = shared->phase.load(std::memory_order_acquire);
    const bool counted = shared->count_mode ? measured : phase == kMeasure;
    if (counted) {
      latency_ns.push_back(
          std::chrono::duration_cast<std::chrono::nanoseconds>(now - started).count());
      last_done = std::max(last_done, now);
      if (!st.ok()) {
        ++failed;
        ++failures_by_code[st.error_code()];
        if (first_failure.empty()) first_failure = st.error_message();
      }
    }
    bool again = phase != kDrain;
    if (again && shared->count_mode) {
      measured = phase == kMeasure;
      if (measured) again = shared->issued.fetch_add(1) < shared->limit;
    }
    if (again) {
      Start();
      return;
    }
    std::lock_guard<std::mutex> lock(shared->mu);
    if (--shared->running == 0) shared->idle.notify_all();
  }
};

}  // namespace

double LoadResult::QuantileMs(double q) const {
  if (latency_ns.empty()) return 0;
  const size_t n = latency_ns.size();
  size_t idx = static_cast<size_t>(std::ceil(q * static_cast<double>(n)));
  idx = std::clamp<size_t>(idx, 1, n) - 1;
  return static_cast<double>(latency_ns[idx]) / 1e6;
}

LoadResult RunLoad(const LoadOptions& options, const CallFactory& factory) {
  const int connections = std::max(1, std::min(options.connections, options.concurrency));
  Shared shared;
  shared.count_mode = options.requests > 0;
  shared.limit = options.requests;
  std::vector<std::unique_ptr<Slot>> slots;
  for (int i = 0; i < options.concurrency; ++i) {
    auto s = std::make_unique<Slot>();
    s->shared = &shared;
    s->call = factory(i % connections, i);
    Slot* raw = s.get();
    s->done = [raw](const grpc::Status& st) { raw->Finished(st); };
    slots.push_back(std::move(s));
  }
  shared.running = options.concurrency;
  for (auto& s : slots) s->Start();

  std::this_thread::sleep_for(absl::ToChronoNanoseconds(options.warmup));
  const Clock::time_point measure_start = Clock::now();
  shared.phase.store(kMeasure, std::memory_order_release);
  Clock::time_point measure_end;
  if (!shared.count_mode) {
    std::this_thread::sleep_for(absl::ToChronoNanoseconds(options.duration));
    measure_end = Clock::now();
    shared.phase.store(kDrain, std::memory_order_release);
  }
  {
    std::unique_lock<std::mutex> lock(shared.mu);
    shared.idle.wait(lock, [&] { return shared.running == 0; });
  }

  LoadResult r;
  Clock::time_point last_done = measure_start;
  for (auto& s : slots) {
    r.latency_ns.insert(r.latency_ns.end(), s->latency_ns.begin(), s->latency_ns.end());
    r.failed += s->failed;
    for (const auto& [code, n] : s->failures_by_code) r.failures_by_code[code] += n;
    if (r.first_failure.empty()) r.first_failure = s->first_failure;
    last_done = std::max(last_done, s->last_done);
  }
  if (shared.count_mode) measure_end = last_done;
  r.completed = static_cast<int64_t>(r.latency_ns.size());
  r.seconds = std::chrono::duration<double>(measure_end - measure_start).count();
  std::sort(r.latency_ns.begin(), r.latency_ns.end());
  return r;
}

}  // namespace iam::bench
