// Password hashing (real Argon2id), policy checks and the blocklist.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "iam/auth/password_blocklist.h"
#include "iam/auth/password_hasher.h"
#include "iam/auth/password_policy.h"
#include "iam/common/worker_pool.h"
#include "tests/support/status_matchers.h"

namespace iam::auth {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

TEST(PasswordHasherTest, HashesToPhcAndVerifies) {
  CryptoRandom random;
  PasswordHasher h(Argon2Params{1024, 1, 1}, &random, 1, 4);
  auto phc = h.Hash("correct horse battery staple");
  ASSERT_OK(phc.status());
  EXPECT_THAT(*phc, HasSubstr("$argon2id$v=19$m=1024,t=1,p=1$"));
  auto other = h.Hash("correct horse battery staple");
  EXPECT_NE(*phc, *other) << "each hash has its own salt";
  EXPECT_TRUE(h.Verify("correct horse battery staple", *phc)->match);
  EXPECT_FALSE(h.Verify("correct horse battery stapl", *phc)->match);
  EXPECT_FALSE(h.Verify("x", "not a hash")->match);
  EXPECT_FALSE(h.Verify("x", "$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHQ$aGFzaA")->match)
      << "a hash whose cost would exhaust the server is refused";
}

TEST(PasswordHasherTest, OlderParametersAskForARehash) {
  CryptoRandom random;
  PasswordHasher old_params(Argon2Params{1024, 1, 1}, &random, 1, 4);
  PasswordHasher current(Argon2Params{2048, 2, 1}, &random, 1, 4);
  const std::string phc = old_params.HashNow("pw-123456");
  VerifyOutcome v = current.VerifyNow("pw-123456", phc);
  EXPECT_TRUE(v.match);
  EXPECT_TRUE(v.needs_rehash);
  EXPECT_FALSE(current.VerifyNow("pw-123456", current.HashNow("pw-123456")).needs_rehash);
  EXPECT_FALSE(current.VerifyNow("wrong", phc).needs_rehash);
}

TEST(PasswordHasherTest, DefaultsAreOwaspsArgon2id) {
  Argon2Params p;
  EXPECT_EQ(p.memory_kib, 19u * 1024);
  EXPECT_EQ(p.iterations, 2u);
  EXPECT_EQ(p.parallelism, 1u);
  Argon2Params parsed;
  ASSERT_TRUE(ParsePhcParams("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", &parsed));
  EXPECT_EQ(parsed.memory_kib, 19456u);
  EXPECT_FALSE(ParsePhcParams("$argon2i$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", &parsed));
}

TEST(WorkerPoolTest, AFullQueueRefusesInsteadOfGrowing) {
  WorkerPool pool(1, 1);
  std::atomic<bool> release{false};
  std::atomic<int> done{0};
  std::thread busy([&] {
    EXPECT_OK(pool.Run([&] {
      while (!release) std::this_thread::yield();
      ++done;
    }));
  });
  // Let the worker take the first task, then fill the one queue slot. (A
  // short pause, not a timing assertion: the outcome does not depend on it
  // unless the machine stalls for the whole pause.)
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::thread queued([&] { EXPECT_OK(pool.Run([&] { ++done; })); });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_CODE(pool.Run([] {}), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(pool.stats().queued, 1u);
  EXPECT_EQ(pool.stats().refused, 1u);
  release = true;
  busy.join();
  queued.join();
  EXPECT_EQ(done, 2);
  EXPECT_EQ(pool.stats().completed, 2u);
  EXPECT_EQ(pool.stats().queued, 0u);
}

TEST(WorkerPoolTest, AnIdleWorkerTakesATaskEvenWithNoQueue) {
  WorkerPool pool(1, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // the worker starts waiting
  int ran = 0;
  EXPECT_OK(pool.Run([&] { ++ran; }));
  EXPECT_EQ(ran, 1);
}

TEST(PasswordPolicyTest, NistDefaults) {
  PasswordPolicy p;
  EXPECT_EQ(p.min_length, 8);
  EXPECT_GE(p.max_length, 64);
  EXPECT_TRUE(p.blocklist);
  EXPECT_FALSE(p.require_upper || p.require_lower || p.require_digit || p.require_symbol);
  EXPECT_EQ(p.max_age_days, 0);
  const auto& bl = PasswordBlocklist::BuiltIn();
  EXPECT_THAT(CheckPassword(p, "plain lowercase phrase", {"bob", ""}, &bl), IsEmpty());
  EXPECT_THAT(CheckPassword(p, "short", {"bob", ""}, &bl), SizeIs(1));
}

TEST(PasswordPolicyTest, NamesEveryBrokenRule) {
  PasswordPolicy p;
  p.min_length = 12;
  p.require_upper = p.require_digit = p.require_symbol = true;
  p.min_character_classes = 4;
  const auto v = CheckPassword(p, "alicepass", {"alice", "alice@example.com"},
                               &PasswordBlocklist::BuiltIn());
  const std::string all = ViolationsToStatus(v).ToString();
  EXPECT_THAT(all, HasSubstr("shorter than 12"));
  EXPECT_THAT(all, HasSubstr("no uppercase"));
  EXPECT_THAT(all, HasSubstr("no digit"));
  EXPECT_THAT(all, HasSubstr("no symbol"));
  EXPECT_THAT(all, HasSubstr("1 of the 4"));
  EXPECT_THAT(all, HasSubstr("contains the username"));
  EXPECT_THAT(all, HasSubstr("email"));
  EXPECT_THAT(all, ::testing::Not(HasSubstr("alicepass"))) << "never echoes the password";
}

TEST(PasswordPolicyTest, CountsCodePointsAndNeverTruncates) {
  PasswordPolicy p;
  p.min_length = 8;
  p.max_length = 10;
  // Eight characters, 24 bytes.
  EXPECT_THAT(CheckPassword(p, "密码密码密码密码", {"u", ""}, nullptr), IsEmpty());
  EXPECT_THAT(CheckPassword(p, "密码密码密", {"u", ""}, nullptr), SizeIs(1));
  EXPECT_THAT(CheckPassword(p, "abcdefghijk", {"u", ""}, nullptr), SizeIs(1))
      << "eleven characters are refused, not cut to ten";
  EXPECT_THAT(CheckPassword(p, std::string("abc\xff\xfe" "defgh"), {"u", ""}, nullptr),
              SizeIs(1));
}

TEST(PasswordPolicyTest, KOfFourClasses) {
  PasswordPolicy p;
  p.min_character_classes = 3;
  EXPECT_THAT(CheckPassword(p, "abcdEFGH1", {"u", ""}, nullptr), IsEmpty());
  EXPECT_THAT(CheckPassword(p, "abcdEFGHI", {"u", ""}, nullptr), SizeIs(1));
  EXPECT_THAT(CheckPassword(p, "abcd efgh 1", {"u", ""}, nullptr), IsEmpty());
}

TEST(PasswordPolicyTest, JsonMustStateEveryField) {
  PasswordPolicy p;
  p.history = 5;
  auto back = PasswordPolicy::FromJson(p.ToJson());
  ASSERT_OK(back.status());
  EXPECT_EQ(back->history, 5);
  nlohmann::json missing = p.ToJson();
  missing.erase("history");
  EXPECT_THAT(PasswordPolicy::FromJson(missing).status().message(), HasSubstr("history"));
  nlohmann::json unknown = p.ToJson();
  unknown["colour"] = 1;
  EXPECT_THAT(PasswordPolicy::FromJson(unknown).status().message(), HasSubstr("colour"));
  nlohmann::json bad = p.ToJson();
  bad["min_length"] = 0;
  EXPECT_THAT(PasswordPolicy::FromJson(bad).status().message(), HasSubstr("min_length"));
  bad = p.ToJson();
  bad["max_length"] = "long";
  EXPECT_THAT(PasswordPolicy::FromJson(bad).status().message(), HasSubstr("max_length"));
}

TEST(PasswordBlocklistTest, CaseInsensitiveAndFastForAMillion) {
  const auto& bl = PasswordBlocklist::BuiltIn();
  EXPECT_TRUE(bl.Contains("password"));
  EXPECT_TRUE(bl.Contains("PassWord123"));
  EXPECT_TRUE(bl.Contains("Welcome1"));
  EXPECT_FALSE(bl.Contains("tangerine-orbit-42-quietly"));
  std::string text;
  for (int i = 0; i < 1000000; ++i) text += "breached-" + std::to_string(i) + "\n";
  PasswordBlocklist big = PasswordBlocklist::FromText(text);
  EXPECT_EQ(big.size(), 1000000u);
  EXPECT_TRUE(big.Contains("BREACHED-999999"));
  EXPECT_FALSE(big.Contains("breached-1000000"));
}

TEST(PasswordBlocklistTest, AFileAddsToTheBuiltInList) {
  const std::string path = ::testing::TempDir() + "/blocklist.txt";
  {
    std::ofstream f(path);
    f << "# the company's own weak choices\n\nAcme-Spring-2026\r\nacmerocks\n";
  }
  auto bl = PasswordBlocklist::LoadWithBuiltIn(path);
  ASSERT_OK(bl);
  EXPECT_TRUE((*bl)->Contains("acme-spring-2026")) << "CRLF endings and case do not matter";
  EXPECT_TRUE((*bl)->Contains("ACMEROCKS"));
  EXPECT_TRUE((*bl)->Contains("password")) << "the built-in list still applies";
  EXPECT_FALSE((*bl)->Contains("# the company's own weak choices"));
  EXPECT_EQ((*bl)->size(), PasswordBlocklist::BuiltIn().size() + 2);
  EXPECT_CODE(PasswordBlocklist::LoadWithBuiltIn(path + ".missing"),
              absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace iam::auth
