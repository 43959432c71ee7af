// PasswordPolicy: an account's rules for new passwords, and the check that
// names every rule a candidate breaks. Lengths count Unicode code points and
// nothing is ever truncated. Character classes: ASCII upper, lower, digit;
// everything else (punctuation, space, any non-ASCII character) is a symbol.
// Defaults follow NIST SP 800-63B: at least 8, at most 64 or more, the
// blocklist on, no composition or expiry rules. Plain data plus pure checks.
#ifndef IAM_AUTH_PASSWORD_POLICY_H_
#define IAM_AUTH_PASSWORD_POLICY_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace iam::auth {

class PasswordBlocklist;

struct PasswordPolicy {
  int min_length = 8;
  int max_length = 128;
  bool require_upper = false;
  bool require_lower = false;
  bool require_digit = false;
  bool require_symbol = false;
  int min_character_classes = 0;  // "at least K of the 4 classes", 0 = off
  bool reject_username = true;    // nor the email, nor its local part
  int history = 0;                // the last N passwords may not be reused
  int max_age_days = 0;           // 0 = passwords never expire
  int min_age_hours = 0;          // 0 = may change again at once
  bool blocklist = true;
  // A login whose (right) password is in the blocklist, which may have
  // grown since the password was set: "warn" flags the user and tells them
  // to change it; "require_change" also allows only a change.
  std::string at_risk_action = "warn";

  // The document's fields, declared once: see common/json_fields.h.
  template <typename Self, typename Field>
  static void Fields(Self& self, Field&& field) {
    field("min_length", self.min_length);
    field("max_length", self.max_length);
    field("require_upper", self.require_upper);
    field("require_lower", self.require_lower);
    field("require_digit", self.require_digit);
    field("require_symbol", self.require_symbol);
    field("min_character_classes", self.min_character_classes);
    field("reject_username", self.reject_username);
    field("history", self.history);
    field("max_age_days", self.max_age_days);
    field("min_age_hours", self.min_age_hours);
    field("blocklist", self.blocklist);
    field("at_risk_action", self.at_risk_action);
  }

  nlohmann::json ToJson() const;
  // Every field must be present: an update states them all (nothing is
  // silently reset). INVALID_ARGUMENT naming the field.
  static absl::StatusOr<PasswordPolicy> FromJson(const nlohmann::json& j);
  absl::Status Validate() const;
};

struct PasswordContext {
  std::string username;
  std::string email;  // "" when none
};

// The rules the candidate breaks, each a short sentence; empty when it
// passes. History and age are checked by the caller (they need the store).
std::vector<std::string> CheckPassword(const PasswordPolicy& policy, absl::string_view password,
                                       const PasswordContext& context,
                                       const PasswordBlocklist* blocklist);

// INVALID_ARGUMENT "password: ..." listing every violation, or OK.
absl::Status ViolationsToStatus(const std::vector<std::string>& violations);

}  // namespace iam::auth

#endif  // IAM_AUTH_PASSWORD_POLICY_H_
