// SessionPolicy: an account's rules for login sessions: idle timeout and
// absolute lifetime per client type, concurrent-login limits (per user and
// per client type) with what happens on overflow, the access token lifetime,
// and whether a password change ends every session. Plain data.
#ifndef IAM_SESSION_SESSION_POLICY_H_
#define IAM_SESSION_SESSION_POLICY_H_

#include <array>
#include <nlohmann/json.hpp>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace iam::session {

inline constexpr std::array<const char*, 3> kClientTypes = {"web", "mobile", "api"};

struct ClientSessionRules {
  int idle_timeout_seconds = 0;       // 0 = no idle timeout
  int absolute_lifetime_seconds = 0;  // > 0
  int max_sessions = 0;               // per user and client type, 0 = no limit

  template <typename Self, typename Field>
  static void Fields(Self& self, Field&& field) {
    field("idle_timeout_seconds", self.idle_timeout_seconds);
    field("absolute_lifetime_seconds", self.absolute_lifetime_seconds);
    field("max_sessions", self.max_sessions);
  }
};

struct SessionPolicy {
  ClientSessionRules web{30 * 60, 10 * 3600, 0};
  ClientSessionRules mobile{0, 30 * 86400, 0};
  ClientSessionRules api{60 * 60, 24 * 3600, 0};
  int max_sessions_per_user = 0;          // across client types, 0 = no limit
  std::string on_limit = "evict_oldest";  // or "refuse"
  int access_token_ttl_seconds = 600;
  bool revoke_on_password_change = true;

  // nullptr for an unknown client type.
  const ClientSessionRules* Rules(absl::string_view client_type) const;

  // The document's fields, declared once: see common/json_fields.h.
  template <typename Self, typename Field>
  static void Fields(Self& self, Field&& field) {
    field("web", self.web);
    field("mobile", self.mobile);
    field("api", self.api);
    field("max_sessions_per_user", self.max_sessions_per_user);
    field("on_limit", self.on_limit);
    field("access_token_ttl_seconds", self.access_token_ttl_seconds);
    field("revoke_on_password_change", self.revoke_on_password_change);
  }

  nlohmann::json ToJson() const;
  // Every field must be present. INVALID_ARGUMENT naming the field.
  static absl::StatusOr<SessionPolicy> FromJson(const nlohmann::json& j);
  absl::Status Validate() const;
};

// The longest access token lifetime any account may choose; signing keys
// stay published at least this long after they stop signing.
inline constexpr int kMaxAccessTokenTtlSeconds = 3600;

}  // namespace iam::session

#endif  // IAM_SESSION_SESSION_POLICY_H_
