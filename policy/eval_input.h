// The JSON contract of `iam-policy eval`: one object holding the policies
// that bear on a request, the request itself, and the answer's shape.
// Errors name the JSON path ("request.principal.account: ..."). Pure.
#ifndef IAM_POLICY_EVAL_INPUT_H_
#define IAM_POLICY_EVAL_INPUT_H_

#include <memory>
#include <optional>

#include <nlohmann/json.hpp>

#include "policy/evaluator.h"

namespace iam::policy {

struct EvalInput {
  std::shared_ptr<const PolicySet> identity;
  std::shared_ptr<const PolicySet> boundary;  // null: no boundary
  std::shared_ptr<const PolicySet> resource;  // null: no resource policy
  std::optional<Acl> acl;
  Request request;

  PolicyInputs inputs() const {
    return PolicyInputs{identity.get(), boundary.get(), resource.get(), acl ? &*acl : nullptr};
  }
};

// INVALID_ARGUMENT with the JSON path of the first problem.
absl::StatusOr<EvalInput> ParseEvalInput(const nlohmann::json& input);
absl::StatusOr<Acl> ParseAcl(const nlohmann::json& acl, const std::string& path);

// {"decision": ..., "reasons": [...]} and, with explain, "trace".
nlohmann::json ResultToJson(const Result& result, bool explain);

}  // namespace iam::policy

#endif  // IAM_POLICY_EVAL_INPUT_H_
