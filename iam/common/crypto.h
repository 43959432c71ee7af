// Thin wrappers over OpenSSL for the primitives the service uses: SHA-256,
// HMAC-SHA256, HKDF, AES-256-GCM, constant-time comparison and the text
// encodings of binary values. Stateless and thread-safe. Nothing here is a
// home-made primitive.
#ifndef IAM_COMMON_CRYPTO_H_
#define IAM_COMMON_CRYPTO_H_

#include "absl/strings/string_view.h"
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace iam::crypto {

inline constexpr size_t kAes256KeyBytes = 32;

std::string Sha256(absl::string_view data);
std::string HmacSha256(absl::string_view key, absl::string_view data);
// RFC 5869 HKDF-SHA256 with an empty salt.
std::string Hkdf(absl::string_view key, absl::string_view info, size_t out_len);

// AES-256-GCM. The output is nonce(12) || ciphertext || tag(16); `aad` is
// authenticated but not stored, and must be given again to decrypt.
std::string AesGcmSeal(absl::string_view key, absl::string_view plaintext,
                       absl::string_view aad, absl::string_view nonce12);
// INVALID_ARGUMENT for a malformed input, DATA_LOSS when authentication fails
// (wrong key, wrong aad, or altered bytes).
absl::StatusOr<std::string> AesGcmOpen(absl::string_view key, absl::string_view sealed,
                                       absl::string_view aad);

// Compares in time that depends on the lengths only.
bool ConstantTimeEquals(absl::string_view a, absl::string_view b);

std::string Hex(absl::string_view bytes);
absl::StatusOr<std::string> FromHex(absl::string_view hex);
std::string Base64Url(absl::string_view bytes);  // no padding
absl::StatusOr<std::string> FromBase64Url(absl::string_view text);
std::string Base64(absl::string_view bytes);  // standard, padded
absl::StatusOr<std::string> FromBase64(absl::string_view text);

}  // namespace iam::crypto

#endif  // IAM_COMMON_CRYPTO_H_
