// Rows of the foundation tables as plain structs. Times are milliseconds
// since the Unix epoch. No behaviour: rules live in the domain modules.
#ifndef IAM_STORE_RECORDS_H_
#define IAM_STORE_RECORDS_H_

#include <cstdint>
#include <optional>
#include <string>

#include "iam/store/states.h"

namespace iam::store {

struct AccountRow {
  std::string id;
  std::string name;
  std::string display_name;
  AccountState state = AccountState::kActive;
  bool is_system = false;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  std::optional<int64_t> closed_at;
  std::optional<int64_t> purged_at;
};

struct UserRow {
  std::string id;
  std::string account_id;
  std::string username;
  std::string display_name;
  std::optional<std::string> email_enc;    // sealed; see account/pii_cipher.h
  std::optional<std::string> email_index;  // keyed hash of the normalised email
  std::optional<std::string> phone_enc;
  bool is_admin = false;
  UserState state = UserState::kActive;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  UserKind kind = UserKind::kHuman;
};

struct GroupRow {
  std::string id;
  std::string account_id;
  std::string name;
  std::string description;
  int64_t created_at = 0;
};

struct AccessKeyRow {
  std::string id;
  std::string account_id;
  std::string user_id;
  std::string secret_hash;  // hex SHA-256 of the secret
  std::string description;
  std::string allowed_cidrs;  // comma-separated, normalised
  int64_t created_at = 0;
  std::optional<int64_t> expires_at;
  std::optional<int64_t> revoked_at;
  // The request-signing key, sealed (see account/request_signing.h).
  std::optional<std::string> signing_key_enc;
};

struct AuditRow {
  std::string account_id;
  int64_t seq = 0;
  int64_t at = 0;
  std::string actor;
  std::string action;
  std::string object_type;
  std::string object_id;
  std::string source_ip;
  std::string user_agent;
  std::string result;
  std::string detail;  // JSON
  std::string prev_hash;
  std::string hash;
};

}  // namespace iam::store

#endif  // IAM_STORE_RECORDS_H_
