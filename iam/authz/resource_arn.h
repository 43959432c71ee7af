// Resource ARNs as the authorization service files them: which account
// owns a resource, and the root an account claims for resources whose ARN
// names no account (an S3 bucket: "arn:aws:s3:::photos"). Pure functions.
#ifndef IAM_AUTHZ_RESOURCE_ARN_H_
#define IAM_AUTHZ_RESOURCE_ARN_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace iam::authz {

inline constexpr size_t kMaxResourceArn = 512;

struct ResourceName {
  std::string account;  // the ARN's account segment; empty for S3 and the like
  std::string root;     // first five segments plus the resource up to its first '/'
};

// INVALID_ARGUMENT (naming `field`) unless `arn` is an ARN of six segments
// with a non-empty service and resource, printable ASCII, at most
// kMaxResourceArn bytes, and (unless allowed) no wildcard. A request's
// resource may hold '*' or '?': they are plain characters there.
absl::StatusOr<ResourceName> ParseResourceArn(absl::string_view field, absl::string_view arn,
                                              bool allow_wildcards = false);

// The same split with no validation, for the hot path: an unparsable
// resource has an empty root and account.
ResourceName SplitResource(absl::string_view arn);

}  // namespace iam::authz

#endif  // IAM_AUTHZ_RESOURCE_ARN_H_
