#include "iam/authz/policy_authorizer.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "iam/authz/credential_context.h"

namespace iam::authz {

absl::Status PolicyAuthorizer::Authorize(const account::Caller& caller, absl::string_view action,
                                         const std::string& target,
                                         const std::string& resource) const {
  const bool own = target == caller.account_id;
  if (account::IsAccountLifecycleAction(action, own)) {
    if (!caller.system_account) {
      if (!target.empty() && !own) return absl::NotFoundError("account not found");
      return absl::PermissionDeniedError(
          absl::StrCat("not allowed to perform ", action, " (system account only)"));
    }
  } else if (!own) {
    return absl::NotFoundError("account not found");
  }
  CheckInput in;
  in.account_id = caller.account_id;
  in.user = caller.user_id;
  in.by_id = true;
  in.action = std::string(action);
  in.resource = resource;
  in.trusted = CallerContext(caller, decider_->Now());
  auto outcome = decider_->Check(in);
  if (absl::IsNotFound(outcome.status())) {
    return absl::PermissionDeniedError(absl::StrCat("not allowed to perform ", action));
  }
  if (!outcome.ok()) return outcome.status();
  if (outcome->decision == policy::Decision::kAllow) return absl::OkStatus();
  if (outcome->decision == policy::Decision::kExplicitDeny) {
    return absl::PermissionDeniedError(absl::StrCat("not allowed to perform ", action, " on ",
                                                    resource, ": explicitly denied by ",
                                                    absl::StrJoin(outcome->reasons, ", ")));
  }
  return absl::PermissionDeniedError(
      absl::StrCat("not allowed to perform ", action, " on ", resource, ": no policy allows it"));
}

}  // namespace iam::authz
