// Policy test files: what passes, what fails and why, and what is refused
// before anything runs.
#include "policy/policy_tests.h"

#include <gtest/gtest.h>

namespace iam::policy {
namespace {

using nlohmann::json;

json File() {
  return json::parse(R"json({
    "identity_policies": [{"Version": "2012-10-17", "Statement": [
      {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
      {"Sid": "NoSecrets", "Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::b/secret/*"}]}],
    "tests": [
      {"name": "reads", "expect": "Allow", "reasons": ["identity_policies[0].Statement[0] (Read)"],
       "request": {"principal": {"account": "111122223333", "user": "bob"},
                   "action": "s3:GetObject", "resource": "arn:aws:s3:::b/a"}},
      {"name": "no secrets", "expect": "Deny",
       "request": {"principal": {"account": "111122223333", "user": "bob"},
                   "action": "s3:GetObject", "resource": "arn:aws:s3:::b/secret/x"}},
      {"name": "a test with its own policies", "expect": "ImplicitDeny", "identity_policies": [],
       "request": {"principal": {"account": "111122223333", "user": "bob"},
                   "action": "s3:GetObject", "resource": "arn:aws:s3:::b/a"}}
    ]})json");
}

TEST(PolicyTestsTest, PassesAndFails) {
  auto outcomes = RunPolicyTests(File());
  ASSERT_TRUE(outcomes.ok()) << outcomes.status();
  ASSERT_EQ(outcomes->size(), 3u);
  for (const auto& o : *outcomes) EXPECT_TRUE(o.passed) << o.name << ": " << o.got;
  EXPECT_EQ((*outcomes)[1].got, "ExplicitDeny");

  json wrong = File();
  wrong["tests"][1]["expect"] = "ImplicitDeny";  // it is an explicit deny
  wrong["tests"][0]["reasons"] = {"something else"};
  outcomes = RunPolicyTests(wrong);
  ASSERT_TRUE(outcomes.ok());
  EXPECT_FALSE((*outcomes)[0].passed);  // the decision is right, the reasons are not
  EXPECT_EQ((*outcomes)[0].got, "Allow");
  EXPECT_FALSE((*outcomes)[1].passed);
  EXPECT_TRUE((*outcomes)[2].passed);
}

TEST(PolicyTestsTest, RefusesAMalformedFileWholeNamingThePlace) {
  struct Bad {
    std::function<void(json&)> change;
    std::string says;
  };
  for (const Bad& b : std::vector<Bad>{
           {[](json& f) { f["colour"] = 1; }, "colour: unknown field"},
           {[](json& f) { f["tests"] = json::array(); }, "tests: a non-empty list of tests is required"},
           {[](json& f) { f["tests"][2].erase("name"); }, "tests[2].name: required"},
           {[](json& f) { f["tests"][1]["expect"] = "Maybe"; },
            "tests[1] \"no secrets\".expect: must be Allow, Deny, ExplicitDeny or ImplicitDeny"},
           {[](json& f) { f["tests"][1]["extra"] = 1; }, "tests[1] \"no secrets\".extra: unknown field"},
           {[](json& f) { f["tests"][2]["request"]["principal"]["account"] = "a:b"; },
            "tests[2] \"a test with its own policies\": request.principal.account: must be an account"},
           {[](json& f) { f["identity_policies"][0]["Statement"][0]["Effect"] = "Maybe"; },
            "tests[0] \"reads\": identity_policies[0].Statement[0].Effect"},
       }) {
    json f = File();
    b.change(f);
    auto outcomes = RunPolicyTests(f);
    ASSERT_FALSE(outcomes.ok()) << b.says;
    EXPECT_EQ(outcomes.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(outcomes.status().message().find(b.says), std::string::npos)
        << outcomes.status().message();
  }
}

TEST(PolicyTestsTest, DenyMeetsEitherDeny) {
  EXPECT_TRUE(DecisionMeets("Deny", "ExplicitDeny"));
  EXPECT_TRUE(DecisionMeets("Deny", "ImplicitDeny"));
  EXPECT_FALSE(DecisionMeets("Deny", "Allow"));
  EXPECT_FALSE(DecisionMeets("ExplicitDeny", "ImplicitDeny"));
}

}  // namespace
}  // namespace iam::policy
