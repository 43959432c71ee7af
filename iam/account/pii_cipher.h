// PiiCipher: encryption at rest of personal fields (email, phone) under keys
// derived from the master key, and a keyed "blind index" so an email can be
// looked up without being stored in clear. Each ciphertext is bound to its
// row and field (AES-GCM associated data), so a value copied to another user
// fails to decrypt. Thread-safe; the Random must outlive the cipher.
#ifndef IAM_ACCOUNT_PII_CIPHER_H_
#define IAM_ACCOUNT_PII_CIPHER_H_

#include "absl/strings/string_view.h"
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "iam/common/random.h"

namespace iam::account {

class PiiCipher {
 public:
  // master_key: 32 bytes.
  PiiCipher(absl::string_view master_key, Random* random);

  // Text form: "v1:" + base64url(nonce || ciphertext || tag).
  std::string Seal(absl::string_view plaintext, absl::string_view binding) const;
  // DATA_LOSS when the value was altered, moved, or sealed under another key.
  absl::StatusOr<std::string> Open(absl::string_view sealed, absl::string_view binding) const;
  // Hex HMAC of the value: equal inputs give equal indexes, nothing else leaks.
  std::string BlindIndex(absl::string_view value) const;

 private:
  std::string enc_key_;
  std::string index_key_;
  Random* random_;
};

}  // namespace iam::account

#endif  // IAM_ACCOUNT_PII_CIPHER_H_
