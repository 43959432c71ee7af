#include "iam/audit/retention.h"

#include <algorithm>

#include "iam/audit/audit_policy.h"
#include "iam/common/status_macros.h"
#include "iam/store/audit_store.h"
#include "iam/store/policy_store.h"

namespace iam::audit {
namespace {

constexpr int64_t kBatch = 10000;  // records deleted per transaction

// Purges one account; answers how many records it removed.
absl::StatusOr<int64_t> PurgeAccount(store::Database& db, const AuditLog& log,
                                     const std::string& account, int64_t now_ms) {
  // 1. How far to cut: the newest expired record, or an unfinished cut.
  store::audit::PurgeMark mark;
  AuditPolicy policy;
  RETURN_IF_ERROR(db.Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
    // Appends wait while the mark moves, so the cut is at a settled record.
    RETURN_IF_ERROR(store::audit::LockHead(tx, account).status());
    ASSIGN_OR_RETURN(policy, store::account_policies::Load<AuditPolicy>(tx, account, "audit"));
    ASSIGN_OR_RETURN(mark, store::audit::GetPurgeMark(tx, account));
    const int64_t cutoff = now_ms - int64_t{policy.retention_days} * 86400 * 1000;
    ASSIGN_OR_RETURN(int64_t expired, store::audit::LastSeqBefore(tx, account, cutoff));
    if (expired <= mark.through_seq) return absl::OkStatus();
    ASSIGN_OR_RETURN(store::AuditRow last, store::audit::Get(tx, account, expired));
    mark = {expired, last.hash, false};
    return store::audit::SetPurgeMark(tx, account, mark);
  }));
  if (mark.checkpointed) return 0;

  // 2. Delete in batches, oldest first.
  int64_t removed = 0;
  int64_t from = 0;
  RETURN_IF_ERROR(db.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto first, store::audit::ListAscending(tx, account, 0, 1));
    from = first.empty() ? mark.through_seq + 1 : first[0].seq;
    return absl::OkStatus();
  }));
  while (from <= mark.through_seq) {
    const int64_t to = std::min(mark.through_seq, from + kBatch - 1);
    int64_t n = 0;
    RETURN_IF_ERROR(db.Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
      ASSIGN_OR_RETURN(n, store::audit::DeleteRange(tx, account, from, to));
      return absl::OkStatus();
    }));
    removed += n;
    from = to + 1;
  }

  // 3. The checkpoint, and the mark that says it is written.
  RETURN_IF_ERROR(db.Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
    Event e;
    e.account_id = account;
    e.actor = "iamd";
    e.action = kPurgeAction;
    e.object_type = "audit-log";
    e.object_id = account;
    e.detail["through_seq"] = mark.through_seq;
    e.detail["cut_hash"] = mark.cut_hash;
    e.detail["records"] = removed;
    e.detail["retention_days"] = policy.retention_days;
    RETURN_IF_ERROR(log.Append(tx, e));
    mark.checkpointed = true;
    return store::audit::SetPurgeMark(tx, account, mark);
  }));
  return removed;
}

}  // namespace

absl::StatusOr<PurgeSummary> PurgeExpired(store::Database& db, const AuditLog& log,
                                          const Clock& clock) {
  std::vector<std::string> accounts;
  RETURN_IF_ERROR(db.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(accounts, store::audit::AccountsWithRecords(tx));
    return absl::OkStatus();
  }));
  PurgeSummary out;
  const int64_t now = ToUnixMillisUtc(clock.Now());
  for (const std::string& account : accounts) {
    ASSIGN_OR_RETURN(int64_t n, PurgeAccount(db, log, account, now));
    if (n > 0) {
      ++out.accounts;
      out.records += n;
    }
  }
  return out;
}

}  // namespace iam::audit
