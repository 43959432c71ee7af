#include "iam/mfa/mfa_policy.h"

#include "absl/strings/str_cat.h"
#include "iam/common/json_fields.h"
#include "iam/common/status_macros.h"
#include "iam/common/text.h"

namespace iam::mfa {
namespace {

absl::Status CheckRange(const char* field, int v, int lo, int hi) {
  if (v < lo || v > hi) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": must be ", lo, "..", hi));
  }
  return absl::OkStatus();
}

// A list of at most 100 group or role names.
absl::Status CheckNames(const char* field, const std::vector<std::string>& names) {
  if (names.size() > 100) return absl::InvalidArgumentError(absl::StrCat(field, ": at most 100"));
  for (const auto& n : names) RETURN_IF_ERROR(text::CheckName(field, n, 128));
  return absl::OkStatus();
}

}  // namespace

nlohmann::json MfaPolicy::ToJson() const { return FieldsJson(*this); }

absl::StatusOr<MfaPolicy> MfaPolicy::FromJson(const nlohmann::json& j) {
  MfaPolicy p;
  if (absl::Status s = ReadFields(j, &p); !s.ok()) return s;
  RETURN_IF_ERROR(CheckNames("required_groups", p.required_groups));
  RETURN_IF_ERROR(CheckNames("required_roles", p.required_roles));
  if (p.mode != "off" && p.mode != "optional" && p.mode != "required" && p.mode != "required_for") {
    return absl::InvalidArgumentError("mode: must be off, optional, required or required_for");
  }
  if (p.mode == "required_for" && p.required_groups.empty() && p.required_roles.empty() &&
      !p.required_for_admins) {
    return absl::InvalidArgumentError(
        "required_groups: name at least one group or role in required_roles (or set "
        "required_for_admins) with mode required_for");
  }
  auto alg = ParseTotpAlgorithm(p.totp_algorithm);
  if (!alg.ok()) return alg.status();
  p.totp_algorithm = TotpAlgorithmName(*alg);
  if (p.totp_digits != 6 && p.totp_digits != 8) {
    return absl::InvalidArgumentError("totp_digits: must be 6 or 8");
  }
  for (const absl::Status& s : {CheckRange("totp_period", p.totp_period, 15, 120),
                                CheckRange("totp_window", p.totp_window, 0, 10),
                                CheckRange("ticket_ttl_seconds", p.ticket_ttl_seconds, 30, 3600),
                                CheckRange("ticket_max_failures", p.ticket_max_failures, 1, 100),
                                CheckRange("failure_hard_cap", p.failure_hard_cap, 1, 100),
                                CheckRange("recovery_code_count", p.recovery_code_count, 0, 100),
                                CheckRange("remember_device_days", p.remember_device_days, 0, 365),
                                CheckRange("risk_memory_days", p.risk_memory_days, 1, 3650)}) {
    if (!s.ok()) return s;
  }
  if (p.ticket_max_failures > p.failure_hard_cap) {
    return absl::InvalidArgumentError("ticket_max_failures: must not exceed failure_hard_cap");
  }
  return p;
}

TotpParams MfaPolicy::Totp() const {
  TotpParams t;
  t.algorithm = ParseTotpAlgorithm(totp_algorithm).value_or(TotpAlgorithm::kSha1);
  t.digits = totp_digits;
  t.period = totp_period;
  return t;
}

}  // namespace iam::mfa
