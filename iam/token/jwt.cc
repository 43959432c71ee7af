#include "iam/token/jwt.h"

#include <vector>

#include "absl/strings/str_split.h"
#include "iam/common/crypto.h"

namespace iam::token {
namespace {

constexpr size_t kMaxTokenBytes = 8192;


bool IsB64Url(absl::string_view s) {
  for (char c : s) {
    if (!(absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
  }
  return true;
}

}  // namespace

absl::Status TokenRefused(absl::string_view why) {
  return absl::UnauthenticatedError(absl::StrCat("token: ", why));
}

nlohmann::json Claims::ToJson() const {
  nlohmann::json j = {{"iss", iss},       {"sub", sub},       {"aud", aud},
                      {"jti", jti},       {"iat", iat},
                      {"nbf", nbf},       {"exp", exp},       {"auth_time", auth_time},
                      {"amr", amr},       {"account", account}, {"username", username}};
  if (!sid.empty()) j["sid"] = sid;
  if (!client_type.empty()) j["client_type"] = client_type;
  if (!client_id.empty()) j["client_id"] = client_id;
  if (!scope.empty()) j["scope"] = scope;
  if (!cnf_jkt.empty()) j["cnf"] = {{"jkt", cnf_jkt}};
  if (!act_sub.empty()) {
    j["act"] = {{"sub", act_sub}};
    if (!act_client_id.empty()) j["act"]["client_id"] = act_client_id;
  }
  return j;
}

absl::StatusOr<Claims> Claims::FromJson(const nlohmann::json& j) {
  if (!j.is_object()) return TokenRefused("claims are not an object");
  Claims c;
  auto str = [&](const char* k, std::string* out, bool required) -> bool {
    auto it = j.find(k);
    if (it == j.end()) return !required;
    if (!it->is_string()) return false;
    *out = it->get<std::string>();
    return true;
  };
  auto num = [&](const char* k, int64_t* out) -> bool {
    auto it = j.find(k);
    if (it == j.end() || !it->is_number_integer()) return false;
    *out = it->get<int64_t>();
    return true;
  };
  if (!str("iss", &c.iss, true) || !str("sub", &c.sub, true) || !str("jti", &c.jti, true) ||
      !str("sid", &c.sid, false) || !str("account", &c.account, true) ||
      !str("username", &c.username, false) || !str("client_type", &c.client_type, false) ||
      !str("client_id", &c.client_id, false) || !str("scope", &c.scope, false) ||
      !num("iat", &c.iat) || !num("nbf", &c.nbf) || !num("exp", &c.exp) ||
      !num("auth_time", &c.auth_time)) {
    return TokenRefused("a required claim is missing or mistyped");
  }
  // RFC 7519 allows "aud" as a string or an array; ours carry one.
  auto aud = j.find("aud");
  if (aud != j.end() && aud->is_string()) {
    c.aud = aud->get<std::string>();
  } else if (aud != j.end() && aud->is_array() && aud->size() == 1 && (*aud)[0].is_string()) {
    c.aud = (*aud)[0].get<std::string>();
  } else {
    return TokenRefused("aud is missing or mistyped");
  }
  // Only a client's token goes without a session.
  if (c.sid.empty() && c.client_id.empty()) return TokenRefused("a required claim is missing or mistyped");
  if (auto cnf = j.find("cnf"); cnf != j.end()) {
    if (!cnf->is_object() || !cnf->contains("jkt") || !(*cnf)["jkt"].is_string()) {
      return TokenRefused("cnf is mistyped");
    }
    c.cnf_jkt = (*cnf)["jkt"].get<std::string>();
  }
  if (auto act = j.find("act"); act != j.end()) {
    if (!act->is_object() || !act->contains("sub") || !(*act)["sub"].is_string()) {
      return TokenRefused("act is mistyped");
    }
    c.act_sub = (*act)["sub"].get<std::string>();
    if (act->contains("client_id") && (*act)["client_id"].is_string()) {
      c.act_client_id = (*act)["client_id"].get<std::string>();
    }
  }
  auto amr = j.find("amr");
  if (amr != j.end()) {
    if (!amr->is_array()) return TokenRefused("amr is mistyped");
    for (const auto& m : *amr) {
      if (!m.is_string()) return TokenRefused("amr is mistyped");
      c.amr.push_back(m.get<std::string>());
    }
  }
  return c;
}

absl::StatusOr<std::string> SignJwt(const Claims& claims, const SigningKey& key) {
  return SignJws(claims.ToJson(), "at+jwt", key);
}

absl::StatusOr<std::string> SignJws(const nlohmann::json& payload, absl::string_view typ,
                                    const SigningKey& key) {
  const nlohmann::json header = {{"alg", AlgName(key.alg())}, {"typ", typ}, {"kid", key.kid()}};
  std::string input =
      crypto::Base64Url(header.dump()) + "." + crypto::Base64Url(payload.dump());
  auto sig = key.Sign(input);
  if (!sig.ok()) return sig.status();
  return input + "." + crypto::Base64Url(*sig);
}

bool LooksLikeJwt(absl::string_view token) {
  std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  return parts.size() == 3 && !parts[0].empty() && !parts[1].empty() && IsB64Url(parts[0]) &&
         IsB64Url(parts[1]) && IsB64Url(parts[2]);
}

absl::StatusOr<ParsedJwt> ParseJwt(absl::string_view token) {
  auto jws = ParseJws(token);
  if (!jws.ok()) return jws.status();
  if (!jws->header.contains("kid") || !jws->header["kid"].is_string()) {
    return TokenRefused("header lacks alg or kid");
  }
  // Explicit typing (RFC 8725 §3.11, RFC 9068 §4): an ID token or a logout
  // token, signed by the same keys, is never taken for an access token.
  if (!jws->header.contains("typ") || jws->header["typ"] != "at+jwt") {
    return TokenRefused("not an access token (typ)");
  }
  return jws;
}

absl::StatusOr<ParsedJwt> ParseJws(absl::string_view token) {
  if (token.size() > kMaxTokenBytes) return TokenRefused("too long");
  if (!LooksLikeJwt(token)) return TokenRefused("malformed");
  std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  auto header_raw = crypto::FromBase64Url(parts[0]);
  auto payload_raw = crypto::FromBase64Url(parts[1]);
  auto sig = crypto::FromBase64Url(parts[2]);
  if (!header_raw.ok() || !payload_raw.ok() || !sig.ok()) return TokenRefused("malformed");
  ParsedJwt out;
  nlohmann::json header = nlohmann::json::parse(*header_raw, nullptr, false);
  out.payload = nlohmann::json::parse(*payload_raw, nullptr, false);
  if (header.is_discarded() || !header.is_object() || out.payload.is_discarded()) {
    return TokenRefused("malformed");
  }
  auto alg = header.find("alg");
  auto kid = header.find("kid");
  if (alg == header.end() || !alg->is_string() || (kid != header.end() && !kid->is_string())) {
    return TokenRefused("header lacks alg or kid");
  }
  // A critical extension we do not implement must be refused (RFC 7515 4.1.11).
  if (header.contains("crit")) return TokenRefused("unsupported critical header");
  out.alg = alg->get<std::string>();
  if (kid != header.end()) out.kid = kid->get<std::string>();
  out.header = std::move(header);
  out.signing_input = std::string(parts[0]) + "." + std::string(parts[1]);
  out.signature = std::move(*sig);
  return out;
}

}  // namespace iam::token
