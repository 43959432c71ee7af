// Rows of the authentication tables (schemas/*/0002_auth.sql) as plain
// structs. Times are Unix milliseconds.
#ifndef IAM_STORE_AUTH_RECORDS_H_
#define IAM_STORE_AUTH_RECORDS_H_

#include <cstdint>
#include <optional>
#include <string>

namespace iam::store {

struct PasswordRow {
  std::string user_id;
  std::string account_id;
  std::string hash;  // PHC string
  int64_t changed_at = 0;
  bool must_change = false;
  // Since when a login found it in the risk list; a new password clears it.
  std::optional<int64_t> at_risk_since;
};

struct CounterRow {
  std::string scope;    // account id, "ip" or "device"
  std::string subject;  // "user:<id>", "name:<index>", an address, a device id
  int failures = 0;
  int64_t last_failure_at = 0;
  int lockouts = 0;
  int64_t locked_until = 0;
  bool permanent = false;
};

struct LoginStateRow {
  std::string user_id;
  std::string account_id;
  std::optional<int64_t> last_at;
  std::string last_ip;
  std::string last_device;
  std::string last_client;
};

struct SessionRow {
  std::string id;
  std::string account_id;
  std::string user_id;
  std::string client_type;
  std::string device_id;
  std::string source_ip;
  std::string user_agent;
  std::string amr;  // comma-separated
  int64_t auth_time = 0;
  int64_t created_at = 0;
  int64_t last_seen_at = 0;
  int64_t idle_expires_at = 0;
  int64_t expires_at = 0;
  std::optional<int64_t> revoked_at;
  std::string revoke_reason;

  bool LiveAt(int64_t now) const {
    return !revoked_at && expires_at > now && idle_expires_at > now;
  }
};

struct SigningKeyRow {
  std::string kid;
  std::string alg;
  std::string private_enc;
  std::string public_jwk;
  int64_t created_at = 0;
  std::optional<int64_t> retired_at;
  std::optional<int64_t> publish_until;
};

}  // namespace iam::store

#endif  // IAM_STORE_AUTH_RECORDS_H_
