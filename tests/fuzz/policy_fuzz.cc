// libFuzzer target for the policy parser and evaluator. The first byte picks
// the entry point: a policy document (identity or resource), evaluated
// against a few fixed requests and linted when it parses, a whole `iam-policy eval`
// input, or (0xFF) a policy test file as `iam-policy test` runs it.
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "policy/eval_input.h"
#include "policy/lint.h"
#include "policy/policy.h"
#include "policy/policy_tests.h"

namespace {

using namespace iam::policy;

void EvaluatePolicy(Policy policy, PolicyKind kind) {
  std::vector<Policy> one;
  one.push_back(std::move(policy));
  auto set = PolicySet::Compile(std::move(one));
  static const char* kActions[] = {"s3:GetObject", "iam:CreateUser", "ec2:RunInstances"};
  static const char* kResources[] = {"arn:aws:s3:::bucket/key", "*",
                                     "arn:aws:iam::111122223333:user/alice"};
  for (const char* action : kActions) {
    for (const char* resource : kResources) {
      Request r;
      r.principal = {"111122223333", "alice", "arn:aws:iam::111122223333:user/alice", {}, "", false};
      r.action = action;
      r.resource = resource;
      r.resource_owner = "444455556666";
      r.context.Set("aws:SourceIp", {"10.1.2.3"}, false);
      r.context.Set("aws:TagKeys", {"a", "b"}, true);
      r.context.Set("aws:CurrentTime", {"2026-01-01T00:00:00Z"}, false);
      r.context.Set("s3:max-keys", {"12"}, false);
      r.AddPrincipalKeys();
      PolicyInputs in;
      (kind == PolicyKind::kIdentity ? in.identity : in.resource) = set.get();
      (void)Evaluate(in, r, /*explain=*/true);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  if (data[0] == 0xFF) {
    auto json = nlohmann::json::parse(text, nullptr, false);
    if (!json.is_discarded()) (void)RunPolicyTests(json);
    return 0;
  }
  switch (data[0] % 3) {
    case 0:
    case 1: {
      ParseOptions o;
      o.kind = data[0] % 3 == 0 ? PolicyKind::kIdentity : PolicyKind::kResource;
      auto p = ParsePolicy(text, o);
      if (p.ok()) {
        EvaluatePolicy(std::move(*p), o.kind);
        (void)LintPolicy(nlohmann::json::parse(text, nullptr, false), o.kind);
      }
      break;
    }
    default: {
      auto json = nlohmann::json::parse(text, nullptr, false);
      if (json.is_discarded()) break;
      auto input = ParseEvalInput(json);
      if (input.ok()) (void)Evaluate(input->inputs(), input->request, true);
    }
  }
  return 0;
}
