// ApplyAccount: converges an account to a document. It reads the account
// as it is, plans the changes (account_plan.h) and makes them all in one
// transaction, each through the domain service that makes it alone, so
// each is authorized, checked and audited exactly as its own admin call
// is. The first refusal rolls everything back and is returned, prefixed
// with the change it refused; nothing is half applied. A dry run makes the
// same calls and rolls back, so it finds every refusal a real run would.
#ifndef IAM_DECLARATIVE_ACCOUNT_APPLY_H_
#define IAM_DECLARATIVE_ACCOUNT_APPLY_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "iam/account/caller.h"
#include "iam/declarative/account_document.h"
#include "iam/declarative/account_plan.h"
#include "iam/declarative/account_services.h"

namespace iam::declarative {

struct ApplyResult {
  std::vector<PlannedChange> changes;  // empty: the account is as the document says
  bool applied = false;                // false for a dry run
};

absl::StatusOr<ApplyResult> ApplyAccount(const AccountServices& s, const account::Caller& caller,
                                         const std::string& account_id,
                                         const AccountDocument& desired, bool dry_run);

}  // namespace iam::declarative

#endif  // IAM_DECLARATIVE_ACCOUNT_APPLY_H_
