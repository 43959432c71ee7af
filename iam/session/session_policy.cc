#include "iam/session/session_policy.h"

#include "absl/strings/str_cat.h"
#include "iam/common/json_fields.h"

namespace iam::session {
namespace {

nlohmann::json RulesJson(const ClientSessionRules& r) {
  return {{"idle_timeout_seconds", r.idle_timeout_seconds},
          {"absolute_lifetime_seconds", r.absolute_lifetime_seconds},
          {"max_sessions", r.max_sessions}};
}

absl::Status ReadRules(const nlohmann::json& j, const char* type, ClientSessionRules* r) {
  auto it = j.find(type);
  if (it == j.end()) return absl::InvalidArgumentError(absl::StrCat(type, ": missing"));
  JsonFields f(*it, RulesJson(*r));
  f.Take("idle_timeout_seconds", &r->idle_timeout_seconds);
  f.Take("absolute_lifetime_seconds", &r->absolute_lifetime_seconds);
  f.Take("max_sessions", &r->max_sessions);
  absl::Status s = f.status();
  if (!s.ok()) return absl::InvalidArgumentError(absl::StrCat(type, ".", s.message()));
  return absl::OkStatus();
}

absl::Status ValidateRules(const char* type, const ClientSessionRules& r) {
  if (r.absolute_lifetime_seconds < 60 || r.absolute_lifetime_seconds > 365 * 86400) {
    return absl::InvalidArgumentError(
        absl::StrCat(type, ".absolute_lifetime_seconds: must be 60..31536000"));
  }
  if (r.idle_timeout_seconds < 0 || r.idle_timeout_seconds > r.absolute_lifetime_seconds) {
    return absl::InvalidArgumentError(absl::StrCat(
        type, ".idle_timeout_seconds: must be 0 (none) up to the absolute lifetime"));
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

nlohmann::json SessionPolicy::ToJson() const {
  return {{"web", RulesJson(web)},
          {"mobile", RulesJson(mobile)},
          {"api", RulesJson(api)},
          {"max_sessions_per_user", max_sessions_per_user},
          {"on_limit", on_limit},
          {"access_token_ttl_seconds", access_token_ttl_seconds},
          {"revoke_on_password_change", revoke_on_password_change}};
}

absl::StatusOr<SessionPolicy> SessionPolicy::FromJson(const nlohmann::json& j) {
  SessionPolicy p;
  JsonFields f(j, p.ToJson());
  f.Take("max_sessions_per_user", &p.max_sessions_per_user);
  f.Take("on_limit", &p.on_limit);
  f.Take("access_token_ttl_seconds", &p.access_token_ttl_seconds);
  f.Take("revoke_on_password_change", &p.revoke_on_password_change);
  if (absl::Status s = f.status(); !s.ok()) return s;
  for (const char* type : kClientTypes) {
    if (absl::Status s = ReadRules(j, type, const_cast<ClientSessionRules*>(p.Rules(type)));
        !s.ok()) {
      return s;
    }
  }
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
