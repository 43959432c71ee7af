// In-process authorization decisions with a warm cache (authz::Decider over
// the compiled snapshot of an account on SQLite): a user with 20 attached
// policies, in accounts of 20 and of 10,000 managed policies. The requests
// cycle through allowed, implicitly denied and explicitly denied checks.
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "iam/authz/access_activity.h"
#include "iam/authz/decider.h"
#include "iam/store/account_store.h"
#include "iam/store/iam_policy_store.h"
#include "iam/store/open_database.h"
#include "iam/store/user_store.h"

namespace iam {
namespace {

constexpr int kAttached = 20;

std::string Document(int i) {
  return absl::StrFormat(
      R"({"Version":"2012-10-17","Statement":[)"
      R"({"Sid":"Read","Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],)"
      R"("Resource":["arn:aws:s3:::bench-%d","arn:aws:s3:::bench-%d/*"],)"
      R"("Condition":{"IpAddress":{"aws:SourceIp":["127.0.0.0/8","::1/128","10.0.0.0/8"]}}},)"
      R"({"Sid":"KeepObjects","Effect":"Deny","Action":"s3:DeleteObject",)"
      R"("Resource":"arn:aws:s3:::bench-%d/*"}]})",
      i, i, i);
}

struct World {
  std::string dir;
  std::unique_ptr<store::Database> db;
  std::unique_ptr<authz::AuthzCache> cache;
  std::unique_ptr<authz::Decider> decider;
  // The same decisions with last-used data recorded (in memory; the
  // store's merge is another thread's work, not the decision's).
  std::unique_ptr<authz::AccessActivity> activity;
  std::unique_ptr<authz::Decider> recording;
  std::vector<authz::CheckInput> checks;
};

std::unique_ptr<World> Build(int policies) {
  auto w = std::make_unique<World>();
  std::string tmpl = (std::filesystem::temp_directory_path() / "iam-authz-bench-XXXXXX").string();
  w->dir = ::mkdtemp(tmpl.data());
  w->db = std::move(store::OpenDatabase("sqlite://" + w->dir + "/iam.db", {})).value();
  const std::string account = "123456789012";
  absl::Status s = w->db->Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
    store::AccountRow a;
    a.id = account;
    a.name = "bench";
    a.state = store::AccountState::kActive;
    if (auto st = store::accounts::Insert(tx, a); !st.ok()) return st;
    store::UserRow u;
    u.id = "u-bench";
    u.account_id = account;
    u.username = "bench-user";
    u.state = store::UserState::kActive;
    if (auto st = store::users::Insert(tx, u); !st.ok()) return st;
    for (int i = 0; i < policies; ++i) {
      store::ManagedPolicyRow p;
      p.id = absl::StrCat("p-", i);
      p.account_id = account;
      p.name = absl::StrCat("bench-", i);
      if (auto st = store::iam_policies::InsertPolicy(tx, p); !st.ok()) return st;
      store::PolicyVersionRow v;
      v.policy_id = p.id;
      v.version = 1;
      v.document = Document(i);
      if (auto st = store::iam_policies::InsertVersion(tx, account, v); !st.ok()) return st;
    }
    // The user's policies are spread over the account's.
    for (int k = 0; k < kAttached; ++k) {
      store::AttachmentRow at;
      at.policy_id = absl::StrCat("p-", k * (policies / kAttached));
      at.principal = {store::PrincipalType::kUser, "u-bench"};
      at.account_id = account;
      if (auto st = store::iam_policies::Attach(tx, at); !st.ok()) return st;
    }
    return absl::OkStatus();
  });
  if (!s.ok()) {
    fprintf(stderr, "set-up failed: %s\n", s.ToString().c_str());
    abort();
  }
  w->cache = std::make_unique<authz::AuthzCache>(w->db.get());
  static SystemClock clock;
  w->decider = std::make_unique<authz::Decider>(w->cache.get(), &clock);
  w->activity = std::make_unique<authz::AccessActivity>(w->db.get());
  w->recording = std::make_unique<authz::Decider>(w->cache.get(), &clock);
  w->recording->set_activity(w->activity.get());
  for (int k = 0; k < kAttached; ++k) {
    const std::string object =
        absl::StrCat("arn:aws:s3:::bench-", k * (policies / kAttached), "/reports/", k, ".csv");
    for (const char* action : {"s3:GetObject", "s3:PutObject", "s3:DeleteObject"}) {
      authz::CheckInput in;
      in.account_id = account;
      in.user = "bench-user";
      in.action = action;
      in.resource = object;
      in.context.push_back({"aws:SourceIp", {"10.1.2.3"}, false});
      w->checks.push_back(std::move(in));
    }
  }
  // Warm: the snapshot and the user's compiled policies.
  for (const auto& in : w->checks) {
    auto out = w->decider->Check(in);
    if (!out.ok()) {
      fprintf(stderr, "check failed: %s\n", out.status().ToString().c_str());
      abort();
    }
  }
  if (w->decider->Check(w->checks[0])->decision != policy::Decision::kAllow ||
      w->decider->Check(w->checks[2])->decision != policy::Decision::kExplicitDeny) {
    fprintf(stderr, "unexpected decisions\n");
    abort();
  }
  return w;
}

void BM_WarmDecision(benchmark::State& state) {
  static std::map<int, std::unique_ptr<World>> worlds;
  auto& w = worlds[static_cast<int>(state.range(0))];
  if (!w) w = Build(static_cast<int>(state.range(0)));
  size_t i = 0;
  for (auto _ : state) {
    auto out = w->decider->Check(w->checks[i]);
    benchmark::DoNotOptimize(out);
    if (++i == w->checks.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(absl::StrCat(kAttached, " attached of ", state.range(0), " policies"));
}
BENCHMARK(BM_WarmDecision)->Arg(kAttached)->Arg(10000);

// Two threads show what the recorder's shared table costs when both cores
// decide at once.
void BM_WarmDecisionRecordingUse(benchmark::State& state) {
  static absl::Mutex mu;
  static std::unique_ptr<World> w;
  {
    absl::MutexLock lock(&mu);
    if (!w) w = Build(kAttached);
  }
  const bool record = state.range(0) == 1;
  const authz::Decider& decider = record ? *w->recording : *w->decider;
  size_t i = state.thread_index();
  for (auto _ : state) {
    auto out = decider.Check(w->checks[i % w->checks.size()]);
    benchmark::DoNotOptimize(out);
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(record ? "last-used recorded" : "not recorded");
}
BENCHMARK(BM_WarmDecisionRecordingUse)->Arg(0)->Arg(1)->Threads(1)->Threads(2)->UseRealTime();

}  // namespace
}  // namespace iam

int main(int argc, char** argv) {
  // As iamd does: Debian's Abseil would check every Mutex acquisition for
  // lock-order cycles.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
