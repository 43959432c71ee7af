#include "policy/aws_rules.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "policy/pattern.h"

namespace iam::policy {
namespace {

// IAM's resource types (AWS's, then this service's own: its accounts,
// access keys, OAuth clients, identity providers, devices, signing keys,
// separation-of-duties rules and audit logs), and the ones that stand
// alone without a '/'.
constexpr const char* kIamTypes[] = {"user",
                                     "group",
                                     "role",
                                     "policy",
                                     "instance-profile",
                                     "mfa",
                                     "server-certificate",
                                     "saml-provider",
                                     "oidc-provider",
                                     "sms-mfa",
                                     "access-report",
                                     "u2f",
                                     "access-key",
                                     "client",
                                     "identity-provider",
                                     "device",
                                     "signing-key",
                                     "sod-rule"};
constexpr const char* kIamSingles[] = {"root", "account", "audit-log"};
constexpr const char* kStsTypes[] = {"assumed-role", "federated-user", "self"};
// S3 resources that do carry a region and an account.
constexpr const char* kS3Regional[] = {"accesspoint/",  "job/",           "storage-lens/",
                                       "outpost/",      "async-request/", "storage-lens-group/",
                                       "access-grants/"};

constexpr const char* kS3BucketActions[] = {"CreateBucket",
                                            "DeleteBucket",
                                            "ListBucket",
                                            "ListBucketVersions",
                                            "ListBucketMultipartUploads",
                                            "GetBucketLocation",
                                            "GetBucketPolicy",
                                            "PutBucketPolicy",
                                            "DeleteBucketPolicy",
                                            "GetBucketPolicyStatus",
                                            "GetBucketAcl",
                                            "PutBucketAcl",
                                            "GetBucketVersioning",
                                            "PutBucketVersioning",
                                            "GetBucketTagging",
                                            "PutBucketTagging",
                                            "GetBucketCORS",
                                            "PutBucketCORS",
                                            "GetBucketWebsite",
                                            "PutBucketWebsite",
                                            "DeleteBucketWebsite",
                                            "GetBucketLogging",
                                            "PutBucketLogging",
                                            "GetBucketNotification",
                                            "PutBucketNotification",
                                            "GetBucketRequestPayment",
                                            "PutBucketRequestPayment",
                                            "GetBucketObjectLockConfiguration",
                                            "PutBucketObjectLockConfiguration",
                                            "GetBucketPublicAccessBlock",
                                            "PutBucketPublicAccessBlock",
                                            "GetBucketOwnershipControls",
                                            "PutBucketOwnershipControls",
                                            "GetLifecycleConfiguration",
                                            "PutLifecycleConfiguration",
                                            "GetEncryptionConfiguration",
                                            "PutEncryptionConfiguration",
                                            "GetReplicationConfiguration",
                                            "PutReplicationConfiguration",
                                            "GetAccelerateConfiguration",
                                            "PutAccelerateConfiguration",
                                            "GetAnalyticsConfiguration",
                                            "PutAnalyticsConfiguration",
                                            "GetInventoryConfiguration",
                                            "PutInventoryConfiguration",
                                            "GetMetricsConfiguration",
                                            "PutMetricsConfiguration",
                                            "GetIntelligentTieringConfiguration",
                                            "PutIntelligentTieringConfiguration"};
constexpr const char* kS3ObjectActions[] = {"GetObject",
                                            "PutObject",
                                            "DeleteObject",
                                            "GetObjectAcl",
                                            "PutObjectAcl",
                                            "GetObjectVersion",
                                            "DeleteObjectVersion",
                                            "GetObjectVersionAcl",
                                            "PutObjectVersionAcl",
                                            "GetObjectTagging",
                                            "PutObjectTagging",
                                            "DeleteObjectTagging",
                                            "GetObjectVersionTagging",
                                            "PutObjectVersionTagging",
                                            "DeleteObjectVersionTagging",
                                            "GetObjectAttributes",
                                            "GetObjectVersionAttributes",
                                            "GetObjectRetention",
                                            "PutObjectRetention",
                                            "GetObjectLegalHold",
                                            "PutObjectLegalHold",
                                            "RestoreObject",
                                            "AbortMultipartUpload",
                                            "ListMultipartUploadParts",
                                            "GetObjectTorrent",
                                            "GetObjectVersionTorrent",
                                            "BypassGovernanceRetention",
                                            "ReplicateObject",
                                            "ReplicateDelete",
                                            "ReplicateTags",
                                            "ObjectOwnerOverrideToBucketOwner"};

template <size_t N>
bool OneOf(absl::string_view s, const char* const (&list)[N]) {
  for (const char* x : list) {
    if (s == x) return true;
  }
  return false;
}

bool Wild(absl::string_view s) { return s.find_first_of("*?$") != absl::string_view::npos; }

absl::Status Refuse(const std::string& path, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", what));
}

}  // namespace

absl::Status CheckResourceLayout(absl::string_view resource, const std::string& path) {
  if (resource == "*") return absl::OkStatus();
  std::vector<absl::string_view> parts = absl::StrSplit(resource, absl::MaxSplits(':', 5));
  if (parts.size() < 6) return absl::OkStatus();  // the grammar's own check names it
  const absl::string_view service = parts[2], region = parts[3];
  const absl::string_view rest = parts[5];
  if (Wild(service)) return absl::OkStatus();
  const std::string svc = absl::AsciiStrToLower(service);
  if (svc == "iam" || svc == "sts") {
    if (!region.empty() && region != "*") {
      return Refuse(path, absl::StrCat(svc, " ARNs have no region: arn:aws:", svc,
                                       "::<account>:<type>/<name>"));
    }
    const size_t slash = rest.find('/');
    const absl::string_view type = rest.substr(0, slash);
    if (Wild(type)) return absl::OkStatus();
    const bool known = svc == "iam" ? (slash == absl::string_view::npos ? OneOf(type, kIamSingles)
                                                                        : OneOf(type, kIamTypes))
                                    : slash != absl::string_view::npos && OneOf(type, kStsTypes);
    if (!known) {
      return Refuse(path, absl::StrCat("\"", type, "\" is not a resource type of ", svc,
                                       svc == "iam" ? " (user/, group/, role/, policy/, root, ...)"
                                                    : " (assumed-role/, federated-user/)"));
    }
    return absl::OkStatus();
  }
  if (svc == "s3") {
    for (const char* regional : kS3Regional) {
      if (absl::StartsWith(rest, regional)) return absl::OkStatus();
    }
    // A bucket or an object: no region. (The account segment is left to
    // the tenant of S3-compatible stores: Ceph RGW writes
    // arn:aws:s3::tenant:bucket.)
    if (!region.empty() && region != "*") {
      return Refuse(path, "S3 bucket and object ARNs have no region: arn:aws:s3:::bucket/key");
    }
  }
  return absl::OkStatus();
}

unsigned S3ActionTargets(absl::string_view action) {
  const size_t colon = action.find(':');
  if (colon == absl::string_view::npos) return 0;
  const absl::string_view service = action.substr(0, colon), name = action.substr(colon + 1);
  if (!GlobMatch(service, "s3", /*case_insensitive=*/true)) return 0;
  unsigned out = 0;
  for (const char* a : kS3BucketActions) {
    if (GlobMatch(name, a, true)) out |= kS3Bucket;
  }
  for (const char* a : kS3ObjectActions) {
    if (GlobMatch(name, a, true)) out |= kS3Object;
  }
  return out;
}

const char* S3TargetsText(unsigned targets) {
  if (targets == kS3Object) return "objects: arn:aws:s3:::bucket/key";
  if (targets == kS3Bucket) return "buckets: arn:aws:s3:::bucket";
  return "buckets and objects";
}

unsigned S3ResourceTargets(absl::string_view resource) {
  if (resource == "*") return kS3Bucket | kS3Object;
  std::vector<absl::string_view> parts = absl::StrSplit(resource, absl::MaxSplits(':', 5));
  if (parts.size() < 6 || !GlobMatch(parts[2], "s3", true)) return 0;
  const absl::string_view rest = parts[5];
  for (const char* regional : kS3Regional) {
    if (absl::StartsWith(rest, regional)) return kS3Bucket | kS3Object;  // not judged here
  }
  const size_t wild = rest.find_first_of("*?$");
  const size_t slash = rest.find('/');
  unsigned out = 0;
  // A bucket: no '/', or a wildcard that may end the name before one.
  if (slash == absl::string_view::npos || (wild != absl::string_view::npos && wild < slash)) {
    out |= kS3Bucket;
  }
  // An object: a '/', or a wildcard that may stand for one.
  if (slash != absl::string_view::npos || wild != absl::string_view::npos) out |= kS3Object;
  return out;
}

}  // namespace iam::policy
