// Built-in managed policies every account can attach without creating
// them, as AWS offers its managed policies. Their ARNs live under the
// "aws" account: arn:aws:iam::aws:policy/<Name>; in the store an
// attachment names them "builtin:<Name>".
#ifndef IAM_AUTHZ_BUILTIN_POLICIES_H_
#define IAM_AUTHZ_BUILTIN_POLICIES_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace iam::authz {

struct BuiltinPolicy {
  const char* name;
  const char* description;
  const char* document;
};

inline constexpr char kAdministratorAccess[] = "AdministratorAccess";
inline constexpr char kBuiltinIdPrefix[] = "builtin:";
inline constexpr char kBuiltinArnPrefix[] = "arn:aws:iam::aws:policy/";

const std::vector<BuiltinPolicy>& BuiltinPolicies();
// nullptr when no built-in policy has that name (case-sensitive, as ARNs).
const BuiltinPolicy* FindBuiltin(absl::string_view name);

std::string BuiltinId(absl::string_view name);
std::string BuiltinArn(absl::string_view name);
bool IsBuiltinId(absl::string_view policy_id);

}  // namespace iam::authz

#endif  // IAM_AUTHZ_BUILTIN_POLICIES_H_
