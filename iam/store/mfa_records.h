// Rows of the MFA and device tables (schemas/*/0003_mfa.sql) as plain
// structs. Times are Unix milliseconds.
#ifndef IAM_STORE_MFA_RECORDS_H_
#define IAM_STORE_MFA_RECORDS_H_

#include <cstdint>
#include <optional>
#include <string>

#include "iam/store/states.h"

namespace iam::store {

struct MfaFactorRow {
  std::string user_id;
  std::string account_id;
  std::string secret_enc;  // sealed under the master key
  std::string algorithm;   // "SHA1", "SHA256", "SHA512"
  int digits = 6;
  int period = 30;
  bool active = false;
  int64_t last_step = -1;  // newest accepted time step
  int64_t created_at = 0;
  std::optional<int64_t> confirmed_at;
};

struct MfaTicketRow {
  std::string hash;  // SHA-256 of the ticket, hex
  std::string account_id;
  std::string user_id;
  std::string purpose;  // "verify" or "enroll"
  int64_t created_at = 0;
  int64_t expires_at = 0;
  int failures = 0;
  std::string client_type;
  std::string device_id;
  std::string source_ip;
  std::string user_agent;
  std::string audience;
  std::string risk;  // why the login looked unusual; empty when it did not
  std::string first_factor = "pwd";  // what the login proved before: "pwd" or "fed"
};

struct DeviceRow {
  std::string user_id;
  std::string device_id;
  std::string account_id;
  DeviceState state = DeviceState::kKnown;
  std::string token_hash;  // of the remembered-device token; empty when none
  int64_t trusted_until = 0;
  int64_t first_seen_at = 0;
  int64_t last_seen_at = 0;
  std::string last_ip;
  std::string user_agent;
  std::string approved_by;
  std::optional<int64_t> approved_at;
};

}  // namespace iam::store

#endif  // IAM_STORE_MFA_RECORDS_H_
