#include "iam/store/database.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "iam/common/status_macros.h"

namespace iam::store {

int64_t Row::Int(size_t i) const {
  if (const auto* v = std::get_if<int64_t>(&values_[i])) return *v;
  if (const auto* s = std::get_if<std::string>(&values_[i])) {
    int64_t out = 0;
    if (absl::SimpleAtoi(*s, &out)) return out;
  }
  return 0;
}

std::string Row::Str(size_t i) const {
  if (const auto* s = std::get_if<std::string>(&values_[i])) return *s;
  if (const auto* v = std::get_if<int64_t>(&values_[i])) return absl::StrCat(*v);
  return "";
}

std::optional<int64_t> Row::OptInt(size_t i) const {
  if (IsNull(i)) return std::nullopt;
  return Int(i);
}

std::optional<std::string> Row::OptStr(size_t i) const {
  if (IsNull(i)) return std::nullopt;
  return Str(i);
}

absl::StatusOr<int64_t> ReadOnlyTx::Exec(absl::string_view sql, const std::vector<Value>&) {
  // The statement's text only names the defect's place; it holds no values.
  return absl::InternalError(
      absl::StrCat("a read transaction may not write: ", sql.substr(0, 60)));
}

absl::Status RunInMode(TxMode mode, Tx& tx, const std::function<absl::Status(Tx&)>& fn) {
  if (mode == TxMode::kWrite) return fn(tx);
  ReadOnlyTx read_only(tx);
  return fn(read_only);
}

namespace {

// The joined transaction open on this thread, if any.
struct Joined {
  Database* db;
  Tx* tx;
  TxMode mode;
  std::vector<std::function<void()>> after_commit;
};
thread_local Joined* current_join = nullptr;

// What a joined dry run returns from inside its transaction to have it
// rolled back; never seen outside TransactJoined.
absl::Status DryRunRollback() { return absl::CancelledError("dry run: rolled back"); }

}  // namespace

absl::Status Database::Transact(TxMode mode, const std::function<absl::Status(Tx&)>& fn) {
  if (current_join != nullptr && current_join->db == this) {
    if (mode == TxMode::kWrite && current_join->mode == TxMode::kRead) {
      return absl::FailedPreconditionError("a write inside a read-only joined transaction");
    }
    return fn(*current_join->tx);
  }
  return RunTransaction(mode, fn);
}

absl::Status Database::TransactJoined(TxMode mode, bool commit,
                                      const std::function<absl::Status()>& fn) {
  if (current_join != nullptr) {
    return absl::FailedPreconditionError("a joined transaction is already open on this thread");
  }
  bool dry_run_done = false;
  std::vector<std::function<void()>> after;
  absl::Status s = RunTransaction(mode, [&](Tx& tx) -> absl::Status {
    Joined joined{this, &tx, mode, {}};
    current_join = &joined;
    absl::Status inner = fn();
    current_join = nullptr;
    after = std::move(joined.after_commit);  // this attempt's, not an earlier one's
    if (inner.ok() && !commit) {
      dry_run_done = true;
      return DryRunRollback();
    }
    return inner;
  });
  if (dry_run_done) return absl::OkStatus();
  if (s.ok()) {
    for (auto& then : after) then();
  }
  return s;
}

void Database::AfterCommit(std::function<void()> then) {
  if (current_join != nullptr && current_join->db == this) {
    current_join->after_commit.push_back(std::move(then));
    return;
  }
  then();
}

absl::StatusOr<int> Database::SchemaVersion() {
  int version = 0;
  RETURN_IF_ERROR(Transact(TxMode::kRead, [&](Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT MAX(version) FROM schema_version", {}));
    version = rows.empty() ? 0 : static_cast<int>(rows[0].Int(0));
    return absl::OkStatus();
  }));
  return version;
}

absl::Status CheckSchemaNotNewer(int current, const std::vector<Migration>& migrations) {
  const int known = migrations.empty() ? 0 : migrations.back().version;
  if (current > known) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the database schema is at version ", current, " but this iamd knows versions up to ",
        known, ": run a newer iamd (a downgrade is not supported)"));
  }
  return absl::OkStatus();
}

}  // namespace iam::store
