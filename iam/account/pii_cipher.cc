#include "iam/account/pii_cipher.h"

#include "absl/strings/match.h"
#include "iam/common/crypto.h"
#include "iam/common/status_macros.h"

namespace iam::account {

PiiCipher::PiiCipher(absl::string_view master_key, Random* random)
    : enc_key_(crypto::Hkdf(master_key, "iam/pii/aes-256-gcm/v1", 32)),
      index_key_(crypto::Hkdf(master_key, "iam/pii/blind-index/v1", 32)),
      random_(random) {}

std::string PiiCipher::Seal(absl::string_view plaintext, absl::string_view binding) const {
  const std::string nonce = random_->Bytes(12);
  return "v1:" + crypto::Base64Url(crypto::AesGcmSeal(enc_key_, plaintext, binding, nonce));
}

absl::StatusOr<std::string> PiiCipher::Open(absl::string_view sealed,
                                            absl::string_view binding) const {
  if (!absl::StartsWith(sealed, "v1:")) return absl::DataLossError("unknown PII cipher version");
  auto raw = crypto::FromBase64Url(sealed.substr(3));
  if (!raw.ok()) return absl::DataLossError("PII ciphertext is not base64url");
  return crypto::AesGcmOpen(enc_key_, *raw, binding);
}

std::string PiiCipher::BlindIndex(absl::string_view value) const {
  return crypto::Hex(crypto::HmacSha256(index_key_, value));
}

}  // namespace iam::account
