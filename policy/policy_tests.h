// Policy tests: a file of policies and the decisions requests must get, as
// `iam-policy test` runs it (and `iamctl simulate --file` against an
// account's live policies). Like OpenFGA's model tests or `zed validate`:
// a change to a policy that breaks an expectation fails in CI.
//
//   identity_policies: [...]      # shared by every test; each may override
//   permission_boundaries: [...]
//   resource_policy: {...}
//   acl: {...}
//   tests:
//     - name: bob reads the photos
//       request: {principal: {account: "111122223333", user: bob},
//                 action: s3:GetObject, resource: arn:aws:s3:::photos/a.jpg}
//       expect: Allow            # Allow, Deny (either), ExplicitDeny, ImplicitDeny
//       reasons: [...]           # optional: exactly these reasons
//
// Pure: the file as JSON in, outcomes out.
#ifndef IAM_POLICY_POLICY_TESTS_H_
#define IAM_POLICY_POLICY_TESTS_H_

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"

namespace iam::policy {

struct PolicyTestOutcome {
  std::string name;
  std::string expected;  // as the file says it
  std::string got;       // the decision's name
  std::optional<std::vector<std::string>> expected_reasons;
  std::vector<std::string> reasons;
  bool passed = false;
};

// One test as the file states it.
struct PolicyTestCase {
  std::string name;
  std::string where;     // `tests[2] "bob reads"`, for errors
  std::string expected;  // one of kExpectations
  std::optional<std::vector<std::string>> expected_reasons;
  nlohmann::json input;  // the eval input: the request with the policies that apply
};

// The tests of a file, checked for their shape (not yet their policies).
// INVALID_ARGUMENT naming the path of the first problem.
absl::StatusOr<std::vector<PolicyTestCase>> ReadPolicyTests(const nlohmann::json& file);

// Checks the whole file first: INVALID_ARGUMENT naming the path of the
// first problem (`tests[2] "bob reads": request.principal.account: ...`),
// before any test runs.
absl::StatusOr<std::vector<PolicyTestOutcome>> RunPolicyTests(const nlohmann::json& file);

// Whether a decision name answers an expectation ("Deny" takes either deny).
bool DecisionMeets(const std::string& expected, const std::string& got);

// The expectations a file may state.
inline constexpr const char* kExpectations[] = {"Allow", "Deny", "ExplicitDeny", "ImplicitDeny"};

}  // namespace iam::policy

#endif  // IAM_POLICY_POLICY_TESTS_H_
