#include "iam/store/authz_version_store.h"

#include "iam/common/status_macros.h"

namespace iam::store::authz_versions {
namespace {

absl::Status Increment(Tx& tx, const std::string& scope) {
  ASSIGN_OR_RETURN(int64_t n, tx.Exec("UPDATE authz_versions SET version = version + 1 "
                                      "WHERE scope = ?",
                                      {scope}));
  if (n > 0) return absl::OkStatus();
  absl::Status s =
      tx.Exec("INSERT INTO authz_versions (scope, version) VALUES (?, 1)", {scope}).status();
  // Another transaction created the row meanwhile: count on top of it.
  if (absl::IsAlreadyExists(s)) {
    return tx.Exec("UPDATE authz_versions SET version = version + 1 WHERE scope = ?", {scope})
        .status();
  }
  return s;
}

}  // namespace

absl::StatusOr<int64_t> Bump(Tx& tx, const std::string& scope) {
  RETURN_IF_ERROR(Increment(tx, scope));
  if (scope != kAnyScope) RETURN_IF_ERROR(Increment(tx, kAnyScope));
  return Read(tx, scope);
}

absl::StatusOr<int64_t> Read(Tx& tx, const std::string& scope) {
  ASSIGN_OR_RETURN(auto rows,
                   tx.Query("SELECT version FROM authz_versions WHERE scope = ?", {scope}));
  return rows.empty() ? 0 : rows[0].Int(0);
}

absl::StatusOr<std::vector<std::pair<std::string, int64_t>>> ReadAll(Tx& tx) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT scope, version FROM authz_versions", {}));
  std::vector<std::pair<std::string, int64_t>> out;
  out.reserve(rows.size());
  for (const Row& r : rows) out.emplace_back(r.Str(0), r.Int(1));
  return out;
}

absl::Status DeleteScope(Tx& tx, const std::string& scope) {
  return tx.Exec("DELETE FROM authz_versions WHERE scope = ?", {scope}).status();
}

}  // namespace iam::store::authz_versions
