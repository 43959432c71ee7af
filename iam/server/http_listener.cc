#include "iam/server/http_listener.h"

#include <httplib.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace iam::server {

std::string DiscoveryDocument(const std::string& issuer) {
  // Tokens are obtained over gRPC (AuthService); the document tells relying
  // parties where the keys are and what to expect in the tokens.
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
  const bool tls = !options.tls_cert_file.empty();
  if (tls) {
    l->server_ = std::make_unique<httplib::SSLServer>(options.tls_cert_file.c_str(),
                                                      options.tls_key_file.c_str());
    if (!l->server_->is_valid()) {
      return absl::FailedPreconditionError("http: TLS certificate or key does not load");
    }
  } else {
    l->server_ = std::make_unique<httplib::Server>();
  }
  httplib::Server& s = *l->server_;
  // cpp-httplib sets SO_REUSEPORT by default, which would let a second iamd
  // share the port: SO_REUSEADDR alone lets a restart rebind at once and
  // still refuses a port another process listens on.
  s.set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  s.Get("/.well-known/jwks.json", [keys](const httplib::Request&, httplib::Response& res) {
    auto jwks = keys->Jwks();
    if (!jwks.ok()) {
      res.status = 503;
      res.set_content(R"({"error":"unavailable"})", "application/json");
      return;
    }
    // Short: a rotated key must reach verifiers well before it signs much.
    res.set_header("Cache-Control", "public, max-age=60");
    res.set_content(jwks->dump(), "application/jwk-set+json");
  });
  HttpListener* self = l.get();
  s.Get("/.well-known/openid-configuration",
        [self](const httplib::Request&, httplib::Response& res) {
          res.set_header("Cache-Control", "public, max-age=300");
          res.set_content(DiscoveryDocument(self->issuer_), "application/json");
        });
  s.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok\n", "text/plain");
  });
  if (options.metrics) {
    s.Get("/metrics", [metrics = options.metrics](const httplib::Request&, httplib::Response& res) {
      res.set_content(metrics(), "text/plain; version=0.0.4");
    });
  }
  s.set_payload_max_length(64 * 1024);
  s.set_read_timeout(10, 0);
  s.set_write_timeout(10, 0);

  const size_t colon = options.listen.rfind(':');
  if (colon == std::string::npos) return absl::InvalidArgumentError("http.listen: host:port");
  const std::string host = options.listen.substr(0, colon);
  int port = 0;
  if (!absl::SimpleAtoi(options.listen.substr(colon + 1), &port)) {
    return absl::InvalidArgumentError("http.listen: bad port");
  }
  if (port == 0) {
    port = s.bind_to_any_port(host.c_str());
  } else if (!s.bind_to_port(host.c_str(), port)) {
    port = -1;
  }
  if (port <= 0) {
    return absl::UnavailableError(absl::StrCat(
        "cannot listen on ", options.listen,
        " (HTTP): the address is in use (is another iamd running?) or not available"));
  }
  l->port_ = port;
  l->base_url_ = absl::StrCat(tls ? "https://" : "http://", host, ":", port);
  l->issuer_ = options.issuer.empty() ? l->base_url_ : options.issuer;
  httplib::Server* raw = l->server_.get();
  l->thread_ = std::thread([raw] { raw->listen_after_bind(); });
  // stop() is a no-op until the accept loop runs: without this wait, a
  // listener stopped right after starting would never return from accept.
  for (int i = 0; i < 5000 && !raw->is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return l;
}

void HttpListener::Stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

HttpListener::~HttpListener() { Stop(); }

}  // namespace iam::server
