#include "iam/oauth/client_keys.h"

#include "absl/strings/str_cat.h"
#include "iam/common/crypto.h"

namespace iam::oauth {
namespace {

constexpr size_t kMaxKeys = 10;
constexpr size_t kMinRsaModulusBytes = 256;

absl::StatusOr<nlohmann::json> Normalised(absl::string_view field, const nlohmann::json& key) {
  if (!key.is_object()) return absl::InvalidArgumentError(absl::StrCat(field, ": must be a JWK object"));
  for (const char* secret : {"d", "p", "q", "dp", "dq", "qi", "k", "oth"}) {
    if (key.contains(secret)) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": has a private or symmetric part; register the public key only"));
    }
  }
  if (key.contains("use") && key["use"] != "sig") {
    return absl::InvalidArgumentError(absl::StrCat(field, ": use must be sig"));
  }
  if (!key.contains("kty") || !key["kty"].is_string()) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": kty is required"));
  }
  const std::string kty = key["kty"].get<std::string>();
  const std::string crv = key.contains("crv") && key["crv"].is_string() ? key["crv"].get<std::string>() : "";
  std::string implied;
  if (kty == "EC" && crv == "P-256") {
    implied = "ES256";
  } else if (kty == "OKP" && crv == "Ed25519") {
    implied = "EdDSA";
  } else if (kty == "RSA") {
    implied = "RS256";
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": EC P-256, OKP Ed25519 or RSA keys only"));
  }
  nlohmann::json out = key;
  if (out.contains("alg")) {
    if (out["alg"] != implied) {
      return absl::InvalidArgumentError(absl::StrCat(field, ": alg must be ", implied, " for this key"));
    }
  } else {
    out["alg"] = implied;
  }
  if (!out.contains("kid")) {
    out["kid"] = "";
  } else if (!out["kid"].is_string() || out["kid"].get<std::string>().size() > 256) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": kid must be a string of at most 256"));
  }
  if (kty == "RSA") {
    auto n = out.contains("n") && out["n"].is_string()
                 ? crypto::FromBase64Url(out["n"].get<std::string>())
                 : absl::StatusOr<std::string>(absl::InvalidArgumentError("n"));
    // A leading zero octet does not count towards the modulus.
    if (!n.ok() || n->size() < kMinRsaModulusBytes ||
        (n->size() == kMinRsaModulusBytes && static_cast<unsigned char>((*n)[0]) == 0)) {
      return absl::InvalidArgumentError(absl::StrCat(field, ": RSA keys need 2048 bits or more"));
    }
  }
  return out;
}

absl::StatusOr<VerifyKeys> KeysOf(absl::string_view field, const nlohmann::json& jwks) {
  if (!jwks.is_object() || !jwks.contains("keys") || !jwks["keys"].is_array()) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": must be an object with a keys list"));
  }
  const auto& keys = jwks["keys"];
  if (keys.empty() || keys.size() > kMaxKeys) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": 1 to 10 keys"));
  }
  VerifyKeys out;
  for (size_t i = 0; i < keys.size(); ++i) {
    const std::string name = absl::StrCat(field, ".keys[", i, "]");
    auto key = Normalised(name, keys[i]);
    if (!key.ok()) return key.status();
    auto parsed = token::SigningKey::FromPublicJwk(*key);
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(name, ": the public key does not parse"));
    }
    out.push_back(*std::move(parsed));
  }
  return out;
}

}  // namespace

absl::Status CheckClientJwks(absl::string_view field, const nlohmann::json& jwks) {
  return KeysOf(field, jwks).status();
}

absl::StatusOr<VerifyKeys> ClientVerifyKeys(const nlohmann::json& jwks) {
  return KeysOf("jwks", jwks);
}

absl::StatusOr<VerifyKeys> UpstreamVerifyKeys(const nlohmann::json& jwks) {
  if (!jwks.is_object() || !jwks.contains("keys") || !jwks["keys"].is_array()) {
    return absl::InvalidArgumentError("jwks: must be an object with a keys list");
  }
  VerifyKeys out;
  for (const auto& key : jwks["keys"]) {
    if (out.size() >= 50) break;
    auto normalised = Normalised("jwks", key);
    if (!normalised.ok()) continue;
    auto parsed = token::SigningKey::FromPublicJwk(*normalised);
    if (parsed.ok()) out.push_back(*std::move(parsed));
  }
  if (out.empty()) {
    return absl::InvalidArgumentError("jwks: no ES256, EdDSA or RS256 signature key");
  }
  return out;
}

}  // namespace iam::oauth
