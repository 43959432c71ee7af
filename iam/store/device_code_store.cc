#include "iam/store/device_code_store.h"

#include "absl/strings/str_cat.h"
#include "iam/common/status_macros.h"

namespace iam::store::device_codes {
namespace {

constexpr char kColumns[] =
    "device_code_hash, user_code, account_id, client_id, scope, purpose, created_at, "
    "expires_at, interval_ms, last_poll_at, status, user_id, session_id, source_ip";

DeviceCodeRow RowOf(const Row& r) {
  return DeviceCodeRow{r.Str(0), r.Str(1), r.Str(2), r.Str(3),  r.Str(4),  r.Str(5),  r.Int(6),
                       r.Int(7), r.Int(8), r.Int(9), r.Str(10), r.Str(11), r.Str(12), r.Str(13)};
}

absl::StatusOr<std::optional<DeviceCodeRow>> One(Tx& tx, const char* column,
                                                 const std::string& value) {
  ASSIGN_OR_RETURN(
      auto rows,
      tx.Query(absl::StrCat("SELECT ", kColumns, " FROM oauth_device_codes WHERE ", column, " = ?"),
               {value}));
  if (rows.empty()) return std::nullopt;
  return RowOf(rows[0]);
}

}  // namespace

absl::Status Insert(Tx& tx, const DeviceCodeRow& d) {
  return tx
      .Exec(absl::StrCat("INSERT INTO oauth_device_codes (", kColumns,
                         ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
            {d.device_code_hash, d.user_code, d.account_id, d.client_id, d.scope, d.purpose,
             d.created_at, d.expires_at, d.interval_ms, d.last_poll_at, d.status, d.user_id,
             d.session_id, d.source_ip})
      .status();
}

absl::StatusOr<std::optional<DeviceCodeRow>> ByDeviceCode(Tx& tx, const std::string& hash) {
  return One(tx, "device_code_hash", hash);
}

absl::StatusOr<std::optional<DeviceCodeRow>> ByUserCode(Tx& tx, const std::string& user_code) {
  return One(tx, "user_code", user_code);
}

absl::StatusOr<int64_t> Decide(Tx& tx, const std::string& hash, const std::string& status,
                               const std::string& user_id, const std::string& session_id) {
  return tx.Exec(
      "UPDATE oauth_device_codes SET status = ?, user_id = ?, session_id = ? "
      "WHERE device_code_hash = ? AND status = 'pending'",
      {status, user_id, session_id, hash});
}

absl::StatusOr<int64_t> Use(Tx& tx, const std::string& hash) {
  return tx.Exec(
      "UPDATE oauth_device_codes SET status = 'used' WHERE device_code_hash = ? AND "
      "status = 'approved'",
      {hash});
}

absl::Status Polled(Tx& tx, const std::string& hash, int64_t now_ms, int64_t interval_ms) {
  return tx
      .Exec(
          "UPDATE oauth_device_codes SET last_poll_at = ?, interval_ms = ? "
          "WHERE device_code_hash = ?",
          {now_ms, interval_ms, hash})
      .status();
}

}  // namespace iam::store::device_codes
