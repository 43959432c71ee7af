#include "iam/auth/password_policy.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "iam/auth/password_blocklist.h"
#include "iam/common/json_fields.h"
#include "iam/common/text.h"

namespace iam::auth {
namespace {

constexpr int kMaxLengthCeiling = 4096;  // the API's own limit on a password

}  // namespace

nlohmann::json PasswordPolicy::ToJson() const { return FieldsJson(*this); }

absl::StatusOr<PasswordPolicy> PasswordPolicy::FromJson(const nlohmann::json& j) {
  PasswordPolicy p;
  if (absl::Status s = ReadFields(j, &p); !s.ok()) return s;
  if (absl::Status s = p.Validate(); !s.ok()) return s;
  return p;
}

absl::Status PasswordPolicy::Validate() const {
  if (min_length < 1 || min_length > kMaxLengthCeiling) {
    return absl::InvalidArgumentError("min_length: must be 1..4096");
  }
  if (max_length < min_length || max_length > kMaxLengthCeiling) {
    return absl::InvalidArgumentError("max_length: must be min_length..4096");
  }
  if (min_character_classes < 0 || min_character_classes > 4) {
    return absl::InvalidArgumentError("min_character_classes: must be 0..4");
  }
  if (history < 0 || history > 24) return absl::InvalidArgumentError("history: must be 0..24");
  if (max_age_days < 0 || max_age_days > 3650) {
    return absl::InvalidArgumentError("max_age_days: must be 0..3650");
  }
  if (min_age_hours < 0 || min_age_hours > 24 * 365) {
    return absl::InvalidArgumentError("min_age_hours: must be 0..8760");
  }
  if (max_age_days > 0 && min_age_hours >= max_age_days * 24) {
    return absl::InvalidArgumentError("min_age_hours: must be shorter than max_age_days");
  }
  if (at_risk_action != "warn" && at_risk_action != "require_change") {
    return absl::InvalidArgumentError("at_risk_action: must be warn or require_change");
  }
  return absl::OkStatus();
}

std::vector<std::string> CheckPassword(const PasswordPolicy& p, absl::string_view password,
                                       const PasswordContext& ctx,
                                       const PasswordBlocklist* blocklist) {
  std::vector<std::string> v;
  if (!text::IsValidUtf8(password)) {
    v.push_back("is not valid UTF-8");
    return v;
  }
  const int length = static_cast<int>(text::CodePoints(password));
  if (length < p.min_length)
    v.push_back(absl::StrCat("is shorter than ", p.min_length, " characters"));
  if (length > p.max_length)
    v.push_back(absl::StrCat("is longer than ", p.max_length, " characters"));
  bool upper = false, lower = false, digit = false, symbol = false;
  for (unsigned char c : password) {
    if (c >= 0x80) {
      symbol = true;  // any byte of a non-ASCII character
    } else if (absl::ascii_isupper(c)) {
      upper = true;
    } else if (absl::ascii_islower(c)) {
      lower = true;
    } else if (absl::ascii_isdigit(c)) {
      digit = true;
    } else {
      symbol = true;
    }
  }
  if (p.require_upper && !upper) v.push_back("has no uppercase letter");
  if (p.require_lower && !lower) v.push_back("has no lowercase letter");
  if (p.require_digit && !digit) v.push_back("has no digit");
  if (p.require_symbol && !symbol) v.push_back("has no symbol");
  const int classes = upper + lower + digit + symbol;
  if (classes < p.min_character_classes) {
    v.push_back(absl::StrCat("uses ", classes,
                             " of the 4 character classes (upper, lower, digit, "
                             "symbol); at least ",
                             p.min_character_classes, " are required"));
  }
  if (p.reject_username) {
    const std::string lowered = text::AsciiLower(password);
    if (!ctx.username.empty() && absl::StrContains(lowered, text::AsciiLower(ctx.username))) {
      v.push_back("contains the username");
    }
    if (!ctx.email.empty()) {
      const std::string email = text::AsciiLower(ctx.email);
      const std::string local = email.substr(0, email.find('@'));
      if (absl::StrContains(lowered, email) ||
          (local.size() >= 3 && absl::StrContains(lowered, local))) {
        v.push_back("contains the email address");
      }
    }
  }
  if (p.blocklist && blocklist != nullptr && blocklist->Contains(password)) {
    v.push_back("is a common or breached password");
  }
  return v;
}

absl::Status ViolationsToStatus(const std::vector<std::string>& violations) {
  if (violations.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("password: does not meet the password policy: it ",
                                                 absl::StrJoin(violations, "; it ")));
}

}  // namespace iam::auth
