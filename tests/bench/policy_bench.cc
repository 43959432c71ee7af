// Decisions over many attached identity policies. Policy i allows
// s3:GetObject on arn:aws:s3:::bucket-i/*; the request reads one object of
// one bucket, so exactly one policy matches (or none, for the miss case).
//   scripts/bench.sh    (runs this and the same workloads on Cedar)
#include <benchmark/benchmark.h>

#include "absl/strings/str_cat.h"
#include "policy/evaluator.h"

namespace iam::policy {
namespace {

std::shared_ptr<const PolicySet> MakeSet(int n) {
  std::vector<Policy> policies;
  policies.reserve(n);
  for (int i = 0; i < n; ++i) {
    auto p = ParsePolicy(
        absl::StrCat(R"({"Version":"2012-10-17","Statement":{"Effect":"Allow",)",
                     R"("Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket-)", i, R"(/*"}})"),
        {});
    policies.push_back(std::move(*p));
  }
  return PolicySet::Compile(std::move(policies));
}

Request MakeRequest(const std::string& bucket) {
  Request r;
  r.principal = {"111122223333", "alice", "arn:aws:iam::111122223333:user/alice", {}, "", false};
  r.action = "s3:GetObject";
  r.resource = absl::StrCat("arn:aws:s3:::", bucket, "/photos/2026/cat.jpg");
  r.context.Set("aws:SourceIp", {"10.1.2.3"}, false);
  r.AddPrincipalKeys();
  return r;
}

// state.range(0): number of policies; range(1): 1 = one matches, 0 = none.
void BM_Decision(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const bool match = state.range(1) == 1;
  auto set = MakeSet(n);
  const Request req = MakeRequest(match ? absl::StrCat("bucket-", n / 2) : "no-such-bucket");
  const PolicyInputs in{set.get(), nullptr, nullptr, nullptr};
  const Decision expected = match ? Decision::kAllow : Decision::kImplicitDeny;
  for (auto _ : state) {
    Result r = Evaluate(in, req);
    if (r.decision != expected) state.SkipWithError("wrong decision");
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["policies"] = n;
}
BENCHMARK(BM_Decision)
    ->Args({10, 1})
    ->Args({1000, 1})
    ->Args({1000, 0})
    ->Args({10000, 1})
    ->Args({100000, 1})
    ->Args({100000, 0});

// A richer policy: conditions, variables and a deny, 20 statements.
void BM_DecisionWithConditions(benchmark::State& state) {
  std::vector<Policy> policies;
  for (int i = 0; i < 20; ++i) {
    policies.push_back(*ParsePolicy(absl::StrCat(R"({"Version":"2012-10-17","Statement":[
      {"Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":"arn:aws:s3:::team-)", i,
                                                 R"(/home/${aws:username}/*",
       "Condition":{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","192.168.0.0/16"]},
                    "Bool":{"aws:SecureTransport":"true"}}},
      {"Effect":"Deny","Action":"s3:*","Resource":"*",
       "Condition":{"StringLike":{"aws:PrincipalTag/status":"suspended*"}}}]})"),
                                    {}));
  }
  auto set = PolicySet::Compile(std::move(policies));
  Request req = MakeRequest("team-7/home/alice");
  req.context.Set("aws:SecureTransport", {"true"}, false);
  const PolicyInputs in{set.get(), nullptr, nullptr, nullptr};
  for (auto _ : state) {
    Result r = Evaluate(in, req);
    if (r.decision != Decision::kAllow) state.SkipWithError("wrong decision");
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecisionWithConditions);

void BM_ParsePolicy(benchmark::State& state) {
  const std::string text = R"({"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow",
    "Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::b/${aws:username}/*",
    "Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]})";
  for (auto _ : state) benchmark::DoNotOptimize(ParsePolicy(text, {}));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParsePolicy);

}  // namespace
}  // namespace iam::policy

BENCHMARK_MAIN();
