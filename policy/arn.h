// ARNs: "arn:partition:service:region:account:resource", the resource part
// possibly holding further ':'. Matching goes segment by segment, so a
// wildcard in one of the first five segments never crosses a ':'. Pure
// functions.
#ifndef IAM_POLICY_ARN_H_
#define IAM_POLICY_ARN_H_

#include <array>

#include "absl/strings/string_view.h"

namespace iam::policy {

using ArnParts = std::array<absl::string_view, 6>;

// False when `text` does not start with "arn:" or has fewer than six parts.
bool SplitArn(absl::string_view text, ArnParts* parts);

// `pattern` is an ARN glob with '*' and '?' (variables already resolved).
// "*" alone matches anything; a pattern that is not an ARN matches nothing.
bool ArnMatch(absl::string_view pattern, absl::string_view arn, bool case_insensitive = false);

}  // namespace iam::policy

#endif  // IAM_POLICY_ARN_H_
