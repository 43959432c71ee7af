#include "iam/session/session_policy.h"

#include "absl/strings/str_cat.h"
#include "iam/common/json_fields.h"

namespace iam::session {
namespace {

absl::Status ValidateRules(const char* type, const ClientSessionRules& r) {
  if (r.absolute_lifetime_seconds < 60 || r.absolute_lifetime_seconds > 365 * 86400) {
    return absl::InvalidArgumentError(
        absl::StrCat(type, ".absolute_lifetime_seconds: must be 60..31536000"));
  }
  if (r.idle_timeout_seconds < 0 || r.idle_timeout_seconds > r.absolute_lifetime_seconds) {
    return absl::InvalidArgumentError(
        absl::StrCat(type, ".idle_timeout_seconds: must be 0 (none) up to the absolute lifetime"));
  }
  if (r.max_sessions < 0 || r.max_sessions > 1000) {
    return absl::InvalidArgumentError(absl::StrCat(type, ".max_sessions: must be 0..1000"));
  }
  return absl::OkStatus();
}

}  // namespace

const ClientSessionRules* SessionPolicy::Rules(absl::string_view client_type) const {
  if (client_type == "web") return &web;
  if (client_type == "mobile") return &mobile;
  if (client_type == "api") return &api;
  return nullptr;
}

nlohmann::json SessionPolicy::ToJson() const { return FieldsJson(*this); }

absl::StatusOr<SessionPolicy> SessionPolicy::FromJson(const nlohmann::json& j) {
  SessionPolicy p;
  if (absl::Status s = ReadFields(j, &p); !s.ok()) return s;
  if (absl::Status s = p.Validate(); !s.ok()) return s;
  return p;
}

absl::Status SessionPolicy::Validate() const {
  for (const char* type : kClientTypes) {
    if (absl::Status s = ValidateRules(type, *Rules(type)); !s.ok()) return s;
  }
  if (max_sessions_per_user < 0 || max_sessions_per_user > 1000) {
    return absl::InvalidArgumentError("max_sessions_per_user: must be 0..1000");
  }
  if (on_limit != "evict_oldest" && on_limit != "refuse") {
    return absl::InvalidArgumentError("on_limit: must be 'evict_oldest' or 'refuse'");
  }
  if (access_token_ttl_seconds < 30 || access_token_ttl_seconds > kMaxAccessTokenTtlSeconds) {
    return absl::InvalidArgumentError("access_token_ttl_seconds: must be 30..3600");
  }
  return absl::OkStatus();
}

}  // namespace iam::session
