#include "iam/declarative/account_apply.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "iam/account/arn.h"
#include "iam/account/common.h"
#include "iam/common/status_macros.h"
#include "iam/declarative/account_reader.h"

namespace iam::declarative {

absl::StatusOr<ApplyResult> ApplyAccount(const AccountServices& s, const account::Caller& caller,
                                         const std::string& account_id,
                                         const AccountDocument& desired, bool dry_run) {
  ASSIGN_OR_RETURN(std::string account, account::ResolveAccountId(caller, account_id));
  ASSIGN_OR_RETURN(AccountDocument current, ReadAccount(s, caller, account));
  ASSIGN_OR_RETURN(std::vector<Step> steps, PlanChanges(s, caller, account, current, desired));
  ApplyResult result;
  for (const auto& step : steps) result.changes.push_back(step.change);
  if (steps.empty()) {
    result.applied = !dry_run;
    return result;
  }
  size_t failed = 0;
  absl::Status s_all =
      s.db.TransactJoined(store::TxMode::kWrite, /*commit=*/!dry_run, [&]() -> absl::Status {
        for (size_t i = 0; i < steps.size(); ++i) {
          absl::Status done = steps[i].run();
          if (!done.ok()) {
            failed = i;
            return done;
          }
        }
        return absl::OkStatus();
      });
  if (!s_all.ok()) {
    const Step& step = steps[failed];
    if (absl::IsPermissionDenied(s_all)) {
      // The refusal's own audit record went down with the transaction:
      // asked again outside it, the authorizer records it.
      const std::string resource =
          step.path.empty() ? "" : step.path.rfind("arn:", 0) == 0 ? step.path
                                                                    : account::IamArn(account, step.path);
      (void)s.mutations.Authorize(caller, step.action, account, resource);
    }
    return absl::Status(s_all.code(),
                        absl::StrCat(step.change.op, " ", step.change.kind, " ", step.change.name,
                                     ": ", s_all.message(), " (nothing was changed)"));
  }
  result.applied = !dry_run;
  return result;
}

}  // namespace iam::declarative
