// DecisionLog: authorization decisions recorded in the audit log without
// slowing the decisions. Offer() puts a decision on a bounded queue and
// returns at once; one writer thread appends them in batches (one
// transaction per account and batch). When the queue is full the decision
// is dropped and counted, never waited for; the writer then appends an
// "audit:DecisionsDropped" record with the count to that account's chain,
// so the log itself says what it is missing. Token grants, as frequent as
// decisions, are recorded the same way (OfferEvent). Thread-safe.
#ifndef IAM_AUDIT_DECISION_LOG_H_
#define IAM_AUDIT_DECISION_LOG_H_

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "iam/audit/audit_log.h"

namespace iam::audit {

inline constexpr char kDecisionAction[] = "authz:Decision";
inline constexpr char kDecisionsDroppedAction[] = "audit:DecisionsDropped";

struct DecisionRecord {
  std::string account_id;  // whose chain: the principal's account
  std::string principal;   // the principal's ARN, or "anonymous"
  std::string caller;      // the ARN of the service that asked
  std::string caller_ip;
  std::string action;      // the action checked, "s3:GetObject"
  std::string resource;
  std::string decision;    // "Allow", "ExplicitDeny", "ImplicitDeny"
  std::vector<std::string> reasons;
  std::string source_ip;   // aws:SourceIp of the check
};

struct DecisionLogStats {
  int64_t recorded = 0;
  int64_t dropped = 0;
  int64_t queued = 0;
};

class DecisionLog {
 public:
  DecisionLog(store::Database* db, const AuditLog* log, size_t capacity = 20000,
              size_t batch = 1000);
  ~DecisionLog();

  // Never blocks. False, and counted, when the queue is full or stopped.
  bool Offer(DecisionRecord d);
  // Any other record as frequent as decisions (an OAuth token grant), on
  // the same terms.
  bool OfferEvent(Event e);

  void Start();
  // Writes what is queued, then stops the writer.
  void Stop();
  // Waits until everything offered so far is written (or dropped), or a
  // write failed.
  void Flush();

  DecisionLogStats stats() const;

 private:
  void Run();
  // Appends one batch; decisions that cannot be written count as dropped.
  // False when some could not be written.
  bool Write(std::vector<Event> batch, std::map<std::string, int64_t> dropped);

  store::Database* db_;
  const AuditLog* log_;
  const size_t capacity_;
  const size_t batch_;

  mutable std::mutex mu_;
  std::condition_variable wake_;     // the writer: work or stop
  std::condition_variable drained_;  // Flush: the writer caught up
  std::deque<Event> queue_;                 // guarded by mu_
  std::map<std::string, int64_t> dropped_by_account_;  // not yet reported; guarded by mu_
  bool stopping_ = false;                            // guarded by mu_
  bool writing_ = false;                             // guarded by mu_
  int64_t failures_ = 0;                             // failed batches; guarded by mu_
  int flushing_ = 0;                                 // Flush() callers waiting; guarded by mu_
  std::atomic<int64_t> recorded_{0};
  std::atomic<int64_t> dropped_{0};
  std::thread writer_;
};

}  // namespace iam::audit

#endif  // IAM_AUDIT_DECISION_LOG_H_
