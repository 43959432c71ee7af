// HttpListener: the small HTTP side listener other services and OpenID
// Connect clients fetch keys from: /.well-known/jwks.json,
// /.well-known/openid-configuration and /healthz. HTTPS when given a
// certificate. Runs its own threads; Stop() is idempotent. Thread-safe.
#ifndef IAM_SERVER_HTTP_LISTENER_H_
#define IAM_SERVER_HTTP_LISTENER_H_

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "iam/token/key_ring.h"

namespace httplib {
class Server;
}

namespace iam::server {

struct HttpOptions {
  std::string listen;  // host:port (port 0 picks one)
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string issuer;  // empty: the listener's own base URL
  // The body of /metrics (Prometheus text format); empty: no /metrics.
  std::function<std::string()> metrics;
};

class HttpListener {
 public:
  static absl::StatusOr<std::unique_ptr<HttpListener>> Start(const HttpOptions& options,
                                                             token::KeyRing* keys);
  ~HttpListener();

  int port() const { return port_; }
  std::string base_url() const { return base_url_; }
  // The configured issuer, or the base URL when none was configured.
  const std::string& issuer() const { return issuer_; }
  void Stop();

 private:
  HttpListener() = default;

  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
  std::string base_url_;
  std::string issuer_;
};

// The OpenID Provider metadata for an issuer.
std::string DiscoveryDocument(const std::string& issuer);

}  // namespace iam::server

#endif  // IAM_SERVER_HTTP_LISTENER_H_
