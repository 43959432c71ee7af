#include "iam/authz/resource_arn.h"

#include "absl/strings/str_cat.h"
#include "policy/arn.h"

namespace iam::authz {

ResourceName SplitResource(absl::string_view arn) {
  policy::ArnParts parts;
  if (!policy::SplitArn(arn, &parts)) return {};
  const absl::string_view resource = parts[5];
  const size_t slash = resource.find('/');
  const size_t head = arn.size() - resource.size();
  return ResourceName{std::string(parts[4]),
                      std::string(arn.substr(0, head + std::min(slash, resource.size())))};
}

absl::StatusOr<ResourceName> ParseResourceArn(absl::string_view field, absl::string_view arn,
                                              bool allow_wildcards) {
  if (arn.empty()) return absl::InvalidArgumentError(absl::StrCat(field, ": required"));
  if (arn.size() > kMaxResourceArn) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": at most ", kMaxResourceArn, " bytes"));
  }
  for (char c : arn) {
    if (c < 0x21 || c > 0x7e) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": printable ASCII without spaces only"));
    }
    if (!allow_wildcards && (c == '*' || c == '?')) {
      return absl::InvalidArgumentError(absl::StrCat(field, ": no wildcards in a resource"));
    }
  }
  policy::ArnParts parts;
  if (!policy::SplitArn(arn, &parts) || parts[2].empty() || parts[5].empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": not an ARN (arn:partition:service:region:account:resource)"));
  }
  return SplitResource(arn);
}

}  // namespace iam::authz
