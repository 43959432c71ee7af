// Signing keys and JWTs for every algorithm, through OpenSSL.
#include <gtest/gtest.h>

#include "iam/common/crypto.h"
#include "iam/token/jwt.h"
#include "iam/token/signing_key.h"

namespace iam::token {
namespace {

class SigningKeyTest : public ::testing::TestWithParam<Alg> {};

TEST_P(SigningKeyTest, SignsVerifiesAndRoundTrips) {
  auto key = SigningKey::Generate(GetParam(), "kid-1");
  ASSERT_TRUE(key.ok());
  auto sig = (*key)->Sign("hello");
  ASSERT_TRUE(sig.ok());
  if (GetParam() == Alg::kES256) {
    EXPECT_EQ(sig->size(), 64u) << "JWS wants r||s";
  }
  if (GetParam() == Alg::kEdDSA) {
    EXPECT_EQ(sig->size(), 64u);
  }
  EXPECT_TRUE((*key)->Verify("hello", *sig));
  EXPECT_FALSE((*key)->Verify("hellO", *sig));
  std::string bad = *sig;
  bad[5] ^= 1;
  EXPECT_FALSE((*key)->Verify("hello", bad));
  EXPECT_FALSE((*key)->Verify("hello", ""));

  auto from_pem = SigningKey::FromPrivatePem(GetParam(), "kid-1", (*key)->PrivatePem());
  ASSERT_TRUE(from_pem.ok());
  EXPECT_TRUE((*from_pem)->Verify("hello", *sig));
  auto from_jwk = SigningKey::FromPublicJwk((*key)->PublicJwk());
  ASSERT_TRUE(from_jwk.ok()) << from_jwk.status();
  EXPECT_TRUE((*from_jwk)->Verify("hello", *sig));
  EXPECT_FALSE((*from_jwk)->can_sign());
  EXPECT_EQ((*key)->PublicJwk().dump().find("\"d\""), std::string::npos)
      << "no private part in the JWK";
}

TEST_P(SigningKeyTest, JwtRoundTripAndTamper) {
  auto key = SigningKey::Generate(GetParam(), "k");
  ASSERT_TRUE(key.ok());
  Claims c;
  c.iss = "https://iam.example";
  c.sub = "AIDA1";
  c.aud = "iam";
  c.jti = "j";
  c.sid = "s";
  c.account = "123456789012";
  c.username = "alice";
  c.amr = {"pwd"};
  c.iat = c.nbf = 1000;
  c.exp = 1600;
  c.auth_time = 999;
  auto jwt = SignJwt(c, **key);
  ASSERT_TRUE(jwt.ok());
  auto parsed = ParseJwt(*jwt);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->alg, AlgName(GetParam()));
  EXPECT_TRUE((*key)->Verify(parsed->signing_input, parsed->signature));
  auto back = Claims::FromJson(parsed->payload);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->username, "alice");
  EXPECT_EQ(back->amr, std::vector<std::string>{"pwd"});

  // Swap the payload for one naming another user: the signature fails.
  Claims evil = c;
  evil.sub = "AIDA2";
  const size_t d1 = jwt->find('.'), d2 = jwt->rfind('.');
  std::string forged = jwt->substr(0, d1 + 1) + crypto::Base64Url(evil.ToJson().dump()) +
                       jwt->substr(d2);
  auto fp = ParseJwt(forged);
  ASSERT_TRUE(fp.ok());
  EXPECT_FALSE((*key)->Verify(fp->signing_input, fp->signature));
}

INSTANTIATE_TEST_SUITE_P(Algs, SigningKeyTest,
                         ::testing::Values(Alg::kES256, Alg::kEdDSA, Alg::kRS256),
                         [](const auto& info) { return std::string(AlgName(info.param)); });

TEST(JwtTest, RefusesMalformedTokens) {
  EXPECT_FALSE(ParseJwt("").ok());
  EXPECT_FALSE(ParseJwt("a.b").ok());
  EXPECT_FALSE(ParseJwt("a.b.c.d").ok());
  EXPECT_FALSE(ParseJwt(std::string(9000, 'a') + ".b.c").ok());
  const std::string none_header = crypto::Base64Url(R"({"alg":"none"})");
  EXPECT_FALSE(ParseJwt(none_header + "." + crypto::Base64Url("{}") + ".").ok())
      << "no kid, no key, no token";
  const std::string crit = crypto::Base64Url(R"({"alg":"ES256","kid":"k","crit":["x"]})");
  EXPECT_FALSE(ParseJwt(crit + "." + crypto::Base64Url("{}") + ".c2ln").ok());
  EXPECT_FALSE(Claims::FromJson(nlohmann::json::parse(R"({"iss":1})")).ok());
}

}  // namespace
}  // namespace iam::token
