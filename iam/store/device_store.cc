#include "iam/store/device_store.h"

#include "iam/common/status_macros.h"

namespace iam::store::devices {
namespace {

constexpr char kSelect[] =
    "SELECT user_id, device_id, account_id, state, token_hash, trusted_until, first_seen_at, "
    "last_seen_at, last_ip, user_agent, approved_by, approved_at FROM user_devices ";

DeviceRow From(const Row& r) {
  DeviceRow d;
  d.user_id = r.Str(0);
  d.device_id = r.Str(1);
  d.account_id = r.Str(2);
  // A state this build does not know fails closed: the device is revoked.
  d.state = ParseDeviceState(r.Str(3)).value_or(DeviceState::kRevoked);
  d.token_hash = r.Str(4);
  d.trusted_until = r.Int(5);
  d.first_seen_at = r.Int(6);
  d.last_seen_at = r.Int(7);
  d.last_ip = r.Str(8);
  d.user_agent = r.Str(9);
  d.approved_by = r.Str(10);
  d.approved_at = r.OptInt(11);
  return d;
}

}  // namespace

absl::StatusOr<std::optional<DeviceRow>> Get(Tx& tx, const std::string& user_id,
                                             const std::string& device_id) {
  ASSIGN_OR_RETURN(auto rows, tx.Query(std::string(kSelect) + "WHERE user_id = ? AND device_id = ?",
                                       {user_id, device_id}));
  if (rows.empty()) return std::optional<DeviceRow>();
  return std::optional<DeviceRow>(From(rows[0]));
}

absl::Status Put(Tx& tx, const DeviceRow& d) {
  ASSIGN_OR_RETURN(
      int64_t n,
      tx.Exec("UPDATE user_devices SET state = ?, token_hash = ?, trusted_until = ?, "
              "last_seen_at = ?, last_ip = ?, user_agent = ?, approved_by = ?, "
              "approved_at = ? WHERE user_id = ? AND device_id = ?",
              {Name(d.state), d.token_hash, d.trusted_until, d.last_seen_at, d.last_ip,
               d.user_agent, d.approved_by, NullOr(d.approved_at), d.user_id, d.device_id}));
  if (n > 0) return absl::OkStatus();
  absl::Status s =
      tx.Exec(
            "INSERT INTO user_devices (user_id, device_id, account_id, state, token_hash, "
            "trusted_until, first_seen_at, last_seen_at, last_ip, user_agent, approved_by, "
            "approved_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            {d.user_id, d.device_id, d.account_id, Name(d.state), d.token_hash, d.trusted_until,
             d.first_seen_at, d.last_seen_at, d.last_ip, d.user_agent, d.approved_by,
             NullOr(d.approved_at)})
          .status();
  if (absl::IsAlreadyExists(s)) return absl::AbortedError("device written concurrently");
  return s;
}

absl::StatusOr<std::vector<DeviceRow>> ListOfUser(Tx& tx, const std::string& user_id, int limit) {
  ASSIGN_OR_RETURN(auto rows,
                   tx.Query(std::string(kSelect) + "WHERE user_id = ? ORDER BY last_seen_at DESC, "
                                                   "device_id LIMIT ?",
                            {user_id, int64_t{limit}}));
  std::vector<DeviceRow> out;
  for (const Row& r : rows) out.push_back(From(r));
  return out;
}

absl::StatusOr<int> CountOfUser(Tx& tx, const std::string& user_id) {
  ASSIGN_OR_RETURN(auto rows,
                   tx.Query("SELECT COUNT(*) FROM user_devices WHERE user_id = ?", {user_id}));
  return rows.empty() ? 0 : static_cast<int>(rows[0].Int(0));
}

absl::Status Prune(Tx& tx, const std::string& user_id, int64_t cutoff, int keep) {
  RETURN_IF_ERROR(tx.Exec("DELETE FROM user_devices WHERE user_id = ? AND last_seen_at < ? AND "
                          "state IN ('known', 'revoked') AND trusted_until < ?",
                          {user_id, cutoff, cutoff})
                      .status());
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT device_id FROM user_devices WHERE user_id = ? AND "
                                       "state = 'known' ORDER BY last_seen_at DESC, device_id",
                                       {user_id}));
  for (size_t i = static_cast<size_t>(keep); i < rows.size(); ++i) {
    RETURN_IF_ERROR(tx.Exec("DELETE FROM user_devices WHERE user_id = ? AND device_id = ?",
                            {user_id, rows[i].Str(0)})
                        .status());
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> KnownPrefix(Tx& tx, const std::string& user_id, const std::string& prefix,
                                 int64_t since) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT 1 FROM login_prefixes WHERE user_id = ? AND "
                                       "prefix = ? AND last_seen_at >= ?",
                                       {user_id, prefix, since}));
  return !rows.empty();
}

absl::Status TouchPrefix(Tx& tx, const std::string& account_id, const std::string& user_id,
                         const std::string& prefix, int64_t now) {
  ASSIGN_OR_RETURN(int64_t n, tx.Exec("UPDATE login_prefixes SET last_seen_at = ? WHERE "
                                      "user_id = ? AND prefix = ?",
                                      {now, user_id, prefix}));
  if (n > 0) return absl::OkStatus();
  absl::Status s = tx.Exec(
                         "INSERT INTO login_prefixes (user_id, prefix, account_id, "
                         "last_seen_at) VALUES (?, ?, ?, ?)",
                         {user_id, prefix, account_id, now})
                       .status();
  if (absl::IsAlreadyExists(s)) return absl::AbortedError("prefix written concurrently");
  return s;
}

absl::Status TrimPrefixes(Tx& tx, const std::string& user_id, int keep) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT prefix FROM login_prefixes WHERE user_id = ? "
                                       "ORDER BY last_seen_at DESC, prefix",
                                       {user_id}));
  for (size_t i = static_cast<size_t>(keep); i < rows.size(); ++i) {
    RETURN_IF_ERROR(tx.Exec("DELETE FROM login_prefixes WHERE user_id = ? AND prefix = ?",
                            {user_id, rows[i].Str(0)})
                        .status());
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<std::string>> GetUserAllowlist(Tx& tx, const std::string& user_id) {
  ASSIGN_OR_RETURN(auto rows,
                   tx.Query("SELECT cidrs FROM user_ip_allowlists WHERE user_id = ?", {user_id}));
  if (rows.empty()) return std::optional<std::string>();
  return std::optional<std::string>(rows[0].Str(0));
}

absl::Status PutUserAllowlist(Tx& tx, const std::string& account_id, const std::string& user_id,
                              const std::string& cidrs_json, int64_t now) {
  RETURN_IF_ERROR(tx.Exec("DELETE FROM user_ip_allowlists WHERE user_id = ?", {user_id}).status());
  if (cidrs_json.empty()) return absl::OkStatus();
  return tx
      .Exec(
          "INSERT INTO user_ip_allowlists (user_id, account_id, cidrs, updated_at) "
          "VALUES (?, ?, ?, ?)",
          {user_id, account_id, cidrs_json, now})
      .status();
}

absl::Status DeleteOfUser(Tx& tx, const std::string& user_id) {
  for (const char* table : {"user_devices", "login_prefixes", "user_ip_allowlists"}) {
    RETURN_IF_ERROR(
        tx.Exec(std::string("DELETE FROM ") + table + " WHERE user_id = ?", {user_id}).status());
  }
  return absl::OkStatus();
}

absl::Status DeleteAllOfAccount(Tx& tx, const std::string& account_id) {
  for (const char* table : {"user_devices", "login_prefixes", "user_ip_allowlists"}) {
    RETURN_IF_ERROR(
        tx.Exec(std::string("DELETE FROM ") + table + " WHERE account_id = ?", {account_id})
            .status());
  }
  return absl::OkStatus();
}

}  // namespace iam::store::devices
