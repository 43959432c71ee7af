// Evaluate: the decision for one request over the policies that bear on it,
// as AWS decides. An explicit Deny in any applicable statement wins.
// Otherwise, within one account, an Allow from an identity policy, from the
// resource policy naming the principal, or from a public ACL grant suffices.
// Across accounts (the resource's owner is not the principal's account),
// the resource side (resource policy or ACL) must grant the principal or
// its account, and an identity policy must allow as well. A permission
// boundary, when given, must also allow what identity policies allow.
// Anonymous requests are allowed only by grants to everyone. The owning
// account's root may do anything its resource policy does not deny.
//
// Pure and thread-safe; the inputs must outlive the call only.
#ifndef IAM_POLICY_EVALUATOR_H_
#define IAM_POLICY_EVALUATOR_H_

#include <string>
#include <vector>

#include "policy/acl.h"
#include "policy/policy_set.h"
#include "policy/request.h"

namespace iam::policy {

enum class Decision { kAllow, kExplicitDeny, kImplicitDeny };

const char* DecisionName(Decision d);  // "Allow", "ExplicitDeny", "ImplicitDeny"

struct PolicyInputs {
  const PolicySet* identity = nullptr;  // the principal's (user, groups, role)
  const PolicySet* boundary = nullptr;  // permission boundary; null: none
  const PolicySet* resource = nullptr;  // the resource's policy; null: none
  const Acl* acl = nullptr;             // the resource's ACL; null: none
  // A second boundary that must allow as well (a role's boundary within its
  // holder's); null: none.
  const PolicySet* second_boundary = nullptr;
};

struct Result {
  Decision decision = Decision::kImplicitDeny;
  // The statements that decided: the denies for ExplicitDeny, the allows
  // for Allow; empty for ImplicitDeny.
  absl::InlinedVector<const Statement*, 4> statements;
  // Grants from the ACL that allowed, and why an implicit deny was reached.
  std::vector<std::string> notes;
  // With explain: every statement considered and what became of it.
  std::vector<std::string> trace;

  // The statements' labels followed by the notes.
  std::vector<std::string> Reasons() const;
};

// request.action may be in any case. Call request.AddPrincipalKeys() first
// if the context does not carry aws:username and friends.
Result Evaluate(const PolicyInputs& inputs, const Request& request, bool explain = false);

}  // namespace iam::policy

#endif  // IAM_POLICY_EVALUATOR_H_
