// The fields of each account policy kind, for `account set-<kind>-policy
// --help`: name, default and what values are taken. iamctl is a thin gRPC
// client and does not link the domain libraries that define the policies,
// so the guide is written here; a test holds it to those definitions (every
// field, every default, every range at and past its ends).
#ifndef IAM_CLI_POLICY_FIELDS_H_
#define IAM_CLI_POLICY_FIELDS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"

namespace iam::cli {

struct PolicyField {
  std::string kind;     // "lockout"
  std::string name;     // "max_failures", "web.max_sessions"
  std::string initial;  // the default, as JSON ("5", "\"warn\"", "true", "[]")
  std::string values;   // "1..1000", "warn | require_change", "true | false", ...
  // For a number: the range's ends, when `values` is exactly "lo..hi".
  long lo = 0, hi = 0;
};

const std::vector<PolicyField>& PolicyFields();

// The --set help of a kind: one line per field.
std::string PolicyFieldsHelp(const std::string& kind);

// INVALID_ARGUMENT naming the kind's fields when `field` is not one of
// them (a typo caught before anything is sent).
absl::Status CheckPolicyField(const std::string& kind, const std::string& field);

}  // namespace iam::cli

#endif  // IAM_CLI_POLICY_FIELDS_H_
