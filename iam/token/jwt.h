// JWT (RFC 7519) in JWS compact form: the claims this service issues, their
// encoding and signing, and the strict parsing of a presented token. No
// "none", no algorithm taken from the token alone: the key decides.
// Stateless.
#ifndef IAM_TOKEN_JWT_H_
#define IAM_TOKEN_JWT_H_

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "iam/token/signing_key.h"

namespace iam::token {

struct Claims {
  std::string iss;
  std::string sub;  // user id
  std::string aud;
  std::string jti;
  std::string sid;  // session id
  std::string account;
  std::string username;
  std::string client_type;
  std::vector<std::string> amr;  // "pwd", "otp", "recovery"...
  // OAuth tokens (RFC 9068): the client they were issued to, the granted
  // scopes (space-separated), and the thumbprint of the DPoP key they are
  // bound to (cnf.jkt, RFC 9449). A token without sid is a client's.
  std::string client_id;
  std::string scope;
  std::string cnf_jkt;
  // RFC 8693's act: who acts on the subject's behalf (a token exchange
  // with an actor token).
  std::string act_sub;
  std::string act_client_id;
  int64_t iat = 0;  // seconds since the epoch
  int64_t nbf = 0;
  int64_t exp = 0;
  int64_t auth_time = 0;

  nlohmann::json ToJson() const;
  // INVALID_ARGUMENT when a required claim is missing or mistyped.
  static absl::StatusOr<Claims> FromJson(const nlohmann::json& j);
};

// An access token: typ at+jwt (RFC 9068).
absl::StatusOr<std::string> SignJwt(const Claims& claims, const SigningKey& key);
// Any other JWT this service signs (an ID token, typ JWT; a logout token,
// typ logout+jwt): whatever `payload` holds.
absl::StatusOr<std::string> SignJws(const nlohmann::json& payload, absl::string_view typ,
                                    const SigningKey& key);

struct ParsedJwt {
  std::string alg;
  std::string kid;
  std::string signing_input;  // header.payload
  std::string signature;
  nlohmann::json header;
  nlohmann::json payload;
};

// UNAUTHENTICATED "token: <why>": how every refusal of a presented token
// reads, whichever check refused it.
absl::Status TokenRefused(absl::string_view why);

// Splits and decodes without verifying. UNAUTHENTICATED for anything that
// is not a well-formed access token of ours (typ at+jwt; size capped at
// 8 KiB).
absl::StatusOr<ParsedJwt> ParseJwt(absl::string_view token);
// The same for a JWS of someone else's (a client's assertion, a DPoP
// proof): kid is optional.
absl::StatusOr<ParsedJwt> ParseJws(absl::string_view token);

// Heuristic used to route a bearer credential: three base64url parts.
bool LooksLikeJwt(absl::string_view token);

}  // namespace iam::token

#endif  // IAM_TOKEN_JWT_H_
