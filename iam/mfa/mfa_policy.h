// MfaPolicy: an account's rules for second factors, stored as JSON (kind
// "mfa"); an update states every field.
//
//   mode                      "off" | "optional" | "required" | "required_for"
//   required_groups           with "required_for": members of these groups
//   required_roles            with "required_for": holders of these roles
//                             (directly or through a group, unexpired)
//   required_for_admins       with "required_for": users with the admin flag
//   totp_algorithm, totp_digits, totp_period   for new enrolments
//   totp_window               steps accepted either side of now
//   ticket_ttl_seconds        how long an MFA ticket lives
//   ticket_max_failures       wrong codes that end a ticket
//   failure_hard_cap          wrong codes in a row that lock the user
//   recovery_code_count       codes per set
//   remember_device_days      0: devices are never remembered
//   device_binding            log in only from devices an admin approved
//   risk_step_up              ask for the factor on an unusual login even
//                             where it would not otherwise be asked
//   risk_memory_days          how long a network or device stays usual
//
// Who is asked for a code (when enrolled): with "required" (or a user in
// scope of "required_for") every login, unless it comes from a remembered
// device and is not unusual; with "optional" only unusual logins. A user
// out of scope of "optional"/"required_for" with no factor goes through
// with the password, flagged when unusual. A user in scope with no factor
// is taken through enrolment before any token is issued.
#ifndef IAM_MFA_MFA_POLICY_H_
#define IAM_MFA_MFA_POLICY_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "iam/mfa/totp.h"

namespace iam::mfa {

struct MfaPolicy {
  std::string mode = "optional";
  std::vector<std::string> required_groups;
  std::vector<std::string> required_roles;
  bool required_for_admins = false;
  std::string totp_algorithm = "SHA1";
  int totp_digits = 6;
  int totp_period = 30;
  int totp_window = 1;
  int ticket_ttl_seconds = 300;
  int ticket_max_failures = 5;
  int failure_hard_cap = 100;
  int recovery_code_count = 10;
  int remember_device_days = 30;
  bool device_binding = false;
  bool risk_step_up = true;
  int risk_memory_days = 90;

  // The document's fields, declared once: see common/json_fields.h.
  template <typename Self, typename Field>
  static void Fields(Self& self, Field&& field) {
    field("mode", self.mode);
    field("required_groups", self.required_groups);
    field("required_roles", self.required_roles);
    field("required_for_admins", self.required_for_admins);
    field("totp_algorithm", self.totp_algorithm);
    field("totp_digits", self.totp_digits);
    field("totp_period", self.totp_period);
    field("totp_window", self.totp_window);
    field("ticket_ttl_seconds", self.ticket_ttl_seconds);
    field("ticket_max_failures", self.ticket_max_failures);
    field("failure_hard_cap", self.failure_hard_cap);
    field("recovery_code_count", self.recovery_code_count);
    field("remember_device_days", self.remember_device_days);
    field("device_binding", self.device_binding);
    field("risk_step_up", self.risk_step_up);
    field("risk_memory_days", self.risk_memory_days);
  }

  nlohmann::json ToJson() const;
  static absl::StatusOr<MfaPolicy> FromJson(const nlohmann::json& j);

  TotpParams Totp() const;
};

}  // namespace iam::mfa

#endif  // IAM_MFA_MFA_POLICY_H_
