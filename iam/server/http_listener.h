// HttpListener: iamd's HTTP side. Serves /.well-known/jwks.json,
// /.well-known/openid-configuration, /healthz and /metrics from the start,
// and whatever routes are mounted later (the OAuth endpoints need the
// domain, which needs the issuer, which needs this listener's port).
// HTTPS when given a certificate. Stop() is idempotent. Thread-safe.
#ifndef IAM_SERVER_HTTP_LISTENER_H_
#define IAM_SERVER_HTTP_LISTENER_H_

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "iam/server/http_router.h"
#include "iam/server/http_server.h"
#include "iam/token/key_ring.h"

namespace iam::server {

struct HttpOptions {
  std::string listen;  // host:port (port 0 picks one)
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string issuer;  // empty: the listener's own base URL
  // The body of /metrics (Prometheus text format); empty: no /metrics.
  std::function<std::string()> metrics;
  HttpServerOptions server;  // limits and threads; listen and TLS come from above
};

class HttpListener {
 public:
  static absl::StatusOr<std::unique_ptr<HttpListener>> Start(const HttpOptions& options,
                                                             token::KeyRing* keys);
  ~HttpListener();

  int port() const { return server_->port(); }
  std::string base_url() const { return base_url_; }
  // The configured issuer, or the base URL when none was configured.
  const std::string& issuer() const { return issuer_; }
  HttpServerStats stats() const { return server_->stats(); }
  // The routes' handler times (see HttpRouter::AppendMetrics).
  void AppendRouteMetrics(std::string* out) const {
    router_.load(std::memory_order_acquire)->AppendMetrics(out);
  }
  bool tls() const { return server_->tls(); }

  // Adds routes to those served; requests already running keep the router
  // they started with.
  void Mount(const std::function<void(HttpRouter&)>& add_routes);
  void Stop();

 private:
  HttpListener() = default;
  HttpResponse Handle(const HttpRequest& request) const;

  std::unique_ptr<HttpServer> server_;
  std::string base_url_;
  std::string issuer_;
  token::KeyRing* keys_ = nullptr;
  std::function<std::string()> metrics_;
  // Routers are only added, never freed while serving: a request reads the
  // current one without a lock.
  std::mutex mount_mu_;
  std::vector<std::unique_ptr<HttpRouter>> routers_;  // guarded by mount_mu_
  std::atomic<const HttpRouter*> router_{nullptr};
};

// The OpenID Provider metadata for the service-wide issuer (tokens of the
// gRPC login); each account's OAuth issuer has its own document.
std::string DiscoveryDocument(const std::string& issuer);

}  // namespace iam::server

#endif  // IAM_SERVER_HTTP_LISTENER_H_
