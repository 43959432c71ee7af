// The public keys a client registers for private_key_jwt (RFC 7523): a JWK
// Set of ES256 (P-256), EdDSA (Ed25519) or RS256 (RSA, 2048 bits or more)
// signature keys. A key without "alg" takes the one its type implies; a
// key with a private part is refused, so a client that pasted its private
// JWK by mistake hears so instead of having it stored. Stateless.
#ifndef IAM_OAUTH_CLIENT_KEYS_H_
#define IAM_OAUTH_CLIENT_KEYS_H_

#include <memory>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "iam/token/signing_key.h"

namespace iam::oauth {

using VerifyKeys = std::vector<std::shared_ptr<const token::SigningKey>>;

// INVALID_ARGUMENT naming `field` and the key when the set does not qualify.
absl::Status CheckClientJwks(absl::string_view field, const nlohmann::json& jwks);

// The set's verification keys (kid "" for keys that have none).
absl::StatusOr<VerifyKeys> ClientVerifyKeys(const nlohmann::json& jwks);

// An upstream identity provider's published set, read leniently: keys for
// encryption, of other types or algorithms, or with private parts are
// passed over (a provider publishes what it publishes); INVALID_ARGUMENT
// when no signature key this service verifies is left.
absl::StatusOr<VerifyKeys> UpstreamVerifyKeys(const nlohmann::json& jwks);

}  // namespace iam::oauth

#endif  // IAM_OAUTH_CLIENT_KEYS_H_
