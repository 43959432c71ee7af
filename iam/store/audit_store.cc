#include "iam/store/audit_store.h"

#include "iam/common/status_macros.h"

namespace iam::store::audit {

absl::StatusOr<Head> LockHead(Tx& tx, const std::string& account_id) {
  // An UPDATE that changes nothing still takes the row's write lock (MySQL)
  // and the database write lock (SQLite), so concurrent appenders queue here.
  ASSIGN_OR_RETURN(int64_t n, tx.Exec("UPDATE audit_heads SET seq = seq WHERE account_id = ?",
                                      {account_id}));
  if (n == 0) {
    absl::Status s = tx.Exec("INSERT INTO audit_heads (account_id, seq, hash) VALUES (?, 0, '')",
                             {account_id})
                         .status();
    // Another transaction created the head first: start over, and queue.
    if (absl::IsAlreadyExists(s)) return absl::AbortedError("audit head created concurrently");
    RETURN_IF_ERROR(s);
  }
  return GetHead(tx, account_id);
}

absl::StatusOr<Head> GetHead(Tx& tx, const std::string& account_id) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT seq, hash FROM audit_heads WHERE account_id = ?",
                                       {account_id}));
  if (rows.empty()) return Head{};
  return Head{rows[0].Int(0), rows[0].Str(1)};
}

absl::Status SetHead(Tx& tx, const std::string& account_id, const Head& head) {
  return tx.Exec("UPDATE audit_heads SET seq = ?, hash = ? WHERE account_id = ?",
                 {head.seq, head.hash, account_id})
      .status();
}

absl::Status Insert(Tx& tx, const AuditRow& r) {
  return tx
      .Exec("INSERT INTO audit_log (account_id, seq, at, actor, action, object_type, object_id, "
            "source_ip, user_agent, result, detail, prev_hash, hash) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            {r.account_id, r.seq, r.at, r.actor, r.action, r.object_type, r.object_id,
             r.source_ip, r.user_agent, r.result, r.detail, r.prev_hash, r.hash})
      .status();
}

absl::StatusOr<std::vector<AuditRow>> ListAscending(Tx& tx, const std::string& account_id,
                                                    int64_t after_seq, int limit) {
  ASSIGN_OR_RETURN(
      auto rows,
      tx.Query("SELECT account_id, seq, at, actor, action, object_type, object_id, source_ip, "
               "user_agent, result, detail, prev_hash, hash FROM audit_log "
               "WHERE account_id = ? AND seq > ? ORDER BY seq LIMIT ?",
               {account_id, after_seq, int64_t{limit}}));
  std::vector<AuditRow> out;
  for (const Row& r : rows) {
    out.push_back(AuditRow{r.Str(0), r.Int(1), r.Int(2), r.Str(3), r.Str(4), r.Str(5), r.Str(6),
                           r.Str(7), r.Str(8), r.Str(9), r.Str(10), r.Str(11), r.Str(12)});
  }
  return out;
}

}  // namespace iam::store::audit
