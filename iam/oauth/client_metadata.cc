#include "iam/oauth/client_metadata.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "iam/common/cidr.h"
#include "iam/common/status_macros.h"
#include "iam/common/text.h"
#include "iam/oauth/client_keys.h"

namespace iam::oauth {
namespace {

constexpr size_t kMaxList = 32;
constexpr size_t kMaxUri = 2000;
constexpr size_t kMaxAudience = 256;
constexpr size_t kMaxName = 200;

const char* const kKnownFields[] = {
    "client_name",       "token_endpoint_auth_method", "grant_types",
    "redirect_uris",     "scope",                      "audience",
    "allowed_cidrs",     "access_token_ttl",           "refresh_token_ttl",
    "first_party",       "dpop_bound_access_tokens",   "backchannel_logout_uri",
    "jwks",              "jwks_uri",                   "response_types",
    "client_uri",        "logo_uri",                   "tos_uri",
    "policy_uri",        "software_id",                "software_version",
    "contacts",          "post_logout_redirect_uris",  "require_pkce",
};

absl::Status Invalid(absl::string_view prefix, absl::string_view field, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(prefix, field, ": ", why));
}

bool Contains(const std::vector<std::string>& list, absl::string_view v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

// A list of distinct strings, each checked by `check`.
template <typename Check>
absl::Status ReadList(const nlohmann::json& doc, const char* key, absl::string_view prefix,
                      std::vector<std::string>* out, Check check) {
  auto it = doc.find(key);
  if (it == doc.end()) return absl::OkStatus();
  if (!it->is_array()) return Invalid(prefix, key, "must be a list of strings");
  if (it->size() > kMaxList) return Invalid(prefix, key, "at most 32 entries");
  out->clear();
  for (size_t i = 0; i < it->size(); ++i) {
    const std::string field = absl::StrCat(key, "[", i, "]");
    if (!(*it)[i].is_string()) return Invalid(prefix, field, "must be a string");
    std::string v = (*it)[i].get<std::string>();
    RETURN_IF_ERROR(check(absl::StrCat(prefix, field), v));
    if (Contains(*out, v)) return Invalid(prefix, field, "repeated");
    out->push_back(std::move(v));
  }
  return absl::OkStatus();
}

absl::Status ReadString(const nlohmann::json& doc, const char* key, absl::string_view prefix,
                        std::string* out) {
  auto it = doc.find(key);
  if (it == doc.end()) return absl::OkStatus();
  if (!it->is_string()) return Invalid(prefix, key, "must be a string");
  *out = it->get<std::string>();
  return absl::OkStatus();
}

absl::Status ReadBool(const nlohmann::json& doc, const char* key, absl::string_view prefix,
                      bool* out) {
  auto it = doc.find(key);
  if (it == doc.end()) return absl::OkStatus();
  if (!it->is_boolean()) return Invalid(prefix, key, "must be true or false");
  *out = it->get<bool>();
  return absl::OkStatus();
}

absl::Status ReadSeconds(const nlohmann::json& doc, const char* key, absl::string_view prefix,
                         int64_t lo, int64_t hi, int64_t* out) {
  auto it = doc.find(key);
  if (it == doc.end()) return absl::OkStatus();
  if (!it->is_number_integer()) return Invalid(prefix, key, "must be a whole number of seconds");
  const int64_t v = it->get<int64_t>();
  if (v < lo || v > hi) {
    return Invalid(prefix, key, absl::StrCat("must be between ", lo, " and ", hi, " seconds"));
  }
  *out = v;
  return absl::OkStatus();
}

bool IsLoopbackHost(absl::string_view host) {
  return host == "127.0.0.1" || host == "[::1]" || host == "localhost";
}

// The scheme and authority of an absolute URI ("https", "host:port").
bool SplitUri(absl::string_view uri, std::string* scheme, std::string* host) {
  const size_t colon = uri.find(':');
  if (colon == absl::string_view::npos || colon == 0) return false;
  *scheme = absl::AsciiStrToLower(uri.substr(0, colon));
  for (char c : *scheme) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') {
      return false;
    }
  }
  absl::string_view rest = uri.substr(colon + 1);
  host->clear();
  if (absl::ConsumePrefix(&rest, "//")) {
    const size_t end = rest.find_first_of("/?#");
    absl::string_view authority = rest.substr(0, end);
    if (authority.find('@') != absl::string_view::npos) return false;  // no userinfo
    // Strip the port; keep IPv6 brackets.
    const size_t port = authority.rfind(':');
    if (port != absl::string_view::npos && authority.find(']', port) == absl::string_view::npos) {
      authority = authority.substr(0, port);
    }
    *host = absl::AsciiStrToLower(authority);
  }
  return true;
}

absl::Status CheckUriText(absl::string_view field, absl::string_view uri) {
  if (uri.empty()) return absl::InvalidArgumentError(absl::StrCat(field, ": required"));
  if (uri.size() > kMaxUri) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": longer than 2000 characters"));
  }
  for (char c : uri) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == '"' || c == '<' || c == '>' || c == '\\') {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": must be an ASCII URI without spaces (percent-encode the rest)"));
    }
  }
  if (uri.find('#') != absl::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": must not have a fragment"));
  }
  return absl::OkStatus();
}

// https anywhere, or http on a loopback address.
absl::Status CheckWebUri(absl::string_view field, absl::string_view uri) {
  RETURN_IF_ERROR(CheckUriText(field, uri));
  std::string scheme, host;
  if (!SplitUri(uri, &scheme, &host) || host.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": must be an absolute https URI"));
  }
  if (scheme == "https" || (scheme == "http" && IsLoopbackHost(host))) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(field, ": must be https (http only on 127.0.0.1, [::1] or localhost)"));
}

absl::Status CheckAudience(absl::string_view field, absl::string_view aud) {
  if (aud.empty() || aud.size() > kMaxAudience) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": 1 to 256 characters"));
  }
  for (char c : aud) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) {
      return absl::InvalidArgumentError(absl::StrCat(field, ": printable ASCII without spaces"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

bool IsScopeToken(absl::string_view s) {
  if (s.empty() || s.size() > 128) return false;
  for (char c : s) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x21 || u > 0x7e || c == '"' || c == '\\') return false;
  }
  return true;
}

absl::StatusOr<std::vector<std::string>> ParseScope(absl::string_view scope) {
  std::vector<std::string> out;
  for (absl::string_view t : absl::StrSplit(scope, ' ', absl::SkipEmpty())) {
    if (!IsScopeToken(t)) return absl::InvalidArgumentError("scope: not a valid scope token");
    if (!Contains(out, t)) out.emplace_back(t);
    if (out.size() > 64) return absl::InvalidArgumentError("scope: at most 64 scopes");
  }
  return out;
}

absl::Status CheckRedirectUri(absl::string_view field, absl::string_view uri) {
  RETURN_IF_ERROR(CheckUriText(field, uri));
  std::string scheme, host;
  if (!SplitUri(uri, &scheme, &host)) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": must be an absolute URI"));
  }
  if (scheme == "https") {
    if (host.empty()) return absl::InvalidArgumentError(absl::StrCat(field, ": needs a host"));
    return absl::OkStatus();
  }
  if (scheme == "http") {
    if (IsLoopbackHost(host)) return absl::OkStatus();
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": http only on 127.0.0.1, [::1] or localhost"));
  }
  // A native app's private-use scheme is a reversed domain name it owns
  // (RFC 8252 §7.1); javascript:, data: and the like are not.
  if (scheme.find('.') == std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": https, loopback http, or a private-use scheme like com.example.app"));
  }
  return absl::OkStatus();
}

bool ClientMetadata::Allows(absl::string_view grant_type) const {
  return Contains(grant_types, grant_type);
}
bool ClientMetadata::AllowsScope(absl::string_view scope) const {
  // "openid" asks for an ID token, not for a permission: every client of
  // the code flow may ask for it.
  if (scope == "openid" && (Allows(kGrantAuthorizationCode) || Allows(kGrantDeviceCode))) {
    return true;
  }
  return Contains(scopes, scope);
}
bool ClientMetadata::AllowsAudience(absl::string_view audience) const {
  return Contains(audiences, audience);
}

namespace {

// "http://127.0.0.1:PORT/rest" -> ("http://127.0.0.1", "/rest"), for the
// two loopback IP literals only; false otherwise or for a bad port.
bool SplitLoopbackPort(absl::string_view uri, absl::string_view* host, absl::string_view* rest) {
  for (absl::string_view h : {absl::string_view("http://127.0.0.1"), absl::string_view("http://[::1]")}) {
    if (!absl::StartsWith(uri, h)) continue;
    absl::string_view tail = uri.substr(h.size());
    if (absl::ConsumePrefix(&tail, ":")) {
      size_t digits = 0;
      while (digits < tail.size() && absl::ascii_isdigit(static_cast<unsigned char>(tail[digits]))) {
        ++digits;
      }
      if (digits == 0 || digits > 5) return false;
      tail.remove_prefix(digits);
    }
    if (!tail.empty() && tail[0] != '/' && tail[0] != '?') return false;
    *host = h;
    *rest = tail;
    return true;
  }
  return false;
}

}  // namespace

bool ClientMetadata::AllowsRedirectUri(absl::string_view uri) const {
  absl::string_view host, rest;
  const bool loopback = SplitLoopbackPort(uri, &host, &rest);
  for (const std::string& registered : redirect_uris) {
    if (registered == uri) return true;
    absl::string_view r_host, r_rest;
    if (loopback && SplitLoopbackPort(registered, &r_host, &r_rest) && r_host == host &&
        r_rest == rest) {
      return true;
    }
  }
  return false;
}

nlohmann::json ClientMetadata::ToJson() const {
  nlohmann::json j = {
      {"client_name", client_name},
      {"token_endpoint_auth_method", token_endpoint_auth_method},
      {"grant_types", grant_types},
      {"redirect_uris", redirect_uris},
      {"post_logout_redirect_uris", post_logout_redirect_uris},
      {"require_pkce", require_pkce},
      {"scope", absl::StrJoin(scopes, " ")},
      {"audience", audiences},
      {"allowed_cidrs", allowed_cidrs},
      {"access_token_ttl", access_token_ttl},
      {"refresh_token_ttl", refresh_token_ttl},
      {"first_party", first_party},
      {"dpop_bound_access_tokens", dpop_bound_access_tokens},
  };
  if (!backchannel_logout_uri.empty()) j["backchannel_logout_uri"] = backchannel_logout_uri;
  for (const auto& [k, v] : info.items()) j[k] = v;
  if (jwks) j["jwks"] = *jwks;
  if (!jwks_uri.empty()) j["jwks_uri"] = jwks_uri;
  return j;
}

absl::StatusOr<ClientMetadata> ParseClientMetadata(const nlohmann::json& doc,
                                                   absl::string_view p) {
  if (!doc.is_object()) return absl::InvalidArgumentError(absl::StrCat(p, "metadata: must be a JSON object"));
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    if (std::find(std::begin(kKnownFields), std::end(kKnownFields), it.key()) ==
        std::end(kKnownFields)) {
      return Invalid(p, it.key().substr(0, 64), "unknown field");
    }
  }
  ClientMetadata m;
  RETURN_IF_ERROR(ReadString(doc, "client_name", p, &m.client_name));
  RETURN_IF_ERROR(text::CheckFreeText(absl::StrCat(p, "client_name"), m.client_name, kMaxName));
  RETURN_IF_ERROR(ReadString(doc, "token_endpoint_auth_method", p, &m.token_endpoint_auth_method));
  const std::string& method = m.token_endpoint_auth_method;
  if (method != kAuthSecretBasic && method != kAuthSecretPost && method != kAuthPrivateKeyJwt &&
      method != kAuthNone) {
    return Invalid(p, "token_endpoint_auth_method",
                   "one of client_secret_basic, client_secret_post, private_key_jwt, none");
  }
  RETURN_IF_ERROR(ReadList(doc, "grant_types", p, &m.grant_types,
                           [](const std::string& f, const std::string& g) -> absl::Status {
                             if (g == kGrantClientCredentials || g == kGrantRefreshToken ||
                                 g == kGrantTokenExchange || g == kGrantAuthorizationCode ||
                                 g == kGrantDeviceCode) {
                               return absl::OkStatus();
                             }
                             return absl::InvalidArgumentError(absl::StrCat(
                                 f, ": one of authorization_code, client_credentials, "
                                 "refresh_token, ", kGrantTokenExchange, ", ", kGrantDeviceCode));
                           }));
  if (m.grant_types.empty()) return Invalid(p, "grant_types", "at least one grant type");
  // response_types follows grant_types: ["code"] with authorization_code
  // (the only response type offered), else empty.
  if (auto it = doc.find("response_types"); it != doc.end()) {
    const bool code = m.Allows(kGrantAuthorizationCode);
    if (!it->is_array() || it->size() > 1 ||
        (it->size() == 1 && (!code || (*it)[0] != "code"))) {
      return Invalid(p, "response_types",
                     code ? "[\"code\"] or empty" : "must be empty without authorization_code");
    }
  }
  RETURN_IF_ERROR(ReadList(doc, "redirect_uris", p, &m.redirect_uris, CheckRedirectUri));
  RETURN_IF_ERROR(ReadList(doc, "post_logout_redirect_uris", p, &m.post_logout_redirect_uris,
                           CheckRedirectUri));
  RETURN_IF_ERROR(ReadBool(doc, "require_pkce", p, &m.require_pkce));
  std::string scope;
  RETURN_IF_ERROR(ReadString(doc, "scope", p, &scope));
  auto scopes = ParseScope(scope);
  if (!scopes.ok()) return Invalid(p, "scope", "space-separated scope tokens, at most 64");
  m.scopes = *std::move(scopes);
  RETURN_IF_ERROR(ReadList(doc, "audience", p, &m.audiences, CheckAudience));
  RETURN_IF_ERROR(ReadList(doc, "allowed_cidrs", p, &m.allowed_cidrs,
                           [](const std::string& f, std::string& c) -> absl::Status {
                             auto net = Cidr::Parse(c);
                             if (!net.ok()) {
                               return absl::InvalidArgumentError(
                                   absl::StrCat(f, ": ", net.status().message()));
                             }
                             c = net->ToString();
                             return absl::OkStatus();
                           }));
  RETURN_IF_ERROR(ReadSeconds(doc, "access_token_ttl", p, kMinAccessTokenTtl, kMaxAccessTokenTtl,
                              &m.access_token_ttl));
  RETURN_IF_ERROR(ReadSeconds(doc, "refresh_token_ttl", p, kMinRefreshTokenTtl,
                              kMaxRefreshTokenTtl, &m.refresh_token_ttl));
  RETURN_IF_ERROR(ReadBool(doc, "first_party", p, &m.first_party));
  RETURN_IF_ERROR(ReadBool(doc, "dpop_bound_access_tokens", p, &m.dpop_bound_access_tokens));
  RETURN_IF_ERROR(ReadString(doc, "backchannel_logout_uri", p, &m.backchannel_logout_uri));
  if (!m.backchannel_logout_uri.empty()) {
    RETURN_IF_ERROR(CheckWebUri(absl::StrCat(p, "backchannel_logout_uri"), m.backchannel_logout_uri));
  }
  RETURN_IF_ERROR(ReadString(doc, "jwks_uri", p, &m.jwks_uri));
  if (!m.jwks_uri.empty()) RETURN_IF_ERROR(CheckWebUri(absl::StrCat(p, "jwks_uri"), m.jwks_uri));
  if (auto it = doc.find("jwks"); it != doc.end() && !it->is_null()) {
    RETURN_IF_ERROR(CheckClientJwks(absl::StrCat(p, "jwks"), *it));
    m.jwks = *it;
  }

  for (const char* uri : {"client_uri", "logo_uri", "tos_uri", "policy_uri"}) {
    std::string v;
    RETURN_IF_ERROR(ReadString(doc, uri, p, &v));
    if (v.empty()) continue;
    RETURN_IF_ERROR(CheckWebUri(absl::StrCat(p, uri), v));
    m.info[uri] = v;
  }
  for (const char* name : {"software_id", "software_version"}) {
    std::string v;
    RETURN_IF_ERROR(ReadString(doc, name, p, &v));
    if (v.empty()) continue;
    RETURN_IF_ERROR(text::CheckFreeText(absl::StrCat(p, name), v, kMaxName));
    m.info[name] = v;
  }
  std::vector<std::string> contacts;
  RETURN_IF_ERROR(ReadList(doc, "contacts", p, &contacts,
                           [](const std::string& f, const std::string& c) {
                             return text::CheckEmail(f, c);
                           }));
  if (!contacts.empty()) m.info["contacts"] = contacts;

  // What the grants and the authentication method need of each other.
  if (m.jwks && !m.jwks_uri.empty()) return Invalid(p, "jwks", "give jwks or jwks_uri, not both");
  if (method == kAuthPrivateKeyJwt && !m.jwks && m.jwks_uri.empty()) {
    return Invalid(p, "jwks", "private_key_jwt needs jwks or jwks_uri");
  }
  if (m.IsPublic() && m.Allows(kGrantClientCredentials)) {
    return Invalid(p, "grant_types",
                   "client_credentials needs a confidential client (not auth method none)");
  }
  if (m.IsPublic() && m.Allows(kGrantTokenExchange)) {
    return Invalid(p, "grant_types", "token exchange needs a confidential client");
  }
  if (m.Allows(kGrantAuthorizationCode) && m.redirect_uris.empty()) {
    return Invalid(p, "redirect_uris", "authorization_code needs at least one redirect URI");
  }
  if (m.IsPublic() && !m.require_pkce) {
    return Invalid(p, "require_pkce", "a public client must use PKCE");
  }
  return m;
}

absl::StatusOr<ClientMetadata> LoadClientMetadata(absl::string_view stored) {
  auto doc = nlohmann::json::parse(stored, nullptr, false);
  if (doc.is_discarded()) return absl::InternalError("stored client metadata does not parse");
  auto m = ParseClientMetadata(doc);
  if (!m.ok()) {
    return absl::InternalError(
        absl::StrCat("stored client metadata no longer validates: ", m.status().message()));
  }
  return m;
}

}  // namespace iam::oauth
