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

// Accounts that have an audit chain.
absl::StatusOr<std::vector<std::string>> AccountsWithRecords(Tx& tx);
// The newest record of the account written before at_ms; 0 when none.
absl::StatusOr<int64_t> LastSeqBefore(Tx& tx, const std::string& account_id, int64_t at_ms);
// One record; NOT_FOUND when absent.
absl::StatusOr<AuditRow> Get(Tx& tx, const std::string& account_id, int64_t seq);
// The purge mark: records at or below through_seq may be deleted (the
// triggers refuse any other delete); cut_hash is the hash of that record,
// and checkpointed says whether the checkpoint record was written.
struct PurgeMark {
  int64_t through_seq = 0;  // 0: never purged
  std::string cut_hash;
  bool checkpointed = true;
};
absl::StatusOr<PurgeMark> GetPurgeMark(Tx& tx, const std::string& account_id);
absl::Status SetPurgeMark(Tx& tx, const std::string& account_id, const PurgeMark& mark);
// Deletes the account's records with from_seq <= seq <= to_seq (all at or
// below the purge mark); answers how many.
absl::StatusOr<int64_t> DeleteRange(Tx& tx, const std::string& account_id, int64_t from_seq,
                                    int64_t to_seq);

// What a search keeps; empty fields match anything. Comparisons are exact
// and byte-wise on both backends.
struct AuditFilter {
  int64_t from_ms = 0;  // at >= from_ms
  int64_t to_ms = 0;    // at < to_ms; 0: no upper bound
  std::string actor;
  std::string action;
  std::string action_prefix;  // "iam:" keeps every iam action
  std::string object_type;
  std::string object_id;
  std::string result;
  std::string source_ip;
};

// Matching records of the account, newest first, with seq < before_seq
// (0: from the newest), at most limit.
absl::StatusOr<std::vector<AuditRow>> FindDescending(Tx& tx, const std::string& account_id,
                                                     const AuditFilter& filter,
                                                     int64_t before_seq, int limit);
// Matching records with seq > after_seq, oldest first, at most limit.
absl::StatusOr<std::vector<AuditRow>> FindAscending(Tx& tx, const std::string& account_id,
                                                    const AuditFilter& filter, int64_t after_seq,
                                                    int limit);

}  // namespace iam::store::audit

#endif  // IAM_STORE_AUDIT_STORE_H_
