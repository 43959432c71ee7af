#include "policy/policy_tests.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "policy/eval_input.h"

namespace iam::policy {
namespace {

using Json = nlohmann::json;

// Fields a test may take from the file's top level, or state itself.
constexpr const char* kShared[] = {"identity_policies", "permission_boundaries",
                                   "resource_policy", "acl"};

absl::Status Bad(const std::string& path, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", problem));
}

bool Known(const std::string& key, std::initializer_list<const char*> more) {
  for (const char* k : kShared) {
    if (key == k) return true;
  }
  for (const char* k : more) {
    if (key == k) return true;
  }
  return false;
}

}  // namespace

bool DecisionMeets(const std::string& expected, const std::string& got) {
  if (expected == "Deny") return got == "ExplicitDeny" || got == "ImplicitDeny";
  return expected == got;
}

absl::StatusOr<std::vector<PolicyTestCase>> ReadPolicyTests(const Json& file) {
  if (!file.is_object()) return Bad("file", "must be a map with tests");
  for (const auto& [key, _] : file.items()) {
    if (!Known(key, {"tests"})) return Bad(key, "unknown field");
  }
  if (!file.contains("tests") || !file["tests"].is_array() || file["tests"].empty()) {
    return Bad("tests", "a non-empty list of tests is required");
  }
  std::vector<PolicyTestCase> out;
  const Json& tests = file["tests"];
  for (size_t i = 0; i < tests.size(); ++i) {
    const Json& t = tests[i];
    PolicyTestCase c;
    c.where = absl::StrCat("tests[", i, "]");
    if (!t.is_object()) return Bad(c.where, "must be a map");
    if (!t.contains("name") || !t["name"].is_string() || t["name"].get<std::string>().empty()) {
      return Bad(c.where + ".name", "required");
    }
    c.name = t["name"].get<std::string>();
    c.where = absl::StrCat(c.where, " \"", c.name, "\"");
    for (const auto& [key, _] : t.items()) {
      if (!Known(key, {"name", "request", "expect", "reasons"})) {
        return Bad(c.where + "." + key, "unknown field");
      }
    }
    if (!t.contains("expect") || !t["expect"].is_string()) {
      return Bad(c.where + ".expect", "required: Allow, Deny, ExplicitDeny or ImplicitDeny");
    }
    c.expected = t["expect"].get<std::string>();
    bool known = false;
    for (const char* e : kExpectations) known = known || c.expected == e;
    if (!known) return Bad(c.where + ".expect", "must be Allow, Deny, ExplicitDeny or ImplicitDeny");
    if (t.contains("reasons")) {
      if (!t["reasons"].is_array()) return Bad(c.where + ".reasons", "must be a list of strings");
      std::vector<std::string> reasons;
      for (const Json& r : t["reasons"]) {
        if (!r.is_string()) return Bad(c.where + ".reasons", "must be a list of strings");
        reasons.push_back(r.get<std::string>());
      }
      c.expected_reasons = std::move(reasons);
    }
    if (!t.contains("request") || !t["request"].is_object()) {
      return Bad(c.where + ".request", "required: a map");
    }
    c.input = {{"request", t["request"]}};
    for (const char* key : kShared) {
      if (t.contains(key)) {
        c.input[key] = t[key];
      } else if (file.contains(key)) {
        c.input[key] = file[key];
      }
    }
    out.push_back(std::move(c));
  }
  return out;
}

absl::StatusOr<std::vector<PolicyTestOutcome>> RunPolicyTests(const Json& file) {
  auto cases = ReadPolicyTests(file);
  if (!cases.ok()) return cases.status();
  // Every test's input first, so that a malformed file runs nothing.
  std::vector<EvalInput> inputs;
  for (const PolicyTestCase& c : *cases) {
    auto parsed = ParseEvalInput(c.input);
    if (!parsed.ok()) return Bad(c.where, parsed.status().message());
    inputs.push_back(*std::move(parsed));
  }
  std::vector<PolicyTestOutcome> out;
  for (size_t i = 0; i < cases->size(); ++i) {
    const PolicyTestCase& c = (*cases)[i];
    const Result r = Evaluate(inputs[i].inputs(), inputs[i].request, /*explain=*/false);
    PolicyTestOutcome o;
    o.name = c.name;
    o.expected = c.expected;
    o.expected_reasons = c.expected_reasons;
    o.got = DecisionName(r.decision);
    o.reasons = r.Reasons();
    o.passed = DecisionMeets(o.expected, o.got) &&
               (!o.expected_reasons || *o.expected_reasons == o.reasons);
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace iam::policy
