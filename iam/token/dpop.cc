#include "iam/token/dpop.h"

#include "absl/strings/str_cat.h"
#include "iam/common/crypto.h"
#include "iam/token/jwt.h"
#include "iam/token/signing_key.h"

namespace iam::token {
namespace {

absl::Status BadProof(absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("DPoP proof: ", why));
}

std::string Str(const nlohmann::json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

}  // namespace

absl::StatusOr<std::string> JwkThumbprint(const nlohmann::json& jwk) {
  if (!jwk.is_object()) return BadProof("jwk is not an object");
  const std::string kty = Str(jwk, "kty");
  nlohmann::json members;  // nlohmann::json objects keep keys sorted, as RFC 7638 wants
  if (kty == "EC") {
    members = {{"crv", Str(jwk, "crv")}, {"kty", kty}, {"x", Str(jwk, "x")}, {"y", Str(jwk, "y")}};
  } else if (kty == "OKP") {
    members = {{"crv", Str(jwk, "crv")}, {"kty", kty}, {"x", Str(jwk, "x")}};
  } else if (kty == "RSA") {
    members = {{"e", Str(jwk, "e")}, {"kty", kty}, {"n", Str(jwk, "n")}};
  } else {
    return BadProof("jwk: EC, OKP or RSA keys only");
  }
  for (const auto& [k, v] : members.items()) {
    if (v.get<std::string>().empty()) return BadProof("jwk lacks a member");
  }
  return crypto::Base64Url(crypto::Sha256(members.dump()));
}

std::string ProofReplayKey(const DpopProof& proof) {
  return crypto::Hex(crypto::Sha256(absl::StrCat("dpop:", proof.jkt, ":", proof.jti)));
}

absl::StatusOr<DpopProof> VerifyDpopProof(absl::string_view proof, const DpopRequest& request,
                                          int64_t now) {
  auto jws = ParseJws(proof);
  if (!jws.ok()) return BadProof("not a compact JWS");
  const nlohmann::json& h = jws->header;
  if (Str(h, "typ") != "dpop+jwt") return BadProof("typ must be dpop+jwt");
  if (!h.contains("jwk") || !h["jwk"].is_object()) return BadProof("the header must carry the jwk");
  nlohmann::json jwk = h["jwk"];
  for (const char* secret : {"d", "p", "q", "dp", "dq", "qi", "k"}) {
    if (jwk.contains(secret)) return BadProof("the jwk must be a public key");
  }
  // The header's algorithm must be the key's; symmetric and "none" never are.
  auto alg = ParseAlg(jws->alg);
  if (!alg.ok()) return BadProof("alg must be ES256, EdDSA or RS256");
  jwk["alg"] = jws->alg;
  if (!jwk.contains("kid")) jwk["kid"] = "";
  auto key = SigningKey::FromPublicJwk(jwk);
  if (!key.ok()) return BadProof("the jwk does not parse for its alg");
  if (!(*key)->Verify(jws->signing_input, jws->signature)) return BadProof("bad signature");

  const nlohmann::json& p = jws->payload;
  if (!p.is_object()) return BadProof("claims are not an object");
  DpopProof out;
  out.jti = Str(p, "jti");
  if (out.jti.empty() || out.jti.size() > 256) return BadProof("jti is required");
  if (Str(p, "htm") != request.method) return BadProof("htm does not match the request");
  if (Str(p, "htu") != request.uri) return BadProof("htu does not match the request");
  if (!p.contains("iat") || !p["iat"].is_number_integer()) return BadProof("iat is required");
  out.iat = p["iat"].get<int64_t>();
  if (out.iat < now - kDpopMaxAgeSeconds || out.iat > now + kDpopMaxFutureSeconds) {
    return BadProof("iat is too old or in the future");
  }
  if (!request.access_token.empty()) {
    const std::string ath = crypto::Base64Url(crypto::Sha256(request.access_token));
    if (Str(p, "ath") != ath) return BadProof("ath does not match the access token");
  }
  auto jkt = JwkThumbprint(h["jwk"]);
  if (!jkt.ok()) return jkt.status();
  out.jkt = *jkt;
  out.remember_until = out.iat + kDpopMaxAgeSeconds + kDpopMaxFutureSeconds;
  return out;
}

}  // namespace iam::token
