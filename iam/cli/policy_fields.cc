#include "iam/cli/policy_fields.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace iam::cli {
namespace {

// kind, field, default, values. Ranges "lo..hi" are checked at both ends
// by the test; other constraints are said in words.
const char* const kGuide[][4] = {
    {"password", "min_length", "8", "1..4096"},
    {"password", "max_length", "128", "min_length up to 4096"},
    {"password", "require_upper", "false", "true | false"},
    {"password", "require_lower", "false", "true | false"},
    {"password", "require_digit", "false", "true | false"},
    {"password", "require_symbol", "false", "true | false"},
    {"password", "min_character_classes", "0", "0..4"},
    {"password", "reject_username", "true", "true | false"},
    {"password", "history", "0", "0..24"},
    {"password", "max_age_days", "0", "0..3650"},
    {"password", "min_age_hours", "0", "0..8760"},
    {"password", "blocklist", "true", "true | false"},
    {"password", "at_risk_action", "\"warn\"", "warn | require_change"},
    {"lockout", "enabled", "true", "true | false"},
    {"lockout", "max_failures", "5", "1..1000"},
    {"lockout", "wait_increment_seconds", "60", "1..2592000"},
    {"lockout", "strategy", "\"multiplying\"", "multiplying | linear"},
    {"lockout", "max_wait_seconds", "900", "wait_increment_seconds up to a year"},
    {"lockout", "failure_reset_seconds", "43200", "1..31536000"},
    {"lockout", "quick_login_check_ms", "1000", "0..60000"},
    {"lockout", "min_quick_login_wait_seconds", "60", "0..86400"},
    {"lockout", "permanent_lockout", "false", "true | false"},
    {"lockout", "max_temporary_lockouts", "0", "0..1000"},
    {"lockout", "challenge_after_failures", "3", "0..1000"},
    {"session", "web.idle_timeout_seconds", "1800", "0 (none) up to the absolute lifetime"},
    {"session", "web.absolute_lifetime_seconds", "36000", "60..31536000"},
    {"session", "web.max_sessions", "0", "0..1000"},
    {"session", "mobile.idle_timeout_seconds", "0", "0 (none) up to the absolute lifetime"},
    {"session", "mobile.absolute_lifetime_seconds", "2592000", "60..31536000"},
    {"session", "mobile.max_sessions", "0", "0..1000"},
    {"session", "api.idle_timeout_seconds", "3600", "0 (none) up to the absolute lifetime"},
    {"session", "api.absolute_lifetime_seconds", "86400", "60..31536000"},
    {"session", "api.max_sessions", "0", "0..1000"},
    {"session", "max_sessions_per_user", "0", "0..1000"},
    {"session", "on_limit", "\"evict_oldest\"", "evict_oldest | refuse"},
    {"session", "access_token_ttl_seconds", "600", "30..3600"},
    {"session", "revoke_on_password_change", "true", "true | false"},
    {"mfa", "mode", "\"optional\"", "off | optional | required | required_for"},
    {"mfa", "required_groups", "[]", "group names (mode required_for)"},
    {"mfa", "required_roles", "[]", "role names (mode required_for)"},
    {"mfa", "required_for_admins", "false", "true | false"},
    {"mfa", "totp_algorithm", "\"SHA1\"", "SHA1 | SHA256 | SHA512"},
    {"mfa", "totp_digits", "6", "6 | 8"},
    {"mfa", "totp_period", "30", "15..120"},
    {"mfa", "totp_window", "1", "0..10"},
    {"mfa", "ticket_ttl_seconds", "300", "30..3600"},
    {"mfa", "ticket_max_failures", "5", "1..100"},
    {"mfa", "failure_hard_cap", "100", "1..100"},
    {"mfa", "recovery_code_count", "10", "0..100"},
    {"mfa", "remember_device_days", "30", "0..365"},
    {"mfa", "device_binding", "false", "true | false"},
    {"mfa", "risk_step_up", "true", "true | false"},
    {"mfa", "risk_memory_days", "90", "1..3650"},
    {"audit", "retention_days", "180", "1..3650"},
    {"audit", "decision_log", "\"none\"", "none | denies | sampled | all"},
    {"audit", "decision_sample_percent", "1", "1..100"},
    {"branding", "primary_color", "\"#0969da\"", "#rrggbb"},
    {"branding", "background_color", "\"#f6f8fa\"", "#rrggbb"},
};

std::vector<PolicyField> Build() {
  std::vector<PolicyField> out;
  for (const auto& row : kGuide) {
    PolicyField f{row[0], row[1], row[2], row[3]};
    std::vector<std::string> ends = absl::StrSplit(f.values, "..");
    if (ends.size() != 2 || !absl::SimpleAtoi(ends[0], &f.lo) ||
        !absl::SimpleAtoi(ends[1], &f.hi)) {
      f.lo = f.hi = 0;
    }
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace

const std::vector<PolicyField>& PolicyFields() {
  static const std::vector<PolicyField> kFields = Build();
  return kFields;
}

absl::Status CheckPolicyField(const std::string& kind, const std::string& field) {
  std::vector<std::string> names;
  for (const PolicyField& f : PolicyFields()) {
    if (f.kind != kind) continue;
    // "web" sets the whole web.* object.
    if (f.name == field || absl::StartsWith(f.name, field + ".")) return absl::OkStatus();
    names.push_back(f.name);
  }
  if (names.empty()) return absl::OkStatus();  // a kind without a guide: the server decides
  return absl::InvalidArgumentError(absl::StrCat(
      "--set: the ", kind, " policy has no field \"", field.substr(0, 64), "\"; its fields: ",
      absl::StrJoin(names, ", "), " (--help shows each one's default and range)"));
}

std::string PolicyFieldsHelp(const std::string& kind) {
  std::string out = "field=value (repeatable; the other fields stay). Fields, default, values:";
  for (const PolicyField& f : PolicyFields()) {
    if (f.kind != kind) continue;
    absl::StrAppend(&out, "\n  ", f.name, " = ", f.initial, "  (", f.values, ")");
  }
  return out;
}

}  // namespace iam::cli
