#include "iam/server/oauth_routes.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "iam/common/log.h"
#include "iam/oauth/oauth_error.h"
#include "iam/store/account_store.h"

namespace iam::server {
namespace {

bool IsAccountId(const std::string& id) {
  return id.size() == 12 && std::all_of(id.begin(), id.end(), [](char c) {
           return absl::ascii_isdigit(static_cast<unsigned char>(c));
         });
}

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

bool IsForm(const HttpRequest& r) {
  const std::string* type = r.Header("content-type");
  if (type == nullptr) return false;
  absl::string_view t = *type;
  const size_t semi = t.find(';');
  return absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(t.substr(0, semi)),
                                "application/x-www-form-urlencoded");
}

}  // namespace

nlohmann::json AccountDiscovery(const std::string& issuer) {
  return {
      {"issuer", issuer},
      {"jwks_uri", issuer + "/jwks"},
      {"token_endpoint", issuer + "/oauth2/token"},
      {"grant_types_supported", {"client_credentials"}},
      {"token_endpoint_auth_methods_supported",
       {"client_secret_basic", "client_secret_post", "private_key_jwt", "none"}},
      {"token_endpoint_auth_signing_alg_values_supported", {"ES256", "EdDSA", "RS256"}},
      {"response_types_supported", nlohmann::json::array()},
      {"scopes_supported", nlohmann::json::array()},
      {"subject_types_supported", {"public"}},
      {"id_token_signing_alg_values_supported", {"ES256", "EdDSA", "RS256"}},
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

  router.Post("/accounts/{account}/oauth2/token",
              [p](const HttpRequest& req, const PathParams& params) {
                const std::string& account = params.at("account");
                if (!IsAccountId(account)) return NotFound();
                if (!IsForm(req)) {
                  return ErrorResponse(oauth::InvalidRequest(
                                           "the body must be application/x-www-form-urlencoded"),
                                       account);
                }
                if (!req.query.empty()) {
                  // Credentials in a URL end up in logs (RFC 6749 §3.2).
                  return ErrorResponse(
                      oauth::InvalidRequest("parameters go in the body, not the URL"), account);
                }
                auto form = oauth::ParseForm(req.body);
                if (!form.ok()) return ErrorResponse(form.status(), account);
                auto credentials = oauth::CredentialsOf(req.Header("authorization"),
                                                        req.HeaderCount("authorization"), *form);
                if (!credentials.ok()) return ErrorResponse(credentials.status(), account);
                oauth::TokenRequest t;
                t.account_id = account;
                t.form = *std::move(form);
                t.credentials = *std::move(credentials);
                t.source_ip = req.remote_address;
                t.endpoint_url = p.tokens.AccountIssuer(account) + "/oauth2/token";
                auto answer = p.token_endpoint.Token(t);
                if (!answer.ok()) return ErrorResponse(answer.status(), account);
                return NoStore(HttpResponse::Json(200, answer->dump()));
              });
}

}  // namespace iam::server
