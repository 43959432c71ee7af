// The lockout and throttling rules as pure functions of a counter and a time.
#include <gtest/gtest.h>

#include "iam/auth/challenge.h"
#include "iam/auth/lockout_policy.h"

namespace iam::auth {
namespace {

constexpr int64_t kS = 1000;

TEST(LockoutTest, LocksAtTheThresholdAndWaitsGrow) {
  LockoutPolicy p;
  p.max_failures = 3;
  p.wait_increment_seconds = 60;
  p.strategy = "multiplying";
  p.max_wait_seconds = 200;
  p.quick_login_check_ms = 0;
  FailureCounter c;
  int64_t now = 1000 * kS;
  for (int i = 0; i < 2; ++i) {
    c = RecordSubjectFailure(p, c, now += 10 * kS);
    EXPECT_FALSE(SubjectLock(c, now).locked);
  }
  c = RecordSubjectFailure(p, c, now += 10 * kS);
  LockState l = SubjectLock(c, now);
  EXPECT_TRUE(l.locked);
  EXPECT_EQ(l.retry_after_ms, 60 * kS);
  EXPECT_FALSE(SubjectLock(c, now + 60 * kS).locked);
  now += 61 * kS;
  for (int i = 0; i < 3; ++i) c = RecordSubjectFailure(p, c, now += 10 * kS);
  EXPECT_EQ(SubjectLock(c, now).retry_after_ms, 120 * kS);
  EXPECT_EQ(LockoutWaitSeconds(p, 3), 200) << "capped at the maximum wait";
  p.strategy = "linear";
  EXPECT_EQ(LockoutWaitSeconds(p, 2), 120);
  EXPECT_EQ(LockoutWaitSeconds(p, 3), 180);
}

TEST(LockoutTest, ResetWindowForgetsOldFailures) {
  LockoutPolicy p;
  p.max_failures = 3;
  p.failure_reset_seconds = 600;
  p.quick_login_check_ms = 0;
  FailureCounter c;
  c = RecordSubjectFailure(p, c, 1000 * kS);
  c = RecordSubjectFailure(p, c, 1010 * kS);
  EXPECT_EQ(LiveFailures(p, c, 1100 * kS), 2);
  EXPECT_EQ(LiveFailures(p, c, 1700 * kS), 0);
  c = RecordSubjectFailure(p, c, 1700 * kS);
  EXPECT_EQ(c.failures, 1);
  EXPECT_FALSE(SubjectLock(c, 1700 * kS).locked);
}

TEST(LockoutTest, QuickSuccessionLocksBriefly) {
  LockoutPolicy p;
  p.quick_login_check_ms = 1000;
  p.min_quick_login_wait_seconds = 30;
  FailureCounter c = RecordSubjectFailure(p, {}, 1000 * kS);
  EXPECT_FALSE(SubjectLock(c, 1000 * kS).locked);
  c = RecordSubjectFailure(p, c, 1000 * kS + 400);
  EXPECT_EQ(SubjectLock(c, 1000 * kS + 400).retry_after_ms, 30 * kS);
}

TEST(LockoutTest, PermanentDirectlyOrAfterTemporaryLockouts) {
  LockoutPolicy p;
  p.max_failures = 2;
  p.quick_login_check_ms = 0;
  p.permanent_lockout = true;
  FailureCounter c;
  c = RecordSubjectFailure(p, c, 1 * kS);
  c = RecordSubjectFailure(p, c, 2 * kS);
  EXPECT_TRUE(SubjectLock(c, 10'000'000 * kS).permanent);

  p.max_temporary_lockouts = 1;
  c = {};
  c = RecordSubjectFailure(p, c, 1 * kS);
  c = RecordSubjectFailure(p, c, 2 * kS);
  EXPECT_FALSE(c.permanent);
  EXPECT_TRUE(SubjectLock(c, 3 * kS).locked);
  c = RecordSubjectFailure(p, c, 200 * kS);
  c = RecordSubjectFailure(p, c, 201 * kS);
  EXPECT_TRUE(c.permanent) << "the second lockout is permanent";
}

TEST(ThrottleTest, SlowsThenBlocks) {
  ThrottlePolicy p;
  p.slow_after_failures = 3;
  p.slow_delay_ms = 2000;
  p.block_after_failures = 5;
  p.block_seconds = 600;
  FailureCounter c;
  int64_t now = 1000 * kS;
  for (int i = 0; i < 3; ++i) c = RecordSourceFailure(p, c, now += 5 * kS);
  EXPECT_TRUE(SourceLock(p, c, now + 500).locked) << "too soon after a failure";
  EXPECT_EQ(SourceLock(p, c, now + 500).retry_after_ms, 1500);
  EXPECT_FALSE(SourceLock(p, c, now + 2000).locked);
  c = RecordSourceFailure(p, c, now += 5 * kS);
  c = RecordSourceFailure(p, c, now += 5 * kS);
  EXPECT_EQ(SourceLock(p, c, now).retry_after_ms, 600 * kS);
  EXPECT_FALSE(SourceLock(p, c, now + 600 * kS).locked);
}

TEST(LockoutPolicyTest, JsonStatesEveryFieldAndValidates) {
  LockoutPolicy p;
  auto back = LockoutPolicy::FromJson(p.ToJson());
  ASSERT_TRUE(back.ok());
  nlohmann::json j = p.ToJson();
  j["strategy"] = "exponential";
  EXPECT_EQ(LockoutPolicy::FromJson(j).status().code(), absl::StatusCode::kInvalidArgument);
  j = p.ToJson();
  j.erase("max_failures");
  EXPECT_NE(LockoutPolicy::FromJson(j).status().message().find("max_failures"),
            std::string::npos);
}

TEST(ChallengeTest, PassesAreBoundToAddressAndExpire) {
  FakeClock clock;
  HmacChallengeVerifier v("s3cret", &clock);
  const int64_t now = absl::ToUnixSeconds(clock.Now());
  const std::string pass = HmacChallengeVerifier::Mint("s3cret", now + 60, "10.0.0.1");
  EXPECT_TRUE(v.Verify(pass, "10.0.0.1", 0));
  EXPECT_FALSE(v.Verify(pass, "10.0.0.2", 0));
  EXPECT_FALSE(v.Verify(HmacChallengeVerifier::Mint("other", now + 60, "10.0.0.1"), "10.0.0.1", 0));
  EXPECT_FALSE(v.Verify("garbage", "10.0.0.1", 0));
  EXPECT_FALSE(v.Verify(HmacChallengeVerifier::Mint("s3cret", now + 86400, "10.0.0.1"),
                        "10.0.0.1", 0))
      << "a pass may not live long";
  clock.Advance(absl::Seconds(61));
  EXPECT_FALSE(v.Verify(pass, "10.0.0.1", 0));
}

}  // namespace
}  // namespace iam::auth
