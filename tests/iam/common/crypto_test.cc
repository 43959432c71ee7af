#include "iam/common/crypto.h"

#include <gtest/gtest.h>

#include "iam/common/random.h"

namespace iam::crypto {
namespace {

TEST(CryptoTest, Sha256KnownAnswer) {
  EXPECT_EQ(Hex(Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(CryptoTest, HmacSha256Rfc4231Case2) {
  EXPECT_EQ(Hex(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(CryptoTest, AesGcmRoundTripAndTamperDetection) {
  CryptoRandom random;
  const std::string key = random.Bytes(32);
  const std::string sealed = AesGcmSeal(key, "bob@example.com", "acct/user/email", random.Bytes(12));
  EXPECT_EQ(*AesGcmOpen(key, sealed, "acct/user/email"), "bob@example.com");
  EXPECT_EQ(AesGcmOpen(key, sealed, "acct/other/email").status().code(),
            absl::StatusCode::kDataLoss);
  std::string flipped = sealed;
  flipped[15] ^= 1;
  EXPECT_EQ(AesGcmOpen(key, flipped, "acct/user/email").status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(AesGcmOpen(random.Bytes(32), sealed, "acct/user/email").status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(AesGcmOpen(key, "short", "x").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(CryptoTest, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
}

TEST(CryptoTest, EncodingsRoundTrip) {
  CryptoRandom random;
  const std::string bytes = random.Bytes(33);
  EXPECT_EQ(*FromBase64Url(Base64Url(bytes)), bytes);
  EXPECT_EQ(*FromBase64(Base64(bytes)), bytes);
  EXPECT_EQ(*FromHex(Hex(bytes)), bytes);
  EXPECT_FALSE(FromHex("zz").ok());
  EXPECT_FALSE(FromBase64Url("***").ok());
}

TEST(RandomTest, UniformStaysInRange) {
  CryptoRandom random;
  for (int i = 0; i < 1000; ++i) EXPECT_LT(random.Uniform(7), 7u);
}

}  // namespace
}  // namespace iam::crypto
