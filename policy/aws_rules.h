// AWS's documented validation of policy documents beyond their grammar:
// the layout of the resource ARNs of the services AWS names (IAM and STS
// ARNs carry no region; S3 bucket and object ARNs no region; IAM's
// resource types), and S3's rule that every action of a bucket policy
// statement applies to one of the statement's resources. Pure functions.
#ifndef IAM_POLICY_AWS_RULES_H_
#define IAM_POLICY_AWS_RULES_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace iam::policy {

// INVALID_ARGUMENT "<path>: ..." when AWS would refuse the layout of the
// resource ARN (as written, wildcards allowed); OK for "*", for services
// with no documented layout and for segments a wildcard makes unknown.
absl::Status CheckResourceLayout(absl::string_view resource, const std::string& path);

// What S3 actions act on: a bucket, an object.
inline constexpr unsigned kS3Bucket = 1;
inline constexpr unsigned kS3Object = 2;

// The resource types the S3 actions an action glob (any case) matches act
// on; 0 for an action of another service or one S3 does not document.
unsigned S3ActionTargets(absl::string_view action);
// "objects: arn:aws:s3:::bucket/key", "buckets: arn:aws:s3:::bucket" or
// "buckets and objects", for messages.
const char* S3TargetsText(unsigned targets);
// The S3 resource types a resource glob can name: kS3Bucket,
// kS3Object, both ("*", "arn:aws:s3:::*") or neither.
unsigned S3ResourceTargets(absl::string_view resource);

}  // namespace iam::policy

#endif  // IAM_POLICY_AWS_RULES_H_
