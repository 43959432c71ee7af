// The ARNs of an account's IAM objects, built and parsed in one place:
//   arn:aws:iam::<account>:user/<name>      (also group/, role/, policy/)
//   arn:aws:iam::<account>:account          the account itself
//   arn:aws:iam::aws:policy/<name>          a built-in managed policy
// Resource ARNs of other services (S3...) are authz/resource_arn.h's.
#ifndef IAM_ACCOUNT_ARN_H_
#define IAM_ACCOUNT_ARN_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "iam/store/states.h"

namespace iam::account {

// The ARN of an IAM object of an account: IamArn("123...", "user/alice").
// A path that is not printable ASCII of at most 256 bytes (a bad name,
// refused right after authorization) is judged as "*".
// Whether `id` has the shape of this service's account ids (12 digits).
bool IsAccountId(absl::string_view id);

std::string IamArn(absl::string_view account_id, absl::string_view path);

// "user/alice", "group/ops", "role/dev".
std::string PrincipalPath(store::PrincipalType type, absl::string_view name);
std::string PrincipalArn(absl::string_view account_id, store::PrincipalType type,
                         absl::string_view name);
std::string UserArn(absl::string_view account_id, absl::string_view username);
std::string GroupArn(absl::string_view account_id, absl::string_view name);
std::string RoleArn(absl::string_view account_id, absl::string_view name);
std::string ManagedPolicyArn(absl::string_view account_id, absl::string_view name);

// The parts of an IAM ARN: arn:aws:iam::<account>:<kind>/<name>.
struct IamName {
  std::string account;  // 12 digits, or "aws" for built-ins
  std::string kind;     // "user", "group", "role", "policy"
  std::string name;     // may be empty ("account", or a kind with no name)
};

// nullopt unless `arn` is an IAM ARN with an account segment.
std::optional<IamName> ParseIamArn(absl::string_view arn);

}  // namespace iam::account

#endif  // IAM_ACCOUNT_ARN_H_
