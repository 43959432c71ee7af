// AuditStore: the rows of the append-only audit log and the per-account head
// that serialises appends. There is no update or delete of audit_log here,
// and the database's triggers refuse them anyway. Stateless.
#ifndef IAM_STORE_AUDIT_STORE_H_
#define IAM_STORE_AUDIT_STORE_H_

#include <vector>

#include "iam/store/database.h"
#include "iam/store/records.h"

namespace iam::store::audit {

struct Head {
  int64_t seq = 0;   // 0 for an account with no record yet
  std::string hash;  // hash of record `seq`
};

// Takes the account's head row lock (creating the head when absent) and
// answers the head as it was: the caller appends record seq+1 and then
// calls SetHead before committing.
absl::StatusOr<Head> LockHead(Tx& tx, const std::string& account_id);
absl::Status SetHead(Tx& tx, const std::string& account_id, const Head& head);
absl::Status Insert(Tx& tx, const AuditRow& row);
// Records of the account with seq > after_seq, ascending, at most limit.
absl::StatusOr<std::vector<AuditRow>> ListAscending(Tx& tx, const std::string& account_id,
                                                    int64_t after_seq, int limit);
absl::StatusOr<Head> GetHead(Tx& tx, const std::string& account_id);

}  // namespace iam::store::audit

#endif  // IAM_STORE_AUDIT_STORE_H_
