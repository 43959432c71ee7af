#include "iam/server/oauth_routes.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "iam/common/log.h"
#include "iam/oauth/authorize.h"
#include "iam/oauth/oauth_error.h"
#include "iam/server/client_address.h"
#include "iam/server/request_checks.h"
#include "iam/server/service_metrics.h"
#include "iam/store/account_store.h"

namespace iam::server {
namespace {

HttpResponse NotFound() { return HttpResponse::Json(404, R"({"error":"not_found"})"); }

// No shared cache may keep a token or an error about one (RFC 6749 §5.1).
HttpResponse NoStore(HttpResponse r) {
  r.With("Cache-Control", "no-store");
  r.With("Pragma", "no-cache");
  return r;
}

HttpResponse ErrorResponse(const absl::Status& status, const std::string& account) {
  const oauth::HttpError e = oauth::ToHttpError(status);
  if (e.status == 500) log::Error("oauth endpoint failed", {{"status", status.ToString()}});
  nlohmann::json body = {{"error", e.error}};
  if (!e.description.empty()) body["error_description"] = e.description;
  HttpResponse r = NoStore(HttpResponse::Json(e.status, body.dump()));
  if (e.status == 401) {
    r.With("WWW-Authenticate", absl::StrCat("Basic realm=\"", account, "\""));
  }
  if (e.status == 503) r.With("Retry-After", "1");
  return r;
}

// Whether the account exists (a suspended one still has its issuer).
bool AccountExists(store::Database& db, const std::string& id) {
  bool found = false;
  absl::Status s = db.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    auto row = store::accounts::Get(tx, id);
    found = row.ok() && row->state != store::AccountState::kPurged;
    return absl::IsNotFound(row.status()) ? absl::OkStatus() : row.status();
  });
  return s.ok() && found;
}

// The parts every client-authenticated endpoint reads: a form body (no
// parameters in the URL, where they end up in logs: RFC 6749 §3.2), the
// client's credentials and the peer's address.
absl::StatusOr<oauth::TokenRequest> ClientRequestOf(const HttpRequest& req,
                                                    const std::string& account,
                                                    const std::string& endpoint_url,
                                                    const std::vector<Cidr>& proxies) {
  if (!IsForm(req)) {
    return oauth::InvalidRequest("the body must be application/x-www-form-urlencoded");
  }
  if (!req.query.empty()) return oauth::InvalidRequest("parameters go in the body, not the URL");
  auto form = oauth::ParseForm(req.body);
  if (!form.ok()) return form.status();
  auto credentials =
      oauth::CredentialsOf(req.Header("authorization"), req.HeaderCount("authorization"), *form);
  if (!credentials.ok()) return credentials.status();
  oauth::TokenRequest t;
  t.account_id = account;
  t.form = *std::move(form);
  t.credentials = *std::move(credentials);
  t.source_ip = ClientAddress(req, proxies);
  t.endpoint_url = endpoint_url;
  t.dpop_headers = req.HeaderCount("dpop");
  if (const std::string* dpop = req.Header("dpop")) t.dpop = *dpop;
  return t;
}

// "Bearer <token>" of the Authorization header, or "".
std::string BearerOf(const HttpRequest& req) {
  if (req.HeaderCount("authorization") != 1) return "";
  absl::string_view v = *req.Header("authorization");
  if (!absl::ConsumePrefix(&v, "Bearer ") && !absl::ConsumePrefix(&v, "bearer ")) return "";
  return std::string(absl::StripAsciiWhitespace(v));
}

// A registration's errors: the metadata's own (RFC 7591 §3.2.2), or a
// token that does not fit (RFC 6750: 401 with a Bearer challenge).
HttpResponse RegistrationError(const absl::Status& s, const std::string& account) {
  if (absl::IsUnauthenticated(s)) {
    HttpResponse r = ErrorResponse(oauth::InvalidToken(s.message()), account);
    r.headers.erase(std::remove_if(r.headers.begin(), r.headers.end(),
                                   [](const auto& h) { return h.first == "WWW-Authenticate"; }),
                    r.headers.end());
    r.With("WWW-Authenticate", "Bearer error=\"invalid_token\"");
    return r;
  }
  if (absl::IsInvalidArgument(s) && !s.GetPayload("type.iam/oauth_error")) {
    return ErrorResponse(absl::StartsWith(s.message(), "redirect_uris")
                             ? oauth::InvalidRedirectUri(s.message())
                             : oauth::InvalidClientMetadata(s.message()),
                         account);
  }
  if (absl::IsNotFound(s)) return NotFound();
  return ErrorResponse(s, account);
}

// The registration response (RFC 7591 §3.2.1, RFC 7592 §3).
nlohmann::json Registration(const oauth::IssuedClient& issued, const std::string& issuer,
                            bool with_token) {
  nlohmann::json out = issued.client.metadata.ToJson();
  out["client_id"] = issued.client.row.client_id;
  out["client_id_issued_at"] = issued.client.row.created_at / 1000;
  if (!issued.client_secret.empty()) {
    out["client_secret"] = issued.client_secret;
    out["client_secret_expires_at"] = 0;  // does not expire
  }
  if (with_token && !issued.registration_access_token.empty()) {
    out["registration_access_token"] = issued.registration_access_token;
  }
  out["registration_client_uri"] =
      issuer + "/oauth2/register/" + issued.client.row.client_id;
  return out;
}

absl::StatusOr<nlohmann::json> JsonBody(const HttpRequest& req) {
  const std::string* type = req.Header("content-type");
  if (type == nullptr || !absl::StartsWithIgnoreCase(*type, "application/json")) {
    return oauth::InvalidClientMetadata("the body must be application/json");
  }
  auto doc = nlohmann::json::parse(req.body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return oauth::InvalidClientMetadata("the body is not a JSON object");
  }
  return doc;
}

void AddRegistrationRoutes(HttpRouter& router, const OAuthRoutes& p) {
  router.Post("/accounts/{account}/oauth2/register", [p](const HttpRequest& req,
                                                           const PathParams& params) {
    const std::string& account = params.at("account");
    if (!IsAccountId(account)) return NotFound();
    const std::string token = BearerOf(req);
    if (token.empty()) {
      return RegistrationError(absl::UnauthenticatedError("an initial access token is required"),
                               account);
    }
    auto doc = JsonBody(req);
    if (!doc.ok()) return RegistrationError(doc.status(), account);
    auto issued = p.clients.Register(account, token, *doc, ClientAddress(req, p.trusted_proxies));
    if (!issued.ok()) return RegistrationError(issued.status(), account);
    HttpResponse r = NoStore(HttpResponse::Json(
        201, Registration(*issued, p.tokens.AccountIssuer(account), true).dump()));
    return r;
  });
  auto read = [p](const HttpRequest& req, const PathParams& params) {
    const std::string& account = params.at("account");
    if (!IsAccountId(account)) return NotFound();
    auto view = p.clients.ReadRegistered(account, params.at("client_id"), BearerOf(req));
    if (!view.ok()) return RegistrationError(view.status(), account);
    oauth::IssuedClient issued{*view, "", ""};
    return NoStore(HttpResponse::Json(
        200, Registration(issued, p.tokens.AccountIssuer(account), false).dump()));
  };
  router.Get("/accounts/{account}/oauth2/register/{client_id}", read);
  router.Put("/accounts/{account}/oauth2/register/{client_id}", [p](const HttpRequest& req,
                                                                      const PathParams& params) {
    const std::string& account = params.at("account");
    if (!IsAccountId(account)) return NotFound();
    auto doc = JsonBody(req);
    if (!doc.ok()) return RegistrationError(doc.status(), account);
    auto issued = p.clients.ReplaceRegistered(account, params.at("client_id"), BearerOf(req), *doc,
                                              ClientAddress(req, p.trusted_proxies));
    if (!issued.ok()) return RegistrationError(issued.status(), account);
    return NoStore(HttpResponse::Json(
        200, Registration(*issued, p.tokens.AccountIssuer(account), false).dump()));
  });
  router.Delete("/accounts/{account}/oauth2/register/{client_id}", [p](const HttpRequest& req,
                                                                         const PathParams& params) {
    const std::string& account = params.at("account");
    if (!IsAccountId(account)) return NotFound();
    absl::Status s = p.clients.DeleteRegistered(account, params.at("client_id"), BearerOf(req),
                                                ClientAddress(req, p.trusted_proxies));
    if (!s.ok()) return RegistrationError(s, account);
    HttpResponse r;
    r.status = 204;
    return NoStore(r);
  });
}

}  // namespace

nlohmann::json AccountDiscovery(const std::string& issuer) {
  const nlohmann::json algs = {"ES256", "EdDSA", "RS256"};
  const nlohmann::json client_auth = {"client_secret_basic", "client_secret_post",
                                      "private_key_jwt", "none"};
  return {
      {"issuer", issuer},
      {"authorization_endpoint", issuer + "/oauth2/authorize"},
      {"token_endpoint", issuer + "/oauth2/token"},
      {"userinfo_endpoint", issuer + "/oauth2/userinfo"},
      {"end_session_endpoint", issuer + "/oauth2/logout"},
      {"jwks_uri", issuer + "/jwks"},
      {"introspection_endpoint", issuer + "/oauth2/introspect"},
      {"revocation_endpoint", issuer + "/oauth2/revoke"},
      {"registration_endpoint", issuer + "/oauth2/register"},
      {"device_authorization_endpoint", issuer + "/oauth2/device_authorization"},
      {"introspection_endpoint_auth_methods_supported",
       {"client_secret_basic", "client_secret_post", "private_key_jwt"}},
      {"revocation_endpoint_auth_methods_supported", client_auth},
      {"grant_types_supported",
       {"authorization_code", "client_credentials", "refresh_token",
        "urn:ietf:params:oauth:grant-type:token-exchange", oauth::kGrantDeviceCode}},
      {"token_endpoint_auth_methods_supported", client_auth},
      {"token_endpoint_auth_signing_alg_values_supported", algs},
      {"dpop_signing_alg_values_supported", algs},
      {"response_types_supported", {"code"}},
      {"response_modes_supported", {"query"}},
      {"code_challenge_methods_supported", {"S256"}},
      {"authorization_response_iss_parameter_supported", true},
      {"prompt_values_supported", {"none", "login", "consent", "select_account"}},
      {"acr_values_supported", {oauth::kAcrPassword, oauth::kAcrMfa}},
      {"scopes_supported", {"openid", "profile", "email", "phone", "offline_access"}},
      {"claims_supported",
       {"iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr", "sid", "azp",
        "at_hash", "preferred_username", "name", "email", "phone_number"}},
      {"subject_types_supported", {"public"}},
      {"id_token_signing_alg_values_supported", algs},
      {"request_parameter_supported", false},
      {"request_uri_parameter_supported", false},
  };
}

void AddOAuthRoutes(HttpRouter& router, const OAuthRoutes& p) {
  auto discovery = [p](const HttpRequest&, const PathParams& params) {
    const std::string& account = params.at("account");
    if (!IsAccountId(account) || !AccountExists(p.db, account)) return NotFound();
    HttpResponse r =
        HttpResponse::Json(200, AccountDiscovery(p.tokens.AccountIssuer(account)).dump());
    r.With("Cache-Control", "public, max-age=300");
    return r;
  };
  router.Get("/accounts/{account}/.well-known/openid-configuration", discovery);
  router.Get("/accounts/{account}/.well-known/oauth-authorization-server", discovery);
  router.Get("/.well-known/oauth-authorization-server/accounts/{account}", discovery);
  router.Get("/.well-known/openid-configuration/accounts/{account}", discovery);

  router.Get("/accounts/{account}/jwks", [p](const HttpRequest&, const PathParams& params) {
    const std::string& account = params.at("account");
    if (!IsAccountId(account) || !AccountExists(p.db, account)) return NotFound();
    auto jwks = p.keys.Jwks();
    if (!jwks.ok()) return ErrorResponse(jwks.status(), account);
    HttpResponse r = HttpResponse::Json(200, jwks->dump());
    r.content_type = "application/jwk-set+json";
    r.With("Cache-Control", "public, max-age=60");
    return r;
  });

  router.Post("/accounts/{account}/oauth2/token", [p](const HttpRequest& req,
                                                        const PathParams& params) {
    const std::string& account = params.at("account");
    if (!IsAccountId(account)) return NotFound();
    auto t = ClientRequestOf(req, account, p.tokens.AccountIssuer(account) + "/oauth2/token",
                             p.trusted_proxies);
    if (!t.ok()) return ErrorResponse(t.status(), account);
    auto answer = p.token_endpoint.Token(*t);
    if (p.token_counts != nullptr) {
      p.token_counts->Inc({GrantLabel(oauth::Param(t->form, "grant_type")),
                           answer.ok() ? "issued" : "refused"});
    }
    if (!answer.ok()) return ErrorResponse(answer.status(), account);
    return NoStore(HttpResponse::Json(200, answer->dump()));
  });

  router.Post("/accounts/{account}/oauth2/device_authorization",
              [p](const HttpRequest& req, const PathParams& params) {
                const std::string& account = params.at("account");
                if (!IsAccountId(account)) return NotFound();
                auto t = ClientRequestOf(
                    req, account, p.tokens.AccountIssuer(account) + "/oauth2/device_authorization",
                    p.trusted_proxies);
                if (!t.ok()) return ErrorResponse(t.status(), account);
                auto answer = p.token_endpoint.AuthorizeDevice(*t);
                if (!answer.ok()) return ErrorResponse(answer.status(), account);
                return NoStore(HttpResponse::Json(200, answer->dump()));
              });

  router.Post("/accounts/{account}/oauth2/introspect", [p](const HttpRequest& req,
                                                             const PathParams& params) {
    const std::string& account = params.at("account");
    if (!IsAccountId(account)) return NotFound();
    auto t = ClientRequestOf(req, account, p.tokens.AccountIssuer(account) + "/oauth2/introspect",
                             p.trusted_proxies);
    if (!t.ok()) return ErrorResponse(t.status(), account);
    auto answer = p.token_endpoint.Introspect(*t);
    if (!answer.ok()) return ErrorResponse(answer.status(), account);
    return NoStore(HttpResponse::Json(200, answer->dump()));
  });

  router.Post("/accounts/{account}/oauth2/revoke", [p](const HttpRequest& req,
                                                         const PathParams& params) {
    const std::string& account = params.at("account");
    if (!IsAccountId(account)) return NotFound();
    auto t = ClientRequestOf(req, account, p.tokens.AccountIssuer(account) + "/oauth2/revoke",
                             p.trusted_proxies);
    if (!t.ok()) return ErrorResponse(t.status(), account);
    absl::Status s = p.token_endpoint.Revoke(*t);
    if (!s.ok()) return ErrorResponse(s, account);
    return NoStore(HttpResponse::Json(200, "{}"));
  });

  AddRegistrationRoutes(router, p);
}

}  // namespace iam::server
