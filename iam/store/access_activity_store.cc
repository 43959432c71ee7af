#include "iam/store/access_activity_store.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "iam/common/status_macros.h"
#include "iam/store/states.h"

namespace iam::store::access_activity {
namespace {

constexpr char kColumns[] =
    "SELECT account_id, principal_type, principal_id, action, last_used_at, granted_by, uses "
    "FROM access_activity ";

ActivityRow FromRow(const Row& r) {
  ActivityRow a;
  a.account_id = r.Str(0);
  a.principal = PrincipalOf(r.Str(1), r.Str(2));
  a.action = r.Str(3);
  a.last_used_at = r.Int(4);
  a.granted_by = r.Str(5);
  a.uses = r.Int(6);
  return a;
}

std::vector<ActivityRow> FromRows(const std::vector<Row>& rows) {
  std::vector<ActivityRow> out;
  out.reserve(rows.size());
  for (const Row& r : rows) out.push_back(FromRow(r));
  return out;
}

absl::StatusOr<int64_t> Update(Tx& tx, const ActivityRow& row, const std::string& key) {
  // granted_by and action are set before last_used_at: MySQL evaluates SET
  // from left to right with the values already assigned, SQLite with the
  // old ones; in this order both compare against the old last use.
  return tx.Exec(
      "UPDATE access_activity SET "
      "granted_by = CASE WHEN last_used_at < ? THEN ? ELSE granted_by END, "
      "action = CASE WHEN last_used_at < ? THEN ? ELSE action END, "
      "last_used_at = CASE WHEN last_used_at < ? THEN ? ELSE last_used_at END, "
      "uses = uses + ? "
      "WHERE account_id = ? AND principal_type = ? AND principal_id = ? AND action_key = ?",
      {row.last_used_at, row.granted_by, row.last_used_at, row.action, row.last_used_at,
       row.last_used_at, row.uses, row.account_id, std::string(Name(row.principal.type)),
       row.principal.id, key});
}

}  // namespace

absl::Status Merge(Tx& tx, const ActivityRow& row) {
  // Actions match case-insensitively, so one row per action whatever its case.
  const std::string key = absl::AsciiStrToLower(row.action);
  ASSIGN_OR_RETURN(int64_t n, Update(tx, row, key));
  if (n > 0) return absl::OkStatus();
  absl::Status s = tx.Exec(
                         "INSERT INTO access_activity (account_id, principal_type, principal_id, "
                         "action_key, action, last_used_at, granted_by, uses) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         {row.account_id, std::string(Name(row.principal.type)), row.principal.id,
                          key, row.action, row.last_used_at, row.granted_by, row.uses})
                       .status();
  // Another replica inserted it meanwhile: merge into its row.
  if (absl::IsAlreadyExists(s)) return Update(tx, row, key).status();
  return s;
}

absl::StatusOr<std::vector<ActivityRow>> ListOfPrincipal(Tx& tx, const std::string& account_id,
                                                         const PrincipalRef& principal) {
  ASSIGN_OR_RETURN(auto rows,
                   tx.Query(absl::StrCat(kColumns,
                                         "WHERE account_id = ? AND principal_type = ? AND "
                                         "principal_id = ? ORDER BY action_key"),
                            {account_id, std::string(Name(principal.type)), principal.id}));
  return FromRows(rows);
}

absl::StatusOr<std::vector<ActivityRow>> ListOfAccount(Tx& tx, const std::string& account_id) {
  ASSIGN_OR_RETURN(auto rows, tx.Query(absl::StrCat(kColumns,
                                                    "WHERE account_id = ? ORDER BY principal_type, "
                                                    "principal_id, action_key"),
                                       {account_id}));
  return FromRows(rows);
}

absl::Status DeleteAllOfAccount(Tx& tx, const std::string& account_id) {
  return tx.Exec("DELETE FROM access_activity WHERE account_id = ?", {account_id}).status();
}

absl::StatusOr<int64_t> EnsureTrackingStart(Tx& tx, int64_t now_ms) {
  ASSIGN_OR_RETURN(std::optional<int64_t> since, TrackingStart(tx));
  if (since) return *since;
  absl::Status s =
      tx.Exec("INSERT INTO access_tracking (name, since) VALUES ('started', ?)", {now_ms}).status();
  if (!s.ok() && !absl::IsAlreadyExists(s)) return s;
  ASSIGN_OR_RETURN(since, TrackingStart(tx));
  if (!since) return absl::InternalError("access_tracking: the start was not kept");
  return *since;
}

absl::StatusOr<std::optional<int64_t>> TrackingStart(Tx& tx) {
  ASSIGN_OR_RETURN(auto rows,
                   tx.Query("SELECT since FROM access_tracking WHERE name = 'started'", {}));
  if (rows.empty()) return std::optional<int64_t>();
  return std::optional<int64_t>(rows[0].Int(0));
}

}  // namespace iam::store::access_activity
