#include "iam/server/http_listener.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "iam/common/status_macros.h"

namespace iam::server {

std::string DiscoveryDocument(const std::string& issuer) {
  // Tokens of this issuer are obtained over gRPC (AuthService); the
  // document tells relying parties where the keys are and what to expect.
  nlohmann::json doc = {
      {"issuer", issuer},
      {"jwks_uri", issuer + "/.well-known/jwks.json"},
      {"id_token_signing_alg_values_supported", {"ES256", "EdDSA", "RS256"}},
      {"token_endpoint_auth_methods_supported", {"none"}},
      {"subject_types_supported", {"public"}},
      {"response_types_supported", {"token"}},
      {"grant_types_supported", {"password", "refresh_token"}},
      {"claims_supported",
       {"iss", "sub", "aud", "exp", "iat", "nbf", "jti", "sid", "auth_time", "amr", "account",
        "username", "client_type"}},
  };
  return doc.dump();
}

absl::StatusOr<std::unique_ptr<HttpListener>> HttpListener::Start(const HttpOptions& options,
                                                                  token::KeyRing* keys) {
  auto l = std::unique_ptr<HttpListener>(new HttpListener());
  l->keys_ = keys;
  l->metrics_ = options.metrics;
  auto base = std::make_unique<HttpRouter>();
  HttpListener* self = l.get();
  base->Get("/.well-known/jwks.json", [self](const HttpRequest&, const PathParams&) {
    auto jwks = self->keys_->Jwks();
    if (!jwks.ok()) return HttpResponse::Json(503, R"({"error":"temporarily_unavailable"})");
    HttpResponse r = HttpResponse::Json(200, jwks->dump());
    r.content_type = "application/jwk-set+json";
    // Short: a rotated key must reach verifiers well before it signs much.
    r.With("Cache-Control", "public, max-age=60");
    return r;
  });
  base->Get("/.well-known/openid-configuration", [self](const HttpRequest&, const PathParams&) {
    HttpResponse r = HttpResponse::Json(200, DiscoveryDocument(self->issuer_));
    r.With("Cache-Control", "public, max-age=300");
    return r;
  });
  base->Get("/healthz",
            [](const HttpRequest&, const PathParams&) { return HttpResponse::Text(200, "ok\n"); });
  if (options.metrics) {
    base->Get("/metrics", [self](const HttpRequest&, const PathParams&) {
      HttpResponse r = HttpResponse::Text(200, self->metrics_());
      r.content_type = "text/plain; version=0.0.4";
      return r;
    });
  }
  l->router_.store(base.get());
  l->routers_.push_back(std::move(base));

  HttpServerOptions server = options.server;
  server.listen = options.listen;
  server.tls_cert_file = options.tls_cert_file;
  server.tls_key_file = options.tls_key_file;
  ASSIGN_OR_RETURN(l->server_, HttpServer::Bind(server, [self](const HttpRequest& r) {
                     return self->Handle(r);
                   }));
  const std::string host = options.listen.substr(0, options.listen.rfind(':'));
  l->base_url_ = absl::StrCat(l->server_->tls() ? "https://" : "http://", host, ":",
                              l->server_->port());
  l->issuer_ = options.issuer.empty() ? l->base_url_ : options.issuer;
  l->server_->Serve();
  return l;
}

HttpResponse HttpListener::Handle(const HttpRequest& request) const {
  return router_.load(std::memory_order_acquire)->Handle(request);
}

void HttpListener::Mount(const std::function<void(HttpRouter&)>& add_routes) {
  std::lock_guard<std::mutex> lock(mount_mu_);
  auto next = std::make_unique<HttpRouter>(*routers_.back());
  add_routes(*next);
  router_.store(next.get(), std::memory_order_release);
  routers_.push_back(std::move(next));
}

void HttpListener::Stop() {
  if (server_) server_->Stop();
}

HttpListener::~HttpListener() { Stop(); }

}  // namespace iam::server
