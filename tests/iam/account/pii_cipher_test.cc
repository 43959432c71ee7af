#include "iam/account/pii_cipher.h"

#include <gtest/gtest.h>

namespace iam::account {
namespace {

TEST(PiiCipherTest, SealedValuesAreBoundToTheirRowAndField) {
  CryptoRandom random;
  PiiCipher cipher(random.Bytes(32), &random);
  const std::string sealed = cipher.Seal("bob@example.com", "acct/U1/email");
  EXPECT_EQ(*cipher.Open(sealed, "acct/U1/email"), "bob@example.com");
  EXPECT_EQ(cipher.Open(sealed, "acct/U2/email").status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(cipher.Seal("bob@example.com", "acct/U1/email"), sealed);  // fresh nonce
  PiiCipher other(random.Bytes(32), &random);
  EXPECT_EQ(other.Open(sealed, "acct/U1/email").status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(cipher.Open("v9:abc", "x").status().code(), absl::StatusCode::kDataLoss);
}

TEST(PiiCipherTest, BlindIndexIsStableAndKeyed) {
  CryptoRandom random;
  const std::string key = random.Bytes(32);
  PiiCipher a(key, &random), b(key, &random), c(random.Bytes(32), &random);
  EXPECT_EQ(a.BlindIndex("bob@example.com"), b.BlindIndex("bob@example.com"));
  EXPECT_NE(a.BlindIndex("bob@example.com"), c.BlindIndex("bob@example.com"));
}

}  // namespace
}  // namespace iam::account
