// Retention: removes each account's audit records older than its policy's
// retention_days, the only way records ever leave the log. For each account
// it marks how far it cuts (with the hash of the last record cut), deletes
// in bounded batches, then appends an "audit:PurgeRecords" checkpoint that
// carries that hash, so VerifyChain still proves the rest of the chain
// whole. An interrupted purge is finished by the next run. Stateless.
#ifndef IAM_AUDIT_RETENTION_H_
#define IAM_AUDIT_RETENTION_H_

#include "iam/audit/audit_log.h"

namespace iam::audit {

inline constexpr char kPurgeAction[] = "audit:PurgeRecords";

struct PurgeSummary {
  int64_t accounts = 0;  // accounts that lost records
  int64_t records = 0;
};

absl::StatusOr<PurgeSummary> PurgeExpired(store::Database& db, const AuditLog& log,
                                          const Clock& clock);

}  // namespace iam::audit

#endif  // IAM_AUDIT_RETENTION_H_
