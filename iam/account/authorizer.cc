#include "iam/account/authorizer.h"

#include "absl/strings/str_cat.h"

namespace iam::account {
namespace {

// Actions on accounts as a whole, reserved to the system account's admins.
bool IsAccountLifecycle(absl::string_view action) {
  return action == "iam:CreateAccount" || action == "iam:ListAccounts" ||
         action == "iam:SuspendAccount" || action == "iam:ReactivateAccount" ||
         action == "iam:CloseAccount";
}

}  // namespace

absl::Status AdminFlagAuthorizer::Authorize(const Caller& caller, absl::string_view action,
                                            const std::string& target) const {
  const bool own = target == caller.account_id;
  const bool system_admin = caller.system_account && caller.is_admin;
  if (IsAccountLifecycle(action) || (action == "iam:GetAccount" && !own)) {
    if (system_admin) return absl::OkStatus();
    if (!target.empty() && !own) return absl::NotFoundError("account not found");
    return absl::PermissionDeniedError(
        absl::StrCat("not allowed to perform ", action, " (system administrators only)"));
  }
  if (!own) return absl::NotFoundError("account not found");
  if (!caller.is_admin) {
    return absl::PermissionDeniedError(absl::StrCat("not allowed to perform ", action));
  }
  return absl::OkStatus();
}

}  // namespace iam::account
