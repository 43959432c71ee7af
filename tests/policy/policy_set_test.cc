// The index must never lose a statement: random policies and requests are
// evaluated through the index and through a linear scan, and must agree.
#include "policy/policy_set.h"

#include <gtest/gtest.h>

#include <random>

#include "absl/strings/str_cat.h"
#include "policy/evaluator.h"

namespace iam::policy {
namespace {

const std::vector<std::string> kActions = {
    "s3:GetObject", "s3:PutObject", "s3:Get*", "s3:*", "*", "iam:CreateUser", "iam:*User",
    "*:Get*", "s3:?etObject", "ec2:RunInstances"};
const std::vector<std::string> kResources = {
    "*", "arn:aws:s3:::b1/*", "arn:aws:s3:::b1/k1", "arn:aws:s3:::b2/*", "arn:aws:s3:::b*",
    "arn:aws:s3:::*/k1", "arn:aws:iam::111122223333:user/*", "arn:aws:iam::*:user/alice",
    "arn:aws:s3:::home/${aws:username}/*", "arn:aws:s3:::b1/k?"};
const std::vector<std::string> kRequestActions = {"s3:GetObject", "s3:PutObject", "iam:CreateUser",
                                                  "iam:DeleteUser", "ec2:RunInstances",
                                                  "sqs:GetQueueUrl"};
const std::vector<std::string> kRequestResources = {
    "arn:aws:s3:::b1/k1", "arn:aws:s3:::b1/k2", "arn:aws:s3:::b2/k1", "arn:aws:s3:::b3/x",
    "arn:aws:iam::111122223333:user/alice", "arn:aws:iam::999999999999:user/alice",
    "arn:aws:s3:::home/alice/f", "arn:aws:s3:::home/bob/f"};

std::string RandomPolicy(std::mt19937& rng) {
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  std::string stmts;
  const int n = 1 + rng() % 3;
  for (int i = 0; i < n; ++i) {
    const bool deny = rng() % 4 == 0;
    const bool not_action = rng() % 6 == 0;
    const bool not_resource = rng() % 6 == 0;
    if (i) stmts += ",";
    absl::StrAppend(&stmts, "{\"Effect\":\"", deny ? "Deny" : "Allow", "\",\"",
                    not_action ? "NotAction" : "Action", "\":[\"", pick(kActions), "\",\"",
                    pick(kActions), "\"],\"", not_resource ? "NotResource" : "Resource",
                    "\":\"", pick(kResources), "\"}");
  }
  return absl::StrCat("{\"Version\":\"2012-10-17\",\"Statement\":[", stmts, "]}");
}

TEST(PolicySetTest, TheIndexAgreesWithALinearScan) {
  std::mt19937 rng(20261121);
  for (int round = 0; round < 300; ++round) {
    std::vector<Policy> a, b;
    const int policies = 1 + rng() % 40;
    for (int i = 0; i < policies; ++i) {
      const std::string text = RandomPolicy(rng);
      auto p = ParsePolicy(text, {});
      ASSERT_TRUE(p.ok()) << p.status() << "\n" << text;
      a.push_back(*p);
      b.push_back(*std::move(p));
    }
    auto indexed = PolicySet::Compile(std::move(a), true);
    auto linear = PolicySet::Compile(std::move(b), false);
    for (const std::string& action : kRequestActions) {
      for (const std::string& resource : kRequestResources) {
        Request r;
        r.principal = {"111122223333", "alice", "arn:aws:iam::111122223333:user/alice", {}, "", false};
        r.action = action;
        r.resource = resource;
        r.AddPrincipalKeys();
        Result x = Evaluate({indexed.get(), nullptr, nullptr, nullptr}, r);
        Result y = Evaluate({linear.get(), nullptr, nullptr, nullptr}, r);
        ASSERT_EQ(x.decision, y.decision) << action << " " << resource << " round " << round;
        ASSERT_EQ(x.Reasons(), y.Reasons()) << action << " " << resource;
      }
    }
  }
}

TEST(PolicySetTest, TouchesOnlyCandidates) {
  std::vector<Policy> policies;
  for (int i = 0; i < 1000; ++i) {
    policies.push_back(*ParsePolicy(
        absl::StrCat("{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",",
                     "\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::bucket-", i, "/*\"}}"),
        {}));
  }
  auto set = PolicySet::Compile(std::move(policies));
  Candidates c;
  set->FindCandidates("s3:getobject", "arn:aws:s3:::bucket-417/key", &c);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0]->label, "policy.Statement");
  c.clear();
  set->FindCandidates("s3:putobject", "arn:aws:s3:::bucket-417/key", &c);
  EXPECT_TRUE(c.empty());
}

}  // namespace
}  // namespace iam::policy
