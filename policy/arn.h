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

// Whether `s` can be the account of an ARN, a principal or a request: an
// opaque identifier, matched exactly and case-sensitively. AWS's are
// twelve digits; S3-compatible stores name their tenants (Ceph RGW
// tenants, MinIO accounts), so any 1 to 64 letters, digits, '-', '_' and
// '.' are taken, never a ':', '/', '*' or '?', which would change what an
// ARN or a pattern means.
bool IsAccountName(absl::string_view s);
inline constexpr char kAccountNameRule[] =
    "must be an account: 1 to 64 letters, digits, '-', '_' or '.' (AWS: 12 digits)";

// False when `text` does not start with "arn:" or has fewer than six parts.
bool SplitArn(absl::string_view text, ArnParts* parts);

// `pattern` is an ARN glob with '*' and '?' (variables already resolved).
// "*" alone matches anything; a pattern that is not an ARN matches nothing.
bool ArnMatch(absl::string_view pattern, absl::string_view arn, bool case_insensitive = false);

}  // namespace iam::policy

#endif  // IAM_POLICY_ARN_H_
