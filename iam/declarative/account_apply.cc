#include "iam/declarative/account_apply.h"

#include <optional>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "iam/account/arn.h"
#include "iam/account/common.h"
#include "iam/common/status_macros.h"
#include "iam/declarative/account_reader.h"
#include "iam/store/authz_version_store.h"

namespace iam::declarative {
namespace {

// The step's resource as the authorizer saw it: an ARN, or an IAM path of
// the account, or the account itself.
std::string ResourceOf(const Step& step, const std::string& account) {
  if (step.path.empty()) return "";
  if (step.path.rfind("arn:", 0) == 0) return step.path;
  return account::IamArn(account, step.path);
}

}  // namespace

absl::StatusOr<ApplyResult> ApplyAccount(const AccountServices& s, const account::Caller& caller,
                                         const std::string& account_id,
                                         const AccountDocument& desired, bool dry_run) {
  ASSIGN_OR_RETURN(std::string account, account::ResolveAccountId(caller, account_id));
  ApplyResult result;
  std::vector<Step> steps;
  std::optional<size_t> failed;
  bool planned = false;
  absl::Status outcome =
      s.db.TransactJoined(store::TxMode::kWrite, /*commit=*/!dry_run, [&]() -> absl::Status {
        result.changes.clear();
        failed.reset();
        planned = false;
        // The account's authorization version first: its row lock orders
        // this apply after any change of the account in flight (another
        // apply's included), so the account read next is the one the plan
        // is made against and applied to.
        RETURN_IF_ERROR(s.db.Transact(store::TxMode::kWrite, [&](store::Tx& tx) {
          return store::authz_versions::Bump(tx, account).status();
        }));
        ASSIGN_OR_RETURN(AccountDocument current, ReadAccount(s, caller, account));
        ASSIGN_OR_RETURN(steps, PlanChanges(s, caller, account, current, desired));
        planned = true;
        for (const auto& step : steps) result.changes.push_back(step.change);
        for (size_t i = 0; i < steps.size(); ++i) {
          absl::Status done = steps[i].run();
          if (!done.ok()) {
            failed = i;
            return done;
          }
        }
        return absl::OkStatus();
      });
  if (outcome.ok()) {
    result.applied = !dry_run;
    return result;
  }
  const bool refused = absl::IsPermissionDenied(outcome) || absl::IsNotFound(outcome);
  if (!planned) {
    // Reading the account was refused: read again outside the rolled-back
    // transaction, so that the refusal is recorded as any read's is.
    if (refused) (void)ReadAccount(s, caller, account);
    return outcome;
  }
  if (!failed) return outcome;
  const Step& step = steps[*failed];
  if (absl::IsPermissionDenied(outcome)) {
    // The refusal's own audit record went down with the transaction:
    // asked again outside it, the authorizer records it.
    (void)s.mutations.Authorize(caller, step.action, account, ResourceOf(step, account));
  }
  return absl::Status(outcome.code(),
                      absl::StrCat(step.change.op, " ", step.change.kind, " ", step.change.name,
                                   ": ", outcome.message(), " (nothing was changed)"));
}

}  // namespace iam::declarative
