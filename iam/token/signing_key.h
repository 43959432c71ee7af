// SigningKey: one asymmetric key pair for JWS, through OpenSSL: ES256
// (P-256), EdDSA (Ed25519) and RS256 (RSA-2048). Signs, verifies, and
// describes its public half as a JWK. Immutable once built; thread-safe.
#ifndef IAM_TOKEN_SIGNING_KEY_H_
#define IAM_TOKEN_SIGNING_KEY_H_

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace iam::token {

enum class Alg { kES256, kEdDSA, kRS256 };

absl::StatusOr<Alg> ParseAlg(absl::string_view name);  // "ES256", "EdDSA", "RS256"
const char* AlgName(Alg alg);

class SigningKey {
 public:
  static absl::StatusOr<std::shared_ptr<const SigningKey>> Generate(Alg alg, std::string kid);
  // From the PKCS#8 PEM that PrivatePem() wrote.
  static absl::StatusOr<std::shared_ptr<const SigningKey>> FromPrivatePem(
      Alg alg, std::string kid, absl::string_view pem);
  // A verify-only key from a public JWK (a key another replica generated and
  // whose private half this one does not need).
  static absl::StatusOr<std::shared_ptr<const SigningKey>> FromPublicJwk(const nlohmann::json& jwk);
  ~SigningKey();

  const std::string& kid() const { return kid_; }
  Alg alg() const { return alg_; }
  bool can_sign() const { return has_private_; }

  // The raw JWS signature (r||s for ES256).
  absl::StatusOr<std::string> Sign(absl::string_view data) const;
  bool Verify(absl::string_view data, absl::string_view signature) const;

  std::string PrivatePem() const;
  // {"kty", "kid", "alg", "use": "sig", and the public parameters}.
  nlohmann::json PublicJwk() const;

 private:
  SigningKey(Alg alg, std::string kid, EVP_PKEY* pkey, bool has_private);

  Alg alg_;
  std::string kid_;
  EVP_PKEY* pkey_;
  bool has_private_;
};

}  // namespace iam::token

#endif  // IAM_TOKEN_SIGNING_KEY_H_
