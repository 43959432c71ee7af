#include "iam/federation/oidc_upstream.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "iam/common/crypto.h"
#include "iam/common/status_macros.h"
#include "iam/common/text.h"
#include "iam/token/jwt.h"

namespace iam::federation {
namespace {

constexpr absl::Duration kDiscoveryTtl = absl::Minutes(5);
constexpr int64_t kLeewaySeconds = 60;
constexpr size_t kMaxIdToken = 16 * 1024;

std::string Str(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

absl::Status Refused(absl::string_view why) {
  return absl::PermissionDeniedError(absl::StrCat("upstream ID token refused: ", why));
}

std::string AppendQuery(const std::string& url, const std::string& query) {
  return absl::StrCat(url, url.find('?') == std::string::npos ? "?" : "&", query);
}

}  // namespace

absl::StatusOr<OidcEndpoints> OidcUpstream::Discover(const std::string& issuer) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = discovered_.find(issuer);
    if (it != discovered_.end() && it->second.expires > clock_.Now()) return it->second.endpoints;
  }
  std::string base = issuer;
  while (!base.empty() && base.back() == '/') base.pop_back();
  const std::string url = base + "/.well-known/openid-configuration";
  net::FetchRequest req;
  req.url = url;
  req.headers.push_back({"Accept", "application/json"});
  auto res = fetcher_.Fetch(req);
  if (!res.ok()) return absl::UnavailableError(absl::StrCat("discovery: ", res.status().message()));
  if (res->status != 200) {
    return absl::UnavailableError(absl::StrCat("discovery: ", url, " answered HTTP ", res->status));
  }
  auto doc = nlohmann::json::parse(res->body, nullptr, false);
  if (!doc.is_object()) return absl::UnavailableError("discovery: the document is not a JSON object");
  OidcEndpoints e{Str(doc, "issuer"), Str(doc, "authorization_endpoint"),
                  Str(doc, "token_endpoint"), Str(doc, "jwks_uri")};
  // OpenID Connect Discovery §4.3: the issuer must be the one asked.
  if (e.issuer != issuer) {
    return absl::UnavailableError(
        absl::StrCat("discovery: the document's issuer is not ", issuer));
  }
  for (const auto& [field, value] :
       {std::pair<const char*, const std::string&>{"authorization_endpoint",
                                                   e.authorization_endpoint},
        {"token_endpoint", e.token_endpoint},
        {"jwks_uri", e.jwks_uri}}) {
    absl::Status s = CheckUpstreamUrl(absl::StrCat("discovery: ", field), value, true);
    if (!s.ok()) return absl::UnavailableError(s.message());
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (discovered_.size() > 10000) discovered_.clear();
  discovered_[issuer] = Cached{e, clock_.Now() + kDiscoveryTtl};
  return e;
}

absl::StatusOr<OidcEndpoints> OidcUpstream::Endpoints(const OidcSettings& s) {
  if (!s.token_endpoint.empty()) {
    return OidcEndpoints{s.issuer, s.authorization_endpoint, s.token_endpoint, s.jwks_uri};
  }
  return Discover(s.issuer);
}

std::string OidcUpstream::AuthorizationUrl(const OidcEndpoints& e, const OidcSettings& s,
                                           const AuthorizationRequest& r) {
  std::string q = absl::StrCat("response_type=code&client_id=", text::FormEncode(s.client_id),
                               "&redirect_uri=", text::FormEncode(r.redirect_uri),
                               "&state=", text::FormEncode(r.state));
  if (!s.scopes.empty()) {
    absl::StrAppend(&q, "&scope=", text::FormEncode(absl::StrJoin(s.scopes, " ")));
  }
  // A plain OAuth 2.0 login has no ID token to carry a nonce.
  if (s.protocol != "oauth2") absl::StrAppend(&q, "&nonce=", text::FormEncode(r.nonce));
  if (!r.code_verifier.empty()) {
    absl::StrAppend(&q, "&code_challenge=",
                    crypto::Base64Url(crypto::Sha256(r.code_verifier)),
                    "&code_challenge_method=S256");
  }
  if (!r.login_hint.empty()) absl::StrAppend(&q, "&login_hint=", text::FormEncode(r.login_hint));
  if (!r.ui_locales.empty()) absl::StrAppend(&q, "&ui_locales=", text::FormEncode(r.ui_locales));
  return AppendQuery(e.authorization_endpoint, q);
}

absl::StatusOr<OidcUpstream::Tokens> OidcUpstream::Exchange(const OidcEndpoints& e, const OidcSettings& s,
                                                   const std::string& client_secret,
                                                   const std::string& code,
                                                   const std::string& redirect_uri,
                                                   const std::string& code_verifier) {
  net::FetchRequest req;
  req.method = "POST";
  req.url = e.token_endpoint;
  req.headers.push_back({"Content-Type", "application/x-www-form-urlencoded"});
  req.headers.push_back({"Accept", "application/json"});
  req.body = absl::StrCat("grant_type=authorization_code&code=", text::FormEncode(code),
                          "&redirect_uri=", text::FormEncode(redirect_uri));
  if (!code_verifier.empty()) {
    absl::StrAppend(&req.body, "&code_verifier=", text::FormEncode(code_verifier));
  }
  if (s.client_auth == "client_secret_basic") {
    // RFC 6749 §2.3.1: each part form-encoded before base64.
    req.headers.push_back(
        {"Authorization",
         absl::StrCat("Basic ", crypto::Base64(absl::StrCat(text::FormEncode(s.client_id), ":",
                                                            text::FormEncode(client_secret))))});
  } else {
    absl::StrAppend(&req.body, "&client_id=", text::FormEncode(s.client_id));
    if (s.client_auth == "client_secret_post") {
      absl::StrAppend(&req.body, "&client_secret=", text::FormEncode(client_secret));
    } else if (s.client_auth == "private_key_jwt") {
      // RFC 7523 §3: this client's own assertion, for this token endpoint,
      // short-lived and never twice the same.
      if (!sign_) return absl::FailedPreconditionError("this server signs no client assertions");
      const int64_t now = absl::ToUnixSeconds(clock_.Now());
      auto assertion = sign_({{"iss", s.client_id},
                              {"sub", s.client_id},
                              {"aud", e.token_endpoint},
                              {"jti", crypto::Base64Url(random_.Bytes(24))},
                              {"iat", now},
                              {"exp", now + 60}});
      if (!assertion.ok()) return assertion.status();
      absl::StrAppend(&req.body,
                      "&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type"
                      "%3Ajwt-bearer&client_assertion=",
                      *assertion);
    }
  }
  auto res = fetcher_.Fetch(req);
  if (!res.ok()) {
    return absl::UnavailableError(absl::StrCat("token endpoint: ", res.status().message()));
  }
  auto doc = nlohmann::json::parse(res->body, nullptr, false);
  if (res->status != 200) {
    const std::string error = doc.is_object() ? Str(doc, "error").substr(0, 64) : "";
    if (res->status >= 500 || error.empty()) {
      return absl::UnavailableError(
          absl::StrCat("token endpoint: answered HTTP ", res->status));
    }
    return absl::PermissionDeniedError(absl::StrCat("token endpoint refused the code: ", error));
  }
  Tokens out;
  if (doc.is_object()) {
    out.id_token = Str(doc, "id_token");
    out.access_token = Str(doc, "access_token");
  }
  if (s.protocol == "oauth2" ? out.access_token.empty() : out.id_token.empty()) {
    return absl::PermissionDeniedError(absl::StrCat(
        "token endpoint: the answer has no ", s.protocol == "oauth2" ? "access_token" : "id_token"));
  }
  return out;
}

absl::StatusOr<nlohmann::json> OidcUpstream::VerifyIdToken(const OidcEndpoints& e,
                                                           const OidcSettings& s,
                                                           const std::string& id_token,
                                                           const std::string& nonce) {
  if (id_token.size() > kMaxIdToken) return Refused("larger than 16 KiB");
  auto jws = token::ParseJws(id_token);
  if (!jws.ok()) return Refused("not a signed JWT");
  auto verifies = [&](const oauth::VerifyKeys& keys) {
    for (const auto& key : keys) {
      if (!jws->kid.empty() && !key->kid().empty() && key->kid() != jws->kid) continue;
      if (jws->alg != token::AlgName(key->alg())) continue;
      if (key->Verify(jws->signing_input, jws->signature)) return true;
    }
    return false;
  };
  auto keys = key_sets_.Keys(e.jwks_uri);
  if (!keys.ok()) return absl::UnavailableError(absl::StrCat("jwks: ", keys.status().message()));
  bool verified = verifies(*keys);
  if (!verified) {
    // The provider may have rotated its keys since the set was cached.
    keys = key_sets_.Keys(e.jwks_uri, /*refresh=*/true);
    verified = keys.ok() && verifies(*keys);
  }
  if (!verified) return Refused("signature");
  const nlohmann::json& p = jws->payload;
  if (Str(p, "iss") != s.issuer) return Refused("issuer");
  bool audience = false;
  size_t audiences = 0;
  if (p.contains("aud") && p["aud"].is_array()) {
    for (const auto& a : p["aud"]) {
      ++audiences;
      audience = audience || (a.is_string() && a.get<std::string>() == s.client_id);
    }
  } else {
    audiences = 1;
    audience = Str(p, "aud") == s.client_id;
  }
  if (!audience) return Refused("audience");
  // OpenID Connect Core §3.1.3.7: with several audiences, azp names us.
  if ((audiences > 1 || p.contains("azp")) && Str(p, "azp") != s.client_id) {
    return Refused("authorized party (azp)");
  }
  const int64_t now = absl::ToUnixSeconds(clock_.Now());
  if (!p.contains("exp") || !p["exp"].is_number() || p["exp"].get<int64_t>() + kLeewaySeconds <= now) {
    return Refused("expired");
  }
  if (!p.contains("iat") || !p["iat"].is_number() ||
      p["iat"].get<int64_t>() > now + kLeewaySeconds) {
    return Refused("issued in the future");
  }
  if (!crypto::ConstantTimeEquals(Str(p, "nonce"), nonce) || nonce.empty()) return Refused("nonce");
  return p;
}

absl::StatusOr<nlohmann::json> OidcUpstream::UserInfo(const OidcSettings& s,
                                                      const std::string& access_token) {
  net::FetchRequest req;
  req.url = s.userinfo_endpoint;
  req.headers.push_back({"Authorization", absl::StrCat("Bearer ", access_token)});
  req.headers.push_back({"Accept", "application/json"});
  auto res = fetcher_.Fetch(req);
  if (!res.ok()) return absl::UnavailableError(absl::StrCat("userinfo: ", res.status().message()));
  if (res->status == 401 || res->status == 403) {
    return absl::PermissionDeniedError(
        absl::StrCat("userinfo refused the access token: HTTP ", res->status));
  }
  if (res->status != 200) {
    return absl::UnavailableError(absl::StrCat("userinfo: answered HTTP ", res->status));
  }
  auto doc = nlohmann::json::parse(res->body, nullptr, false);
  if (!doc.is_object()) return absl::UnavailableError("userinfo: the answer is not a JSON object");
  return doc;
}

absl::Status OidcUpstream::Probe(const OidcSettings& s, std::vector<std::string>* findings) {
  if (s.protocol == "oauth2") {
    findings->push_back("endpoints: given explicitly (OAuth 2.0: claims from userinfo)");
    findings->push_back(absl::StrCat("authorization endpoint: ", s.authorization_endpoint));
    findings->push_back(absl::StrCat("token endpoint: ", s.token_endpoint));
    findings->push_back(absl::StrCat("userinfo endpoint: ", s.userinfo_endpoint));
    // Reachable at all: without a token it should refuse, not fail.
    auto res = fetcher_.Fetch({"GET", s.userinfo_endpoint, {}, ""});
    if (!res.ok()) {
      findings->push_back(absl::StrCat("userinfo: ", res.status().message()));
      return absl::UnavailableError(res.status().message());
    }
    findings->push_back(absl::StrCat("userinfo: reachable (HTTP ", res->status, " without a token)"));
    return absl::OkStatus();
  }
  auto e = Endpoints(s);
  if (!e.ok()) {
    findings->push_back(std::string(e.status().message()));
    return e.status();
  }
  findings->push_back(s.token_endpoint.empty()
                          ? absl::StrCat("discovery: issuer ", e->issuer, " matches")
                          : "endpoints: given explicitly (no discovery)");
  findings->push_back(absl::StrCat("authorization endpoint: ", e->authorization_endpoint));
  findings->push_back(absl::StrCat("token endpoint: ", e->token_endpoint));
  auto keys = key_sets_.Keys(e->jwks_uri, /*refresh=*/true);
  if (!keys.ok()) {
    findings->push_back(absl::StrCat("jwks: ", keys.status().message()));
    return absl::UnavailableError(keys.status().message());
  }
  std::vector<std::string> algs;
  for (const auto& k : *keys) algs.push_back(token::AlgName(k->alg()));
  findings->push_back(absl::StrCat("jwks: ", keys->size(), " signature key",
                                   keys->size() == 1 ? "" : "s", " (", absl::StrJoin(algs, ", "),
                                   ")"));
  return absl::OkStatus();
}

}  // namespace iam::federation
