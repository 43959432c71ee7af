// The device authorization grant's codes on both backends: what a user
// may type, guesses limited per address, a device that polls too fast
// slowed down for good, an approval and the tokens taken once however
// many replicas race, and codes that end.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "iam/common/clock.h"
#include "iam/common/random.h"
#include "iam/oauth/client_service.h"
#include "iam/oauth/device_authorization.h"
#include "iam/store/device_code_store.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_database.h"

namespace iam::oauth {
namespace {

constexpr char kDeviceAccount[] = "111111111111";

class DeviceCodeTest : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    IAM_OPEN_TEST_DATABASE(t_, GetParam());
    clock_.Set(absl::FromUnixSeconds(1'800'000'000));
    devices_ = std::make_unique<DeviceAuthorization>(t_->db(), clock_, random_);
  }
  absl::StatusOr<int64_t> Approve(const std::string& device_code) {
    int64_t changed = 0;
    absl::Status s = t_->db().Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
      auto n = store::device_codes::Decide(tx, SecretDigest(device_code), "approved", "U1", "S1");
      if (!n.ok()) return n.status();
      changed = *n;
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
    return changed;
  }

  FakeClock clock_;
  CryptoRandom random_;
  std::unique_ptr<testing::TestDatabase> t_;
  std::unique_ptr<DeviceAuthorization> devices_;
};

TEST_P(DeviceCodeTest, UserCodesAreTypedLoosely) {
  EXPECT_EQ(DeviceAuthorization::NormalizeUserCode("bcdf-ghjk"), "BCDFGHJK");
  EXPECT_EQ(DeviceAuthorization::NormalizeUserCode(" BCDF GHJK "), "BCDFGHJK");
  for (const char* bad : {"", "BCDF-GHJ", "BCDF-GHJKL", "ABCD-EFGH", "BCDF-GHJ1", "BCDF'GHJK",
                          "ＢＣＤＦ-ＧＨＪＫ", "\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8"}) {
    EXPECT_EQ(DeviceAuthorization::NormalizeUserCode(bad), "") << bad;
  }
  auto started = devices_->Start(kDeviceAccount, "tv", "openid", "oauth", "10.0.0.9");
  ASSERT_OK(started.status());
  EXPECT_THAT(started->user_code,
              ::testing::MatchesRegex("[B-DF-HJ-NP-TV-XZ]{4}-[B-DF-HJ-NP-TV-XZ]{4}"));
  std::string lower = started->user_code;
  for (char& c : lower) c = static_cast<char>(std::tolower(c));
  auto found = devices_->Lookup(kDeviceAccount, lower, "10.0.0.1");
  ASSERT_OK(found.status());
  EXPECT_EQ(found->client_id, "tv");
  EXPECT_EQ(found->source_ip, "10.0.0.9");
  // Another account's page does not know it.
  EXPECT_TRUE(absl::IsNotFound(devices_->Lookup("222222222222", lower, "10.0.0.1").status()));
}

TEST_P(DeviceCodeTest, GuessesAreLimitedPerAddress) {
  for (int i = 0; i < 9; ++i) {
    EXPECT_TRUE(absl::IsNotFound(devices_->Lookup(kDeviceAccount, "BCDF-GHJK", "10.0.0.66").status()));
  }
  EXPECT_TRUE(absl::IsNotFound(devices_->Lookup(kDeviceAccount, "' OR 1=1 --", "10.0.0.66").status()));
  auto started = devices_->Start(kDeviceAccount, "tv", "", "oauth", "");
  ASSERT_OK(started.status());
  EXPECT_TRUE(absl::IsResourceExhausted(
      devices_->Lookup(kDeviceAccount, started->user_code, "10.0.0.66").status()))
      << "even the right code, once an address has guessed too often";
  EXPECT_OK(devices_->Lookup(kDeviceAccount, started->user_code, "10.0.0.67").status());
  clock_.Advance(absl::Minutes(11));
  auto fresh = devices_->Start(kDeviceAccount, "tv", "", "oauth", "");
  ASSERT_OK(fresh.status());
  EXPECT_OK(devices_->Lookup(kDeviceAccount, fresh->user_code, "10.0.0.66").status())
      << "the window passes";
}

TEST_P(DeviceCodeTest, PollingTooFastSlowsTheDeviceDown) {
  auto started = devices_->Start(kDeviceAccount, "tv", "", "oauth", "");
  ASSERT_OK(started.status());
  auto poll = [&] { return devices_->Poll(kDeviceAccount, "tv", "oauth", started->device_code); };
  EXPECT_EQ(poll()->kind, DevicePoll::kPending);
  EXPECT_EQ(poll()->kind, DevicePoll::kSlowDown);
  clock_.Advance(absl::Seconds(6));
  EXPECT_EQ(poll()->kind, DevicePoll::kSlowDown) << "the interval is now 10 s";
  clock_.Advance(absl::Seconds(16));
  EXPECT_EQ(poll()->kind, DevicePoll::kPending);
  // Another client, purpose or account: not this device's code.
  EXPECT_TRUE(
      absl::IsNotFound(devices_->Poll(kDeviceAccount, "other", "oauth", started->device_code).status()));
  EXPECT_TRUE(
      absl::IsNotFound(devices_->Poll(kDeviceAccount, "tv", "cli", started->device_code).status()));
  EXPECT_TRUE(absl::IsNotFound(
      devices_->Poll("222222222222", "tv", "oauth", started->device_code).status()));
  EXPECT_TRUE(
      absl::IsNotFound(devices_->Poll(kDeviceAccount, "tv", "oauth", std::string(500, 'a')).status()));
  clock_.Advance(absl::Minutes(10));
  EXPECT_EQ(poll()->kind, DevicePoll::kExpired);
}

TEST_P(DeviceCodeTest, ApprovedOnceAndTakenOnceUnderRaces) {
  auto started = devices_->Start(kDeviceAccount, "tv", "openid", "oauth", "");
  ASSERT_OK(started.status());
  std::atomic<int> approvals{0}, taken{0}, expired{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      auto n = Approve(started->device_code);
      if (n.ok() && *n == 1) ++approvals;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(approvals.load(), 1);
  threads.clear();
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      auto p = devices_->Poll(kDeviceAccount, "tv", "oauth", started->device_code);
      if (p.ok() && p->kind == DevicePoll::kApproved) ++taken;
      if (p.ok() && p->kind == DevicePoll::kExpired) ++expired;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(taken.load(), 1);
  EXPECT_EQ(taken.load() + expired.load(), 4) << "every other poll is told it is over";
  // Decided codes cannot be decided again, nor looked up by their user.
  auto again = Approve(started->device_code);
  ASSERT_OK(again.status());
  EXPECT_EQ(*again, 0);
  EXPECT_TRUE(
      absl::IsNotFound(devices_->Lookup(kDeviceAccount, started->user_code, "10.0.0.2").status()));
}

INSTANTIATE_TEST_SUITE_P(Backends, DeviceCodeTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kMysql),
                         testing::BackendParamName());

}  // namespace
}  // namespace iam::oauth
