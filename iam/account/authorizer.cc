#include "iam/account/authorizer.h"

#include "absl/strings/str_cat.h"

namespace iam::account {

bool IsAccountLifecycleAction(absl::string_view action, bool own_account) {
  return action == "iam:CreateAccount" || action == "iam:ListAccounts" ||
         action == "iam:SuspendAccount" || action == "iam:ReactivateAccount" ||
         action == "iam:CloseAccount" || (action == "iam:GetAccount" && !own_account);
}

std::string IamArn(const std::string& account_id, absl::string_view path) {
  // A name that is not one (it is refused right after authorization) must
  // not make an unparsable ARN: such requests are judged on "*".
  bool printable = path.size() <= 256;
  for (char c : path) printable = printable && c > 0x20 && c < 0x7f;
  return absl::StrCat("arn:aws:iam::", account_id, ":", printable ? path : "*");
}

}  // namespace iam::account
