// TOTP through liboath against RFC 6238 Appendix B, and the window and
// replay rules of MatchTotp.
#include "iam/mfa/totp.h"

#include <gtest/gtest.h>

#include <limits>

namespace iam::mfa {
namespace {

// The RFC's seeds: the ASCII digits repeated to the hash's block size.
const std::string kSeed20 = "12345678901234567890";
const std::string kSeed32 = "12345678901234567890123456789012";
const std::string kSeed64 =
    "1234567890123456789012345678901234567890123456789012345678901234";

struct Vector {
  int64_t time;
  const char* sha1;
  const char* sha256;
  const char* sha512;
};

// RFC 6238 Appendix B, 8 digits, 30 s steps.
constexpr Vector kVectors[] = {
    {59, "94287082", "46119246", "90693936"},
    {1111111109, "07081804", "68084774", "25091201"},
    {1111111111, "14050471", "67062674", "99943326"},
    {1234567890, "89005924", "91819424", "93441116"},
    {2000000000, "69279037", "90698825", "38618901"},
    {20000000000, "65353130", "77737706", "47863826"},
};

TEST(TotpTest, Rfc6238AppendixBVectors) {
  for (const Vector& v : kVectors) {
    const int64_t step = TotpStep(v.time, 30);
    EXPECT_EQ(*TotpCode(kSeed20, {TotpAlgorithm::kSha1, 8, 30}, step), v.sha1) << v.time;
    EXPECT_EQ(*TotpCode(kSeed32, {TotpAlgorithm::kSha256, 8, 30}, step), v.sha256) << v.time;
    EXPECT_EQ(*TotpCode(kSeed64, {TotpAlgorithm::kSha512, 8, 30}, step), v.sha512) << v.time;
  }
}

TEST(TotpTest, SixDigitsAreTheLastSixOfTheTruncation) {
  // With 6 digits the same truncated value is taken modulo 10^6.
  EXPECT_EQ(*TotpCode(kSeed20, {TotpAlgorithm::kSha1, 6, 30}, TotpStep(59, 30)), "287082");
}

TEST(TotpTest, RefusesUnsupportedDigits) {
  EXPECT_FALSE(TotpCode(kSeed20, {TotpAlgorithm::kSha1, 5, 30}, 1).ok());
  EXPECT_FALSE(TotpCode(kSeed20, {TotpAlgorithm::kSha1, 9, 30}, 1).ok());
}

TEST(TotpTest, WindowAndReplay) {
  const TotpParams p;
  const int64_t now = 1700000000;
  const int64_t step = TotpStep(now, 30);
  const std::string prev = *TotpCode(kSeed20, p, step - 1);
  const std::string cur = *TotpCode(kSeed20, p, step);
  const std::string next = *TotpCode(kSeed20, p, step + 1);
  const std::string far = *TotpCode(kSeed20, p, step + 2);
  const int64_t never = std::numeric_limits<int64_t>::min();
  EXPECT_EQ(MatchTotp(kSeed20, p, cur, now, 1, never), step);
  EXPECT_EQ(MatchTotp(kSeed20, p, prev, now, 1, never), step - 1);
  EXPECT_EQ(MatchTotp(kSeed20, p, next, now, 1, never), step + 1);
  EXPECT_FALSE(MatchTotp(kSeed20, p, far, now, 1, never));
  EXPECT_FALSE(MatchTotp(kSeed20, p, prev, now, 0, never));  // window 0: this step only
  // Replay: the step accepted last, and any before it, are refused.
  EXPECT_FALSE(MatchTotp(kSeed20, p, cur, now, 1, step));
  EXPECT_FALSE(MatchTotp(kSeed20, p, prev, now, 1, step));
  EXPECT_EQ(MatchTotp(kSeed20, p, next, now, 1, step), step + 1);
  // Malformed codes never match.
  EXPECT_FALSE(MatchTotp(kSeed20, p, "", now, 1, never));
  EXPECT_FALSE(MatchTotp(kSeed20, p, cur + "0", now, 1, never));
  EXPECT_FALSE(MatchTotp(kSeed20, p, "' OR 1=1", now, 1, never));
}

TEST(TotpTest, Base32AndUri) {
  EXPECT_EQ(Base32("12345678901234567890"), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
  EXPECT_EQ(Base32("f"), "MY");  // no padding
  const std::string uri =
      OtpauthUri("Acme IAM", "bob@acme", kSeed20, {TotpAlgorithm::kSha256, 8, 30});
  EXPECT_EQ(uri,
            "otpauth://totp/Acme%20IAM:bob%40acme?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
            "&issuer=Acme%20IAM&algorithm=SHA256&digits=8&period=30");
}

}  // namespace
}  // namespace iam::mfa
