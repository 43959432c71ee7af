#include "iam/store/mfa_store.h"

#include "iam/common/status_macros.h"

namespace iam::store::mfa {
namespace {

constexpr char kFactorSelect[] =
    "SELECT user_id, account_id, secret_enc, algorithm, digits, period, active, last_step, "
    "created_at, confirmed_at FROM mfa_factors WHERE user_id = ?";

constexpr char kTicketSelect[] =
    "SELECT hash, account_id, user_id, purpose, created_at, expires_at, failures, client_type, "
    "device_id, source_ip, user_agent, audience, risk, first_factor FROM mfa_tickets WHERE hash = ?";

MfaFactorRow FactorFrom(const Row& r) {
  MfaFactorRow f;
  f.user_id = r.Str(0);
  f.account_id = r.Str(1);
  f.secret_enc = r.Str(2);
  f.algorithm = r.Str(3);
  f.digits = static_cast<int>(r.Int(4));
  f.period = static_cast<int>(r.Int(5));
  f.active = r.Int(6) != 0;
  f.last_step = r.Int(7);
  f.created_at = r.Int(8);
  f.confirmed_at = r.OptInt(9);
  return f;
}

MfaTicketRow TicketFrom(const Row& r) {
  MfaTicketRow t;
  t.hash = r.Str(0);
  t.account_id = r.Str(1);
  t.user_id = r.Str(2);
  t.purpose = r.Str(3);
  t.created_at = r.Int(4);
  t.expires_at = r.Int(5);
  t.failures = static_cast<int>(r.Int(6));
  t.client_type = r.Str(7);
  t.device_id = r.Str(8);
  t.source_ip = r.Str(9);
  t.user_agent = r.Str(10);
  t.audience = r.Str(11);
  t.risk = r.Str(12);
  t.first_factor = r.Str(13);
  return t;
}

}  // namespace

absl::StatusOr<std::optional<MfaFactorRow>> GetFactor(Tx& tx, const std::string& user_id) {
  ASSIGN_OR_RETURN(auto rows, tx.Query(kFactorSelect, {user_id}));
  if (rows.empty()) return std::optional<MfaFactorRow>();
  return std::optional<MfaFactorRow>(FactorFrom(rows[0]));
}

absl::StatusOr<std::optional<MfaFactorRow>> LockFactor(Tx& tx, const std::string& user_id) {
  RETURN_IF_ERROR(
      tx.Exec("UPDATE mfa_factors SET last_step = last_step WHERE user_id = ?", {user_id})
          .status());
  return GetFactor(tx, user_id);
}

absl::Status PutFactor(Tx& tx, const MfaFactorRow& f) {
  RETURN_IF_ERROR(DeleteFactor(tx, f.user_id).status());
  absl::Status s =
      tx.Exec("INSERT INTO mfa_factors (user_id, account_id, secret_enc, algorithm, digits, "
              "period, active, last_step, created_at, confirmed_at) "
              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
              {f.user_id, f.account_id, f.secret_enc, f.algorithm, int64_t{f.digits},
               int64_t{f.period}, int64_t{f.active}, f.last_step, f.created_at,
               NullOr(f.confirmed_at)})
          .status();
  if (absl::IsAlreadyExists(s)) return absl::AbortedError("factor written concurrently");
  return s;
}

absl::StatusOr<int64_t> DeleteFactor(Tx& tx, const std::string& user_id) {
  return tx.Exec("DELETE FROM mfa_factors WHERE user_id = ?", {user_id});
}

absl::Status ReplaceRecoveryCodes(Tx& tx, const std::string& account_id,
                                  const std::string& user_id,
                                  const std::vector<std::string>& hashes, int64_t now) {
  RETURN_IF_ERROR(DeleteRecoveryCodes(tx, user_id));
  for (const std::string& h : hashes) {
    RETURN_IF_ERROR(tx.Exec("INSERT INTO recovery_codes (user_id, code_hash, account_id, "
                            "created_at, used_at) VALUES (?, ?, ?, ?, NULL)",
                            {user_id, h, account_id, now})
                        .status());
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> UseRecoveryCode(Tx& tx, const std::string& user_id, const std::string& hash,
                                     int64_t now) {
  ASSIGN_OR_RETURN(int64_t n, tx.Exec("UPDATE recovery_codes SET used_at = ? WHERE user_id = ? "
                                      "AND code_hash = ? AND used_at IS NULL",
                                      {now, user_id, hash}));
  return n == 1;
}

absl::StatusOr<int> CountUnusedRecoveryCodes(Tx& tx, const std::string& user_id) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT COUNT(*) FROM recovery_codes WHERE user_id = ? "
                                       "AND used_at IS NULL",
                                       {user_id}));
  return rows.empty() ? 0 : static_cast<int>(rows[0].Int(0));
}

absl::Status DeleteRecoveryCodes(Tx& tx, const std::string& user_id) {
  return tx.Exec("DELETE FROM recovery_codes WHERE user_id = ?", {user_id}).status();
}

absl::Status PutTicket(Tx& tx, const MfaTicketRow& t) {
  return tx
      .Exec("INSERT INTO mfa_tickets (hash, account_id, user_id, purpose, created_at, "
            "expires_at, failures, client_type, device_id, source_ip, user_agent, audience, "
            "risk, first_factor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            {t.hash, t.account_id, t.user_id, t.purpose, t.created_at, t.expires_at,
             int64_t{t.failures}, t.client_type, t.device_id, t.source_ip, t.user_agent,
             t.audience, t.risk, t.first_factor})
      .status();
}

absl::StatusOr<std::optional<MfaTicketRow>> LockTicket(Tx& tx, const std::string& hash) {
  RETURN_IF_ERROR(
      tx.Exec("UPDATE mfa_tickets SET failures = failures WHERE hash = ?", {hash}).status());
  ASSIGN_OR_RETURN(auto rows, tx.Query(kTicketSelect, {hash}));
  if (rows.empty()) return std::optional<MfaTicketRow>();
  return std::optional<MfaTicketRow>(TicketFrom(rows[0]));
}

absl::Status SetTicketFailures(Tx& tx, const std::string& hash, int failures) {
  return tx.Exec("UPDATE mfa_tickets SET failures = ? WHERE hash = ?", {int64_t{failures}, hash})
      .status();
}

absl::Status DeleteTicket(Tx& tx, const std::string& hash) {
  return tx.Exec("DELETE FROM mfa_tickets WHERE hash = ?", {hash}).status();
}

absl::Status DeleteTicketsOfUser(Tx& tx, const std::string& user_id) {
  return tx.Exec("DELETE FROM mfa_tickets WHERE user_id = ?", {user_id}).status();
}

absl::StatusOr<int64_t> PruneTickets(Tx& tx, int64_t now) {
  return tx.Exec("DELETE FROM mfa_tickets WHERE expires_at <= ?", {now});
}

absl::Status DeleteOfUser(Tx& tx, const std::string& user_id) {
  RETURN_IF_ERROR(DeleteFactor(tx, user_id).status());
  RETURN_IF_ERROR(DeleteRecoveryCodes(tx, user_id));
  return DeleteTicketsOfUser(tx, user_id);
}

absl::Status DeleteAllOfAccount(Tx& tx, const std::string& account_id) {
  for (const char* table : {"mfa_factors", "recovery_codes", "mfa_tickets"}) {
    RETURN_IF_ERROR(tx.Exec(std::string("DELETE FROM ") + table + " WHERE account_id = ?",
                            {account_id})
                        .status());
  }
  return absl::OkStatus();
}

}  // namespace iam::store::mfa
