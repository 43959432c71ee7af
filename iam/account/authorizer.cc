#include "iam/account/authorizer.h"

#include "absl/strings/str_cat.h"

namespace iam::account {

bool IsAccountLifecycleAction(absl::string_view action, bool own_account) {
  return action == "iam:CreateAccount" || action == "iam:ListAccounts" ||
         action == "iam:SuspendAccount" || action == "iam:ReactivateAccount" ||
         action == "iam:CloseAccount" || (action == "iam:GetAccount" && !own_account);
}

}  // namespace iam::account
