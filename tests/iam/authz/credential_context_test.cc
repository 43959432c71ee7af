#include "iam/authz/credential_context.h"

#include <gtest/gtest.h>

#include <map>

namespace iam::authz {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1767225600 + 3600);  // 2026-01-01T01:00:00Z

std::map<std::string, std::string> AsMap(const std::vector<ContextKey>& keys) {
  std::map<std::string, std::string> out;
  for (const auto& k : keys) {
    EXPECT_EQ(k.values.size(), 1u) << k.key;
    EXPECT_FALSE(k.multi) << k.key;
    out[k.key] = k.values.empty() ? "" : k.values[0];
  }
  return out;
}

token::Claims Refreshed() {
  token::Claims c;
  c.sid = "s1";
  c.amr = {"pwd", "otp", "mfa"};
  c.auth_time = 1767225600;   // logged in at midnight
  c.iat = 1767225600 + 1800;  // this token: refreshed at 00:30
  return c;
}

TEST(CredentialContextTest, ASessionTokenStatesItsMfaAndItsOwnIssueTime) {
  EXPECT_EQ(AsMap(SessionContext(SessionOf(Refreshed()), kNow)),
            (std::map<std::string, std::string>{
                {"aws:MultiFactorAuthPresent", "true"},
                {"aws:MultiFactorAuthAge", "3600"},  // since the login, not the refresh
                {"aws:TokenIssueTime", "2026-01-01T00:30:00Z"},
            }));
}

TEST(CredentialContextTest, WithoutASecondFactorThereIsNoMfaAge) {
  token::Claims c = Refreshed();
  c.amr = {"pwd"};
  EXPECT_EQ(AsMap(SessionContext(SessionOf(c), kNow)),
            (std::map<std::string, std::string>{
                {"aws:MultiFactorAuthPresent", "false"},
                {"aws:TokenIssueTime", "2026-01-01T00:30:00Z"},
            }));
}

TEST(CredentialContextTest, AClockBehindTheLoginGivesAgeZeroNotNegative) {
  token::Claims c = Refreshed();
  c.auth_time = absl::ToUnixSeconds(kNow) + 5;
  EXPECT_EQ(AsMap(SessionContext(SessionOf(c), kNow))["aws:MultiFactorAuthAge"], "0");
}

TEST(CredentialContextTest, TheCallerOfATokenHasTheTokensKeysPlusItsAddress) {
  const token::Claims c = Refreshed();
  account::Caller caller;
  caller.session_id = c.sid;
  caller.amr = c.amr;
  caller.auth_time = c.auth_time;
  caller.token_issued_at = c.iat;
  caller.source_ip = "10.0.0.7";
  auto keys = AsMap(CallerContext(caller, kNow));
  EXPECT_EQ(keys["aws:SourceIp"], "10.0.0.7");
  keys.erase("aws:SourceIp");
  EXPECT_EQ(keys, AsMap(SessionContext(SessionOf(c), kNow)));
}

TEST(CredentialContextTest, ALongTermKeyCarriesNoSessionKeys) {
  account::Caller caller;
  caller.access_key_id = "AKIA";
  caller.source_ip = "10.0.0.7";
  EXPECT_EQ(AsMap(CallerContext(caller, kNow)),
            (std::map<std::string, std::string>{{"aws:SourceIp", "10.0.0.7"}}));
  caller.source_ip.clear();
  EXPECT_TRUE(CallerContext(caller, kNow).empty());
}

}  // namespace
}  // namespace iam::authz
