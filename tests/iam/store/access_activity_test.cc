// Last-used data on both backends: rows merged from any number of writers
// in any order keep the latest use (and what allowed it) and add the uses
// up; the in-memory recorder merges many decisions into one row, keeps
// what the store refused for the next flush, drops (and counts) only past
// its limit, and many threads recording at once lose nothing.
#include "iam/authz/access_activity.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "iam/common/status_macros.h"
#include "iam/store/access_activity_store.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_database.h"

namespace iam::store {
namespace {

using access_activity::ActivityRow;

constexpr char kActivityAccount[] = "111111111111";
const PrincipalRef kActivityBob{PrincipalType::kUser, "U-bob"};
const PrincipalRef kActivityRole{PrincipalType::kRole, "R-dev"};

class AccessActivityTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override { IAM_OPEN_TEST_DATABASE(t_, GetParam()); }
  absl::Status Write(const std::function<absl::Status(Tx&)>& fn) {
    return t_->db().Transact(TxMode::kWrite, fn);
  }
  std::vector<ActivityRow> Rows(const PrincipalRef& p,
                                const std::string& account = kActivityAccount) {
    std::vector<ActivityRow> out;
    EXPECT_OK(t_->db().Transact(TxMode::kRead, [&](Tx& tx) -> absl::Status {
      ASSIGN_OR_RETURN(out, access_activity::ListOfPrincipal(tx, account, p));
      return absl::OkStatus();
    }));
    return out;
  }
  std::unique_ptr<testing::TestDatabase> t_;
};

ActivityRow ActivityUse(const PrincipalRef& p, const std::string& action, int64_t at,
                        const std::string& by, int64_t uses = 1) {
  return ActivityRow{kActivityAccount, p, action, at, by, uses};
}

TEST_P(AccessActivityTest, MergeKeepsTheLatestUseAndAddsUp) {
  ASSERT_OK(Write([&](Tx& tx) -> absl::Status {
    RETURN_IF_ERROR(
        access_activity::Merge(tx, ActivityUse(kActivityBob, "s3:GetObject", 100, "policy/A", 2)));
    // An older batch from a slower replica: counted, but the last use stays.
    RETURN_IF_ERROR(
        access_activity::Merge(tx, ActivityUse(kActivityBob, "S3:GETOBJECT", 50, "policy/Old", 3)));
    RETURN_IF_ERROR(
        access_activity::Merge(tx, ActivityUse(kActivityBob, "s3:PutObject", 70, "policy/B")));
    RETURN_IF_ERROR(
        access_activity::Merge(tx, ActivityUse(kActivityRole, "s3:GetObject", 10, "role")));
    return absl::OkStatus();
  }));
  auto rows = Rows(kActivityBob);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].action, "s3:GetObject");  // one row whatever the case
  EXPECT_EQ(rows[0].last_used_at, 100);
  EXPECT_EQ(rows[0].granted_by, "policy/A");
  EXPECT_EQ(rows[0].uses, 5);
  EXPECT_EQ(rows[1].action, "s3:PutObject");
  // A newer one moves it, with what allowed it then.
  ASSERT_OK(Write([&](Tx& tx) {
    return access_activity::Merge(tx, ActivityUse(kActivityBob, "s3:getobject", 200, "policy/C"));
  }));
  rows = Rows(kActivityBob);
  EXPECT_EQ(rows[0].last_used_at, 200);
  EXPECT_EQ(rows[0].granted_by, "policy/C");
  EXPECT_EQ(rows[0].action, "s3:getobject");
  EXPECT_EQ(rows[0].uses, 6);
  // Roles and other accounts are their own rows.
  EXPECT_EQ(Rows(kActivityRole).size(), 1u);
  EXPECT_TRUE(Rows(kActivityBob, "222222222222").empty());
  ASSERT_OK(
      Write([&](Tx& tx) { return access_activity::DeleteAllOfAccount(tx, kActivityAccount); }));
  EXPECT_TRUE(Rows(kActivityBob).empty());
}

TEST_P(AccessActivityTest, TrackingStartsOnce) {
  ASSERT_OK(Write([&](Tx& tx) -> absl::Status {
    EXPECT_FALSE(access_activity::TrackingStart(tx)->has_value());
    EXPECT_EQ(*access_activity::EnsureTrackingStart(tx, 1000), 1000);
    EXPECT_EQ(*access_activity::EnsureTrackingStart(tx, 5000), 1000);
    EXPECT_EQ(**access_activity::TrackingStart(tx), 1000);
    return absl::OkStatus();
  }));
}

TEST_P(AccessActivityTest, RecorderMergesDecisionsIntoOneRowPerAction) {
  authz::AccessActivity activity(&t_->db());
  for (int i = 0; i < 10; ++i) {
    activity.Record(kActivityAccount, kActivityBob.type, kActivityBob.id, "s3:GetObject",
                    "policy/A", 1000 + i);
  }
  activity.Record(kActivityAccount, kActivityBob.type, kActivityBob.id, "s3:GETOBJECT", "policy/B",
                  999);  // older: counted only
  activity.Record(kActivityAccount, kActivityRole.type, kActivityRole.id, "s3:GetObject", "role",
                  5);
  EXPECT_EQ(activity.stats().pending, 2);
  EXPECT_TRUE(Rows(kActivityBob).empty());  // nothing reaches the store before a flush
  ASSERT_OK(activity.Flush());
  auto rows = Rows(kActivityBob);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].uses, 11);
  EXPECT_EQ(rows[0].last_used_at, 1009);
  EXPECT_EQ(rows[0].granted_by, "policy/A");
  EXPECT_EQ(activity.stats().pending, 0);
  EXPECT_EQ(activity.stats().flushed, 2);
  EXPECT_EQ(activity.stats().recorded, 12);
  // The next interval's uses add to the stored row.
  activity.Record(kActivityAccount, kActivityBob.type, kActivityBob.id, "s3:GetObject", "policy/A",
                  2000);
  ASSERT_OK(activity.Flush());
  EXPECT_EQ(Rows(kActivityBob)[0].uses, 12);
  EXPECT_EQ(Rows(kActivityBob)[0].last_used_at, 2000);
}

TEST_P(AccessActivityTest, RefusedFlushKeepsTheRowsForTheNext) {
  authz::AccessActivity activity(&t_->db());
  activity.Record(kActivityAccount, kActivityBob.type, kActivityBob.id, "s3:GetObject", "policy/A",
                  100);
  ASSERT_OK(Write([&](Tx& tx) {
    return tx.Exec("ALTER TABLE access_activity RENAME TO access_activity_away", {}).status();
  }));
  EXPECT_FALSE(activity.Flush().ok());
  EXPECT_EQ(activity.stats().failed_flushes, 1);
  EXPECT_EQ(activity.stats().pending, 1);
  activity.Record(kActivityAccount, kActivityBob.type, kActivityBob.id, "s3:GetObject", "policy/B",
                  200);  // merged with the kept row
  ASSERT_OK(Write([&](Tx& tx) {
    return tx.Exec("ALTER TABLE access_activity_away RENAME TO access_activity", {}).status();
  }));
  ASSERT_OK(activity.Flush());
  auto rows = Rows(kActivityBob);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].uses, 2);
  EXPECT_EQ(rows[0].last_used_at, 200);
  EXPECT_EQ(rows[0].granted_by, "policy/B");
}

TEST_P(AccessActivityTest, BeyondItsLimitNewKeysAreDroppedAndCounted) {
  authz::AccessActivityOptions small;
  small.max_pending = 16;  // one key per shard
  authz::AccessActivity activity(&t_->db(), small);
  for (int i = 0; i < 200; ++i) {
    activity.Record(kActivityAccount, kActivityBob.type, kActivityBob.id,
                    "svc:Action" + std::to_string(i), "p", 1);
  }
  const auto s = activity.stats();
  EXPECT_LE(s.pending, 16);
  EXPECT_GT(s.dropped, 0);
  EXPECT_EQ(s.pending + s.dropped, 200);
  ASSERT_OK(activity.Flush());
  EXPECT_EQ(static_cast<int64_t>(Rows(kActivityBob).size()), s.pending);
}

TEST_P(AccessActivityTest, ManyThreadsAndTwoReplicasLoseNothing) {
  // Two recorders on one store, as two replicas: each flushes while the
  // threads record, and every use is counted once.
  authz::AccessActivityOptions fast;
  fast.flush_interval = absl::Milliseconds(5);
  fast.batch = 3;
  authz::AccessActivity a(&t_->db(), fast), b(&t_->db(), fast);
  a.Start();
  b.Start();
  constexpr int kThreads = 4, kEach = 500;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      authz::AccessActivity& r = t % 2 ? a : b;
      for (int i = 0; i < kEach; ++i) {
        r.Record(kActivityAccount, kActivityBob.type, kActivityBob.id,
                 "s3:Action" + std::to_string(i % 7), "p", 1 + i);
      }
    });
  }
  for (auto& t : threads) t.join();
  a.Stop();
  b.Stop();
  int64_t uses = 0;
  for (const auto& row : Rows(kActivityBob)) {
    uses += row.uses;
    EXPECT_GE(row.last_used_at, kEach - 7);
  }
  EXPECT_EQ(Rows(kActivityBob).size(), 7u);
  EXPECT_EQ(uses, kThreads * kEach);
  EXPECT_EQ(a.stats().dropped + b.stats().dropped, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, AccessActivityTest,
                         ::testing::Values(Backend::kSqlite, Backend::kMysql),
                         testing::BackendParamName());

}  // namespace
}  // namespace iam::store
