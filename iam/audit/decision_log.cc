#include "iam/audit/decision_log.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "iam/common/log.h"
#include "iam/common/status_macros.h"

namespace iam::audit {
namespace {

// The longest a decision waits in the queue when traffic is light.
constexpr auto kWriteEvery = std::chrono::milliseconds(200);

}  // namespace

DecisionLog::DecisionLog(store::Database* db, const AuditLog* log, size_t capacity, size_t batch)
    : db_(db), log_(log), capacity_(capacity), batch_(batch) {}

DecisionLog::~DecisionLog() { Stop(); }

bool DecisionLog::Offer(DecisionRecord d) {
  Event e;
  e.account_id = d.account_id;
  e.actor = d.principal;
  e.action = kDecisionAction;
  e.object_type = "resource";
  e.object_id = d.resource;
  e.source_ip = d.caller_ip;
  e.result = d.decision == "Allow" ? "allowed" : "denied";
  e.detail["action"] = d.action;
  e.detail["decision"] = d.decision;
  e.detail["reasons"] = d.reasons;
  e.detail["caller"] = d.caller;
  if (!d.source_ip.empty()) e.detail["source_ip"] = d.source_ip;
  return OfferEvent(std::move(e));
}

bool DecisionLog::OfferEvent(Event e) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ || queue_.size() >= capacity_) {
      ++dropped_by_account_[e.account_id];
      ++dropped_;
      return false;
    }
    queue_.push_back(std::move(e));
    // Waking the writer for every record would cost each Check a futex
    // call and a context switch; it wakes for a full batch, or on its timer.
    if (queue_.size() != batch_) return true;
  }
  wake_.notify_one();
  return true;
}

void DecisionLog::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (writer_.joinable()) return;
  stopping_ = false;
  writer_ = std::thread([this] { Run(); });
}

void DecisionLog::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (writer_.joinable()) writer_.join();
}

void DecisionLog::Flush() {
  std::unique_lock<std::mutex> lock(mu_);
  if (!writer_.joinable()) return;
  const int64_t failures = failures_;
  ++flushing_;
  wake_.notify_all();
  drained_.wait(lock, [&] {
    return (queue_.empty() && dropped_by_account_.empty() && !writing_) || failures_ != failures;
  });
  --flushing_;
}

DecisionLogStats DecisionLog::stats() const {
  DecisionLogStats s;
  s.recorded = recorded_.load();
  s.dropped = dropped_.load();
  std::lock_guard<std::mutex> lock(mu_);
  s.queued = static_cast<int64_t>(queue_.size());
  return s;
}

void DecisionLog::Run() {
  // Recording yields to deciding: on a busy machine the writer gets the
  // CPU the decisions leave, and what it cannot keep up with is dropped
  // and counted rather than slowing Check. (Linux: nice is per thread.)
  ::setpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)), 19);
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    wake_.wait_for(lock, kWriteEvery, [&] {
      const bool pending = !queue_.empty() || !dropped_by_account_.empty();
      return stopping_ || queue_.size() >= batch_ || (flushing_ > 0 && pending);
    });
    if (queue_.empty() && dropped_by_account_.empty()) {
      if (stopping_) break;
      continue;
    }
    std::vector<Event> batch;
    while (!queue_.empty() && batch.size() < batch_) {
      batch.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    std::map<std::string, int64_t> dropped;
    dropped.swap(dropped_by_account_);
    writing_ = true;
    lock.unlock();
    const bool written = Write(std::move(batch), std::move(dropped));
    lock.lock();
    writing_ = false;
    if (queue_.empty() && dropped_by_account_.empty()) drained_.notify_all();
    if (!written) {
      ++failures_;
      // The store refuses: let it recover instead of retrying in a loop.
      // Offers keep being queued (or dropped and counted) meanwhile.
      drained_.notify_all();
      if (stopping_) break;
      wake_.wait_for(lock, std::chrono::seconds(1), [&] { return stopping_; });
    }
  }
  drained_.notify_all();
}

bool DecisionLog::Write(std::vector<Event> batch, std::map<std::string, int64_t> dropped) {
  bool all_written = true;
  std::map<std::string, std::vector<const Event*>> by_account;
  for (const Event& e : batch) by_account[e.account_id].push_back(&e);
  for (const auto& [account, n] : dropped) by_account[account];  // reported even alone
  for (const auto& [account, decisions] : by_account) {
    auto drops = dropped.find(account);
    const int64_t dropped_here = drops == dropped.end() ? 0 : drops->second;
    absl::Status s = db_->Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
      if (dropped_here > 0) {
        Event e;
        e.account_id = account;
        e.actor = "iamd";
        e.action = kDecisionsDroppedAction;
        e.object_type = "audit-log";
        e.object_id = account;
        e.detail["decisions"] = dropped_here;
        e.detail["why"] = "the decision log's queue was full or its writes failed";
        RETURN_IF_ERROR(log_->Append(tx, e));
      }
      for (const Event* e : decisions) RETURN_IF_ERROR(log_->Append(tx, *e));
      return absl::OkStatus();
    });
    if (s.ok()) {
      recorded_ += static_cast<int64_t>(decisions.size());
      continue;
    }
    all_written = false;
    log::Error("decision log write failed", {{"status", s.ToString()}, {"account", account}});
    // Lost: counted, and reported with the account's next write.
    std::lock_guard<std::mutex> lock(mu_);
    const int64_t lost = static_cast<int64_t>(decisions.size());
    dropped_ += lost;
    if (lost + dropped_here > 0) dropped_by_account_[account] += lost + dropped_here;
  }
  return all_written;
}

}  // namespace iam::audit
