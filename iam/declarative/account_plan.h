// PlanChanges: what it takes to turn an account's configuration as it is
// into the one a document describes, as an ordered list of steps, each one
// call of a domain service. The order respects what each call needs:
// policies before they are attached, groups and roles before their
// members, rules of separation of duties removed before the assignments
// they would forbid and added after; deletions last, principals before
// the policies they held.
#ifndef IAM_DECLARATIVE_ACCOUNT_PLAN_H_
#define IAM_DECLARATIVE_ACCOUNT_PLAN_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "iam/account/caller.h"
#include "iam/declarative/account_document.h"
#include "iam/declarative/account_services.h"

namespace iam::declarative {

// One line of the plan: "+" create, "~" change, "-" delete.
struct PlannedChange {
  std::string op;
  std::string kind;  // "user", "group", "role", "policy", ...
  std::string name;
  std::vector<std::string> details;  // what changes, one item each: "display_name: \"a\" -> \"b\""
};

struct Step {
  PlannedChange change;
  // The service call, and the action and IAM path it is authorized for
  // (to record a refusal once the whole change rolled back).
  std::function<absl::Status()> run;
  std::string action;
  std::string path;
};

// INVALID_ARGUMENT for what no call can change (a policy's, group's or
// role's description, as in AWS): the document must say what the account
// has, or the object be deleted and created again under another name.
// `caller` must be the user who applies: the plan never deletes them.
absl::StatusOr<std::vector<Step>> PlanChanges(const AccountServices& s,
                                              const account::Caller& caller,
                                              const std::string& account_id,
                                              const AccountDocument& current,
                                              const AccountDocument& desired);

// The plan as text, a line a change and an indented line a detail.
std::string PlanText(const std::vector<PlannedChange>& changes);

}  // namespace iam::declarative

#endif  // IAM_DECLARATIVE_ACCOUNT_PLAN_H_
