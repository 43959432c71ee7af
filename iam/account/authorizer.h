// Authorizer: decides whether a caller may perform an admin action on an
// object of an account (authz::PolicyAuthorizer asks the policy engine).
// Implementations are thread-safe.
#ifndef IAM_ACCOUNT_AUTHORIZER_H_
#define IAM_ACCOUNT_AUTHORIZER_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "iam/account/arn.h"
#include "iam/account/caller.h"

namespace iam::account {

class Authorizer {
 public:
  virtual ~Authorizer() = default;
  // OK when allowed. NOT_FOUND when the target account is not the caller's
  // and the caller may not see it (its existence is not revealed);
  // PERMISSION_DENIED when the caller sees it but may not act.
  // `target_account_id` is empty for actions on no account (CreateAccount);
  // `resource` is the ARN acted on.
  virtual absl::Status Authorize(const Caller& caller, absl::string_view action,
                                 const std::string& target_account_id,
                                 const std::string& resource) const = 0;
};

// Actions on accounts as a whole (create, list, suspend, reactivate,
// close, and reading another account), reserved to the system account.
bool IsAccountLifecycleAction(absl::string_view action, bool own_account);

}  // namespace iam::account

#endif  // IAM_ACCOUNT_AUTHORIZER_H_
