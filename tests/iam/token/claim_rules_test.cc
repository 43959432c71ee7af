// The claim rules of a token, at the edges of its window.
#include "iam/token/claim_rules.h"

#include <gtest/gtest.h>

namespace iam::token {
namespace {

constexpr int64_t kNow = 1'800'000'000;

Claims Valid() {
  Claims c;
  c.iss = "https://iam.example";
  c.aud = "orders";
  c.iat = kNow - 60;
  c.nbf = kNow - 60;
  c.exp = kNow + 600;
  return c;
}

const ClaimRules kRules{"https://iam.example", "orders", 30};

std::string Why(const absl::Status& s) { return std::string(s.message()); }

TEST(ClaimRulesTest, ValidClaimsPass) { EXPECT_TRUE(CheckClaims(Valid(), kRules, kNow).ok()); }

TEST(ClaimRulesTest, IssuerAndAudienceMustMatchExactly) {
  Claims c = Valid();
  c.iss = "https://iam.example/";
  EXPECT_EQ(Why(CheckClaims(c, kRules, kNow)), "token: wrong issuer");
  c = Valid();
  c.aud = "Orders";
  auto s = CheckClaims(c, kRules, kNow);
  EXPECT_TRUE(absl::IsUnauthenticated(s));
  EXPECT_EQ(Why(s), "token: wrong audience");
  c.aud = "";
  EXPECT_EQ(Why(CheckClaims(c, kRules, kNow)), "token: wrong audience");
}

TEST(ClaimRulesTest, ExpiryAllowsTheLeewayAndNotOneSecondMore) {
  Claims c = Valid();
  c.exp = kNow - 29;  // expired 29 s ago: inside the 30 s leeway
  EXPECT_TRUE(CheckClaims(c, kRules, kNow).ok());
  c.exp = kNow - 30;  // exp + leeway == now: expired
  EXPECT_EQ(Why(CheckClaims(c, kRules, kNow)), "token: expired");
  c.exp = kNow + 1;
  EXPECT_TRUE(CheckClaims(c, ClaimRules{kRules.issuer, kRules.audience, 0}, kNow).ok());
  c.exp = kNow;
  EXPECT_EQ(Why(CheckClaims(c, ClaimRules{kRules.issuer, kRules.audience, 0}, kNow)),
            "token: expired");
}

TEST(ClaimRulesTest, NotBeforeAllowsTheLeewayAndNotOneSecondMore) {
  Claims c = Valid();
  c.nbf = kNow + 30;  // starts 30 s from now: inside the leeway
  EXPECT_TRUE(CheckClaims(c, kRules, kNow).ok());
  c.nbf = kNow + 31;
  EXPECT_EQ(Why(CheckClaims(c, kRules, kNow)), "token: not yet valid");
}

TEST(ClaimRulesTest, TheIssuerIsCheckedBeforeTheWindow) {
  // A token from elsewhere is refused as such even when it has also expired:
  // the reason names what is most wrong.
  Claims c = Valid();
  c.iss = "https://evil.example";
  c.exp = kNow - 3600;
  EXPECT_EQ(Why(CheckClaims(c, kRules, kNow)), "token: wrong issuer");
}

}  // namespace
}  // namespace iam::token
