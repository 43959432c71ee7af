// DPoP proofs (RFC 9449): a JWT the client signs with its own key for each
// request, naming the HTTP method and URI, so that a token bound to that
// key (cnf.jkt) is worth nothing to whoever steals it without the key.
// This file checks one proof's form, signature, method, URI, age and (for
// a request that carries a token) its `ath`; that the proof is used only
// once is the caller's to enforce across replicas (ProofReplayKey names
// it). Pure: the caller supplies the time.
#ifndef IAM_TOKEN_DPOP_H_
#define IAM_TOKEN_DPOP_H_

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace iam::token {

// How far a proof's iat may lie from now: RFC 9449 leaves the window to
// the server; a minute each way tolerates clock skew and no more.
inline constexpr int64_t kDpopMaxAgeSeconds = 60;
inline constexpr int64_t kDpopMaxFutureSeconds = 60;

struct DpopProof {
  std::string jkt;  // the key's JWK thumbprint (RFC 7638), base64url
  std::string jti;
  int64_t iat = 0;
  // Until when the proof must be remembered to refuse its replay.
  int64_t remember_until = 0;
};

struct DpopRequest {
  std::string method;  // "POST"
  std::string uri;     // scheme, authority and path: no query, no fragment
  // The access token the request presents, when it presents one: the
  // proof's ath must be its hash.
  std::string access_token;
};

// INVALID_ARGUMENT naming what is wrong (never echoing the proof).
absl::StatusOr<DpopProof> VerifyDpopProof(absl::string_view proof, const DpopRequest& request,
                                          int64_t now_seconds);

// RFC 7638 thumbprint of a public JWK (EC, OKP or RSA).
absl::StatusOr<std::string> JwkThumbprint(const nlohmann::json& jwk);

// The key under which a proof is remembered (hex SHA-256 of its key and jti).
std::string ProofReplayKey(const DpopProof& proof);

}  // namespace iam::token

#endif  // IAM_TOKEN_DPOP_H_
