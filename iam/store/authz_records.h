// Rows of the authorization tables as plain structs. Times are milliseconds
// since the Unix epoch. principal_type is "user", "group" or "role".
#ifndef IAM_STORE_AUTHZ_RECORDS_H_
#define IAM_STORE_AUTHZ_RECORDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "iam/store/states.h"

namespace iam::store {

struct ManagedPolicyRow {
  std::string id;
  std::string account_id;
  std::string name;
  std::string description;
  int64_t default_version = 1;
  int64_t next_version = 2;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

struct PolicyVersionRow {
  std::string policy_id;
  int64_t version = 0;
  std::string document;
  int64_t created_at = 0;
};

// A principal a policy can be bound to.
struct PrincipalRef {
  PrincipalType type = PrincipalType::kUser;
  std::string id;
  bool operator==(const PrincipalRef&) const = default;
};

// A principal as the store keeps it. A type this build does not know gets
// an empty id, which names no principal: such a row binds nothing.
inline PrincipalRef PrincipalOf(const std::string& type, std::string id) {
  auto t = ParsePrincipalType(type);
  return PrincipalRef{t.value_or(PrincipalType::kUser), t ? std::move(id) : std::string()};
}

struct InlinePolicyRow {
  PrincipalRef principal;
  std::string name;
  std::string account_id;
  std::string document;
  int64_t updated_at = 0;
};

struct AttachmentRow {
  std::string policy_id;  // a managed policy id, or "builtin:<Name>"
  PrincipalRef principal;
  std::string account_id;
  int64_t attached_at = 0;
};

struct BoundaryRow {
  PrincipalRef principal;
  std::string account_id;
  std::string policy_id;
  int64_t set_at = 0;
};

struct RoleRow {
  std::string id;
  std::string account_id;
  std::string name;
  std::string description;
  int64_t created_at = 0;
};

struct RoleAssignmentRow {
  std::string role_id;
  PrincipalRef principal;  // a user or a group
  std::string account_id;
  std::optional<int64_t> expires_at;
  int64_t assigned_at = 0;
  std::string assigned_by;
};

struct SodRuleRow {
  std::string id;
  std::string account_id;
  std::string name;
  std::vector<std::string> role_ids;
  int64_t created_at = 0;
};

struct TagRow {
  PrincipalRef principal;
  std::string key;
  std::string value;
  std::string account_id;
};

// A tag of a managed policy.
struct PolicyTagRow {
  std::string policy_id;
  std::string key;
  std::string value;
  std::string account_id;
};

// A resource policy (document) or an ACL (its JSON form) on a resource ARN.
struct ResourceDocRow {
  std::string resource;
  std::string account_id;
  std::string body;
  int64_t updated_at = 0;
};

}  // namespace iam::store

#endif  // IAM_STORE_AUTHZ_RECORDS_H_
