// Signed requests: an access key may sign each gRPC request instead of
// presenting its secret, so that a request captured on the way cannot be
// sent again and the secret never travels. The caller sends
//
//   authorization: IAM-HMAC-SHA256 Credential=<key id>, Timestamp=<unix s>,
//                  Nonce=<16-64 of [A-Za-z0-9_-]>, Signature=<64 hex>
//
// where Signature = hex(HMAC-SHA256(K, StringToSign)), K is
// SigningKeyOf(secret), and StringToSign is
//
//   IAM-HMAC-SHA256 \n <full method, "/iam.v1.AdminService/GetUser"> \n
//   <Timestamp> \n <Nonce> \n <hex SHA-256 of the serialized request>
//
// (no spaces around the newlines). The request is serialized as protobuf
// does by default, fields in number order (map entries in key order). The
// server refuses a timestamp more than five minutes from its clock and a
// nonce it saw for that key. Pure.
#ifndef IAM_ACCOUNT_REQUEST_SIGNING_H_
#define IAM_ACCOUNT_REQUEST_SIGNING_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace iam::account {

inline constexpr char kSignedScheme[] = "IAM-HMAC-SHA256";
inline constexpr int64_t kMaxRequestSkewSeconds = 300;

struct SignedAuthorization {
  std::string key_id;
  int64_t timestamp = 0;
  std::string nonce;
  std::string signature;  // lower-case hex
};

// The value after "IAM-HMAC-SHA256 ". INVALID_ARGUMENT naming the part.
absl::StatusOr<SignedAuthorization> ParseSignedAuthorization(absl::string_view value);

// The key a secret signs with; what the server keeps (sealed) instead of
// the secret.
std::string SigningKeyOf(absl::string_view secret);

std::string StringToSign(absl::string_view method, int64_t timestamp, absl::string_view nonce,
                         absl::string_view body_sha256_hex);

// hex(HMAC-SHA256(signing_key, string_to_sign)).
std::string RequestSignature(absl::string_view signing_key, absl::string_view string_to_sign);

}  // namespace iam::account

#endif  // IAM_ACCOUNT_REQUEST_SIGNING_H_
