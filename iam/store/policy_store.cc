#include "iam/store/policy_store.h"

#include "iam/common/status_macros.h"

namespace iam::store::account_policies {

absl::StatusOr<std::optional<std::string>> Get(Tx& tx, const std::string& account_id,
                                               const std::string& kind) {
  ASSIGN_OR_RETURN(auto rows,
                   tx.Query("SELECT body FROM account_policies WHERE account_id = ? AND kind = ?",
                            {account_id, kind}));
  if (rows.empty()) return std::optional<std::string>();
  return std::optional<std::string>(rows[0].Str(0));
}

absl::Status Put(Tx& tx, const std::string& account_id, const std::string& kind,
                 const std::string& body, int64_t now) {
  ASSIGN_OR_RETURN(int64_t n, tx.Exec("UPDATE account_policies SET body = ?, updated_at = ? "
                                      "WHERE account_id = ? AND kind = ?",
                                      {body, now, account_id, kind}));
  if (n > 0) return absl::OkStatus();
  absl::Status s = tx.Exec("INSERT INTO account_policies (account_id, kind, body, updated_at) "
                           "VALUES (?, ?, ?, ?)",
                           {account_id, kind, body, now})
                       .status();
  // A concurrent first write: run the transaction again, which then updates.
  if (absl::IsAlreadyExists(s)) return absl::AbortedError("policy created concurrently");
  return s;
}

absl::Status DeleteAllOfAccount(Tx& tx, const std::string& account_id) {
  return tx.Exec("DELETE FROM account_policies WHERE account_id = ?", {account_id}).status();
}

nlohmann::json WithDefaults(nlohmann::json defaults, const std::string& stored) {
  nlohmann::json doc = nlohmann::json::parse(stored, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return nlohmann::json::value_t::discarded;
  for (auto& [key, value] : doc.items()) defaults[key] = std::move(value);
  return defaults;
}

}  // namespace iam::store::account_policies
