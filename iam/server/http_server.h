// HttpServer: the event-driven HTTP/1.1 listener (Boost.Beast on Asio).
// A connection costs a socket and a few buffers, not a thread: a few I/O
// threads read and write every connection, so thousands of idle keep-alive
// connections or slow clients do not stop new requests from being served.
// Handlers may touch the store, so they run on a separate, bounded pool; a
// request that finds the pool's queue full is answered 503 at once.
//
// Limits are enforced before a handler sees the request, each with its own
// 4xx: header bytes and header count (431), body bytes (413), a malformed
// request (400); a request that does not arrive in time is cut off.
// HTTPS when given a certificate and key. Stop() is idempotent. Beast
// stays inside http_server.cc: callers see plain structs.
#ifndef IAM_SERVER_HTTP_SERVER_H_
#define IAM_SERVER_HTTP_SERVER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace iam::server {

struct HttpRequest {
  std::string method;  // as sent: "GET", "POST", ...
  std::string path;    // the target up to '?', not decoded
  std::string query;   // after '?', not decoded
  // In arrival order; names lower-cased.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string remote_address;  // the peer's IP, as text
  bool tls = false;

  // The first header of that (lower-case) name, or null.
  const std::string* Header(absl::string_view lower_name) const;
  // How many headers of that name arrived (a repeated Authorization or
  // DPoP header is an error for OAuth).
  int HeaderCount(absl::string_view lower_name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static HttpResponse Json(int status, std::string body);
  static HttpResponse Text(int status, std::string body);
  HttpResponse& With(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

// Runs on a handler thread; may block on the store.
using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

struct HttpServerOptions {
  std::string listen;  // host:port (port 0 picks one)
  std::string tls_cert_file;
  std::string tls_key_file;
  int io_threads = 2;
  int handler_threads = 8;
  int handler_queue = 4096;      // requests waiting for a handler thread
  int max_connections = 20000;   // beyond: accepted and closed at once
  size_t header_limit = 16 * 1024;
  int max_header_count = 100;
  size_t body_limit = 64 * 1024;
  int request_timeout_seconds = 10;  // from a request's first byte to its end
  int idle_timeout_seconds = 60;     // keep-alive wait for the next request
};

struct HttpServerStats {
  uint64_t requests = 0;
  uint64_t rejected_busy = 0;  // 503: handler queue full
  uint64_t rejected_limit = 0;  // 400/408/413/431 before a handler ran
  int64_t open_connections = 0;
};

class HttpServer {
 public:
  // Bind() and Serve() in one.
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(const HttpServerOptions& options,
                                                           HttpHandler handler);
  // Takes the port (connections wait in the kernel's backlog) without
  // serving yet, so the caller can learn the port before the first request.
  static absl::StatusOr<std::unique_ptr<HttpServer>> Bind(const HttpServerOptions& options,
                                                          HttpHandler handler);
  void Serve();
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const;
  bool tls() const;
  HttpServerStats stats() const;
  void Stop();

  struct Impl;  // defined in http_server.cc; its connections reach it

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace iam::server

#endif  // IAM_SERVER_HTTP_SERVER_H_
