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
