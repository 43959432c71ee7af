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

namespace {

constexpr char kColumns[] =
    "SELECT account_id, seq, at, actor, action, object_type, object_id, source_ip, user_agent, "
    "result, detail, prev_hash, hash FROM audit_log ";

std::vector<AuditRow> Rows(const std::vector<Row>& rows) {
  std::vector<AuditRow> out;
  out.reserve(rows.size());
  for (const Row& r : rows) {
    out.push_back(AuditRow{r.Str(0), r.Int(1), r.Int(2), r.Str(3), r.Str(4), r.Str(5), r.Str(6),
                           r.Str(7), r.Str(8), r.Str(9), r.Str(10), r.Str(11), r.Str(12)});
  }
  return out;
}

// The WHERE clause of a search, every value bound as a parameter.
std::string Where(const std::string& account_id, const AuditFilter& f, std::vector<Value>* params) {
  std::string sql = "WHERE account_id = ?";
  params->push_back(account_id);
  auto equals = [&](const char* column, const std::string& value) {
    if (value.empty()) return;
    sql += std::string(" AND ") + column + " = ?";
    params->push_back(value);
  };
  if (f.from_ms > 0) {
    sql += " AND at >= ?";
    params->emplace_back(std::in_place_type<int64_t>, f.from_ms);
  }
  if (f.to_ms > 0) {
    sql += " AND at < ?";
    params->emplace_back(std::in_place_type<int64_t>, f.to_ms);
  }
  equals("actor", f.actor);
  equals("action", f.action);
  if (!f.action_prefix.empty()) {
    // A range, not LIKE: byte-wise and free of wildcard escaping on both
    // backends. The bound just above every string with the prefix is the
    // prefix with its last byte raised.
    std::string upper = f.action_prefix;
    upper.back() = static_cast<char>(static_cast<unsigned char>(upper.back()) + 1);
    sql += " AND action >= ? AND action < ?";
    params->push_back(f.action_prefix);
    params->push_back(upper);
  }
  equals("object_type", f.object_type);
  equals("object_id", f.object_id);
  equals("result", f.result);
  equals("source_ip", f.source_ip);
  return sql;
}

}  // namespace

absl::StatusOr<std::vector<AuditRow>> ListAscending(Tx& tx, const std::string& account_id,
                                                    int64_t after_seq, int limit) {
  return FindAscending(tx, account_id, AuditFilter{}, after_seq, limit);
}

absl::StatusOr<std::vector<AuditRow>> FindDescending(Tx& tx, const std::string& account_id,
                                                     const AuditFilter& filter,
                                                     int64_t before_seq, int limit) {
  std::vector<Value> params;
  std::string sql = kColumns + Where(account_id, filter, &params);
  if (before_seq > 0) {
    sql += " AND seq < ?";
    params.emplace_back(std::in_place_type<int64_t>, before_seq);
  }
  sql += " ORDER BY seq DESC LIMIT ?";
  params.emplace_back(std::in_place_type<int64_t>, limit);
  ASSIGN_OR_RETURN(auto rows, tx.Query(sql, params));
  return Rows(rows);
}

absl::StatusOr<std::vector<AuditRow>> FindAscending(Tx& tx, const std::string& account_id,
                                                    const AuditFilter& filter, int64_t after_seq,
                                                    int limit) {
  std::vector<Value> params;
  std::string sql = kColumns + Where(account_id, filter, &params) + " AND seq > ?";
  params.emplace_back(std::in_place_type<int64_t>, after_seq);
  sql += " ORDER BY seq LIMIT ?";
  params.emplace_back(std::in_place_type<int64_t>, limit);
  ASSIGN_OR_RETURN(auto rows, tx.Query(sql, params));
  return Rows(rows);
}

absl::StatusOr<std::vector<std::string>> AccountsWithRecords(Tx& tx) {
  ASSIGN_OR_RETURN(auto rows,
                   tx.Query("SELECT account_id FROM audit_heads WHERE seq > 0 ORDER BY account_id",
                            {}));
  std::vector<std::string> out;
  for (const Row& r : rows) out.push_back(r.Str(0));
  return out;
}

absl::StatusOr<int64_t> LastSeqBefore(Tx& tx, const std::string& account_id, int64_t at_ms) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT MAX(seq) FROM audit_log WHERE account_id = ? "
                                       "AND at < ?",
                                       {account_id, at_ms}));
  if (rows.empty() || rows[0].IsNull(0)) return 0;
  return rows[0].Int(0);
}

absl::StatusOr<AuditRow> Get(Tx& tx, const std::string& account_id, int64_t seq) {
  ASSIGN_OR_RETURN(auto rows, tx.Query(std::string(kColumns) + "WHERE account_id = ? AND seq = ?",
                                       {account_id, seq}));
  if (rows.empty()) return absl::NotFoundError("audit record not found");
  return Rows(rows)[0];
}

absl::StatusOr<PurgeMark> GetPurgeMark(Tx& tx, const std::string& account_id) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT through_seq, cut_hash, checkpointed FROM "
                                       "audit_purges WHERE account_id = ?",
                                       {account_id}));
  if (rows.empty()) return PurgeMark{};
  return PurgeMark{rows[0].Int(0), rows[0].Str(1), rows[0].Int(2) != 0};
}

absl::Status SetPurgeMark(Tx& tx, const std::string& account_id, const PurgeMark& mark) {
  // Not "UPDATE, then INSERT when nothing changed": MySQL counts an UPDATE
  // to the same values as no change.
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT 1 FROM audit_purges WHERE account_id = ?",
                                       {account_id}));
  const int64_t checkpointed = mark.checkpointed ? 1 : 0;
  if (!rows.empty()) {
    return tx.Exec("UPDATE audit_purges SET through_seq = ?, cut_hash = ?, checkpointed = ? "
                   "WHERE account_id = ?",
                   {mark.through_seq, mark.cut_hash, checkpointed, account_id})
        .status();
  }
  return tx.Exec("INSERT INTO audit_purges (account_id, through_seq, cut_hash, checkpointed) "
                 "VALUES (?, ?, ?, ?)",
                 {account_id, mark.through_seq, mark.cut_hash, checkpointed})
      .status();
}

absl::StatusOr<int64_t> DeleteRange(Tx& tx, const std::string& account_id, int64_t from_seq,
                                    int64_t to_seq) {
  return tx.Exec("DELETE FROM audit_log WHERE account_id = ? AND seq >= ? AND seq <= ?",
                 {account_id, from_seq, to_seq});
}

}  // namespace iam::store::audit
