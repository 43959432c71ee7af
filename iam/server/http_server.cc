#include "iam/server/http_server.h"

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <optional>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "iam/common/log.h"
#include "iam/common/status_macros.h"

namespace iam::server {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;

const std::string* HttpRequest::Header(absl::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return &value;
  }
  return nullptr;
}

int HttpRequest::HeaderCount(absl::string_view lower_name) const {
  int n = 0;
  for (const auto& h : headers) n += h.first == lower_name ? 1 : 0;
  return n;
}

HttpResponse HttpResponse::Json(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.content_type = "application/json";
  r.body = std::move(body);
  return r;
}

HttpResponse HttpResponse::Text(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::move(body);
  return r;
}

struct HttpServer::Impl {
  explicit Impl(const HttpServerOptions& o, HttpHandler h)
      : options(o), handler(std::move(h)), ioc(o.io_threads), acceptor(ioc),
        handlers(static_cast<size_t>(o.handler_threads)) {}

  void Accept();

  // Declared first, destroyed last: connections still pending in the
  // io_context or the handler pool count themselves out on destruction.
  std::atomic<int64_t> connections{0};
  std::atomic<int64_t> queued{0};
  std::atomic<uint64_t> requests{0};
  std::atomic<uint64_t> rejected_busy{0};
  std::atomic<uint64_t> rejected_limit{0};
  std::atomic<bool> stopped{false};
  HttpServerOptions options;
  HttpHandler handler;
  net::io_context ioc;
  std::optional<ssl::context> tls;
  tcp::acceptor acceptor;
  net::thread_pool handlers;
  std::vector<std::thread> io;
  int port = 0;
};

namespace {

using Parser = http::request_parser<http::string_body>;
using Response = http::response<http::string_body>;

std::string PeerAddress(const tcp::socket& socket) {
  boost::system::error_code ec;
  auto endpoint = socket.remote_endpoint(ec);
  if (ec) return "";
  auto address = endpoint.address();
  // A dual-stack listener sees IPv4 peers as ::ffff:a.b.c.d; allowlists
  // are written in plain IPv4.
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return net::ip::make_address_v4(net::ip::v4_mapped, address.to_v6()).to_string();
  }
  return address.to_string();
}

// Headers every answer carries unless its handler chose otherwise: nothing
// this listener serves may be cached by a shared cache, sniffed into
// another type, framed or leak its URL to another site.
void AddDefaultHeaders(Response& res, bool handler_set_cache_control) {
  if (!handler_set_cache_control) res.set(http::field::cache_control, "no-store");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "no-referrer");
  res.set("X-Frame-Options", "DENY");
}

// One connection; Stream is beast::tcp_stream or its TLS wrapper. Reads
// are asynchronous on the connection's strand; the handler runs on the
// handler pool and the answer is written back on the strand.
template <typename Stream>
class Connection : public std::enable_shared_from_this<Connection<Stream>> {
 public:
  Connection(HttpServer::Impl* server, Stream stream, std::string peer, bool tls)
      : server_(server), stream_(std::move(stream)), peer_(std::move(peer)), tls_(tls) {
    server_->connections.fetch_add(1);
  }
  ~Connection() { server_->connections.fetch_sub(1); }

  void Run() {
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      WaitForRequest();
    } else {
      Tcp().expires_after(std::chrono::seconds(server_->options.request_timeout_seconds));
      stream_.async_handshake(ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (!ec) self->WaitForRequest();
                              });
    }
  }

 private:
  beast::tcp_stream& Tcp() { return beast::get_lowest_layer(stream_); }

  // An idle keep-alive connection waits here, costing no thread, for up to
  // the idle timeout; the request timeout starts with its first byte.
  void WaitForRequest() {
    if (buffer_.size() > 0) return ReadHeader();
    Tcp().expires_after(std::chrono::seconds(server_->options.idle_timeout_seconds));
    auto space = buffer_.prepare(4096);
    stream_.async_read_some(space, [self = this->shared_from_this()](beast::error_code ec,
                                                                      size_t n) {
      if (ec) return self->Close();
      self->buffer_.commit(n);
      self->ReadHeader();
    });
  }

  void ReadHeader() {
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(server_->options.header_limit));
    parser_->body_limit(server_->options.body_limit);
    Tcp().expires_after(std::chrono::seconds(server_->options.request_timeout_seconds));
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = this->shared_from_this()](beast::error_code ec, size_t) {
                              self->OnHeader(ec);
                            });
  }

  void OnHeader(beast::error_code ec) {
    if (ec) return Refuse(ec);
    const auto& req = parser_->get();
    int count = 0;
    for (auto it = req.begin(); it != req.end(); ++it) ++count;
    if (count > server_->options.max_header_count) {
      return RefuseWith(431, "too many header fields");
    }
    if (absl::EqualsIgnoreCase(std::string(req[http::field::expect]), "100-continue")) {
      // The client waits for this before it sends the body.
      continue_.emplace(http::status::continue_, req.version());
      return http::async_write(stream_, *continue_,
                               [self = this->shared_from_this()](beast::error_code e, size_t) {
                                 if (e) return self->Close();
                                 self->ReadBody();
                               });
    }
    ReadBody();
  }

  void ReadBody() {
    if (parser_->is_done()) return Dispatch();
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, size_t) {
                       if (ec) return self->Refuse(ec);
                       self->Dispatch();
                     });
  }

  void Refuse(beast::error_code ec) {
    // A timed-out stream is already closed by Beast: nothing can be said.
    if (ec == http::error::end_of_stream || ec == net::error::eof ||
        ec == net::error::connection_reset || ec == net::error::operation_aborted ||
        ec == beast::error::timeout) {
      server_->rejected_limit.fetch_add(ec == beast::error::timeout ? 1 : 0);
      return Close();
    }
    if (ec == http::error::header_limit) return RefuseWith(431, "request header too large");
    if (ec == http::error::body_limit) return RefuseWith(413, "request body too large");
    RefuseWith(400, "malformed HTTP request");
  }

  // A refusal before any handler ran; the connection closes after it, since
  // the rest of the stream cannot be trusted to start a new request.
  void RefuseWith(int status, const std::string& why) {
    server_->rejected_limit.fetch_add(1);
    HttpResponse r = HttpResponse::Json(
        status, absl::StrCat(R"({"error":"invalid_request","error_description":")", why, "\"}"));
    Write(r, /*version=*/11, /*keep_alive=*/false);
  }

  void Dispatch() {
    auto& req = parser_->get();
    HttpRequest request;
    request.method = std::string(req.method_string());
    const absl::string_view target(req.target().data(), req.target().size());
    const size_t q = target.find('?');
    request.path = std::string(target.substr(0, q));
    if (q != absl::string_view::npos) request.query = std::string(target.substr(q + 1));
    request.headers.reserve(16);
    for (const auto& field : req) {
      request.headers.emplace_back(absl::AsciiStrToLower(absl::string_view(
                                       field.name_string().data(), field.name_string().size())),
                                   std::string(field.value()));
    }
    request.body = std::move(req.body());
    request.remote_address = peer_;
    request.tls = tls_;
    const unsigned version = req.version();
    const bool keep_alive = req.keep_alive();
    parser_.reset();

    server_->requests.fetch_add(1);
    if (server_->queued.fetch_add(1) >= server_->options.handler_queue) {
      server_->queued.fetch_sub(1);
      server_->rejected_busy.fetch_add(1);
      HttpResponse busy = HttpResponse::Json(
          503, R"({"error":"temporarily_unavailable","error_description":"server busy"})");
      busy.With("Retry-After", "1");
      return Write(busy, version, keep_alive);
    }
    // The connection's own reads wait until the answer is written: one
    // request at a time per connection, in order.
    net::post(server_->handlers, [self = this->shared_from_this(), request = std::move(request),
                                  version, keep_alive]() mutable {
      HttpResponse response;
      try {
        response = self->server_->handler(request);
      } catch (const std::exception& e) {
        log::Error("http handler threw", {{"path", request.path}, {"what", e.what()}});
        response = HttpResponse::Json(500, R"({"error":"server_error"})");
      }
      self->server_->queued.fetch_sub(1);
      net::post(self->stream_.get_executor(),
                [self, response = std::move(response), version, keep_alive]() mutable {
                  self->Write(response, version, keep_alive);
                });
    });
  }

  void Write(const HttpResponse& r, unsigned version, bool keep_alive) {
    response_.emplace(static_cast<http::status>(r.status), version);
    bool cache_control = false;
    for (const auto& [name, value] : r.headers) {
      if (absl::EqualsIgnoreCase(name, "cache-control")) cache_control = true;
      response_->insert(name, value);
    }
    AddDefaultHeaders(*response_, cache_control);
    if (!r.content_type.empty()) response_->set(http::field::content_type, r.content_type);
    response_->body() = r.body;
    response_->keep_alive(keep_alive && !server_->stopped.load());
    response_->prepare_payload();
    Tcp().expires_after(std::chrono::seconds(server_->options.request_timeout_seconds));
    http::async_write(stream_, *response_,
                      [self = this->shared_from_this()](beast::error_code ec, size_t) {
                        if (ec) return self->Close();
                        const bool again = self->response_->keep_alive();
                        self->response_.reset();
                        if (!again) return self->Close();
                        self->WaitForRequest();
                      });
  }

  void Close() {
    beast::error_code ec;
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      Tcp().socket().shutdown(tcp::socket::shutdown_send, ec);
      Tcp().close();
    } else {
      // close_notify, bounded: a peer that never answers it is cut off.
      Tcp().expires_after(std::chrono::seconds(2));
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {
        self->Tcp().close();
      });
    }
  }

  HttpServer::Impl* server_;
  Stream stream_;
  std::string peer_;
  bool tls_;
  beast::flat_buffer buffer_;
  std::optional<Parser> parser_;
  std::optional<http::response<http::empty_body>> continue_;
  std::optional<Response> response_;
};

}  // namespace

void HttpServer::Impl::Accept() {
  acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec == net::error::operation_aborted || stopped.load()) return;
      // Out of descriptors and the like: keep accepting once it passes.
      log::Warn("http accept failed", {{"error", ec.message()}});
      return Accept();
    }
    if (connections.load() >= options.max_connections) {
      // Closed at once: a flood of connections must not exhaust descriptors.
      rejected_limit.fetch_add(1);
      beast::error_code ignored;
      socket.close(ignored);
      return Accept();
    }
    std::string peer = PeerAddress(socket);
    socket.set_option(tcp::no_delay(true), ec);
    if (tls) {
      std::make_shared<Connection<beast::ssl_stream<beast::tcp_stream>>>(
          this, beast::ssl_stream<beast::tcp_stream>(beast::tcp_stream(std::move(socket)), *tls),
          std::move(peer), true)
          ->Run();
    } else {
      std::make_shared<Connection<beast::tcp_stream>>(this, beast::tcp_stream(std::move(socket)),
                                                      std::move(peer), false)
          ->Run();
    }
    Accept();
  });
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(const HttpServerOptions& options,
                                                              HttpHandler handler) {
  ASSIGN_OR_RETURN(auto server, Bind(options, std::move(handler)));
  server->Serve();
  return server;
}

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Bind(const HttpServerOptions& options,
                                                             HttpHandler handler) {
  if (options.io_threads < 1 || options.handler_threads < 1) {
    return absl::InvalidArgumentError("http: thread counts must be at least 1");
  }
  const size_t colon = options.listen.rfind(':');
  if (colon == std::string::npos) return absl::InvalidArgumentError("http.listen: host:port");
  std::string host = options.listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  int port = 0;
  if (!absl::SimpleAtoi(options.listen.substr(colon + 1), &port) || port < 0 || port > 65535) {
    return absl::InvalidArgumentError("http.listen: bad port");
  }
  auto impl = std::make_unique<Impl>(options, std::move(handler));
  if (!options.tls_cert_file.empty()) {
    impl->tls.emplace(ssl::context::tls_server);
    impl->tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                           ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                           ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
    beast::error_code ec;
    impl->tls->use_certificate_chain_file(options.tls_cert_file, ec);
    if (!ec) impl->tls->use_private_key_file(options.tls_key_file, ssl::context::pem, ec);
    if (ec) return absl::FailedPreconditionError("http: TLS certificate or key does not load");
  }
  beast::error_code ec;
  const auto address = net::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
  if (ec) return absl::InvalidArgumentError(absl::StrCat("http.listen: bad host ", host));
  const tcp::endpoint endpoint(address, static_cast<uint16_t>(port));
  impl->acceptor.open(endpoint.protocol(), ec);
  // SO_REUSEADDR lets a restart rebind at once and still refuses a port
  // another process listens on (no SO_REUSEPORT: a second iamd must fail).
  if (!ec) impl->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return absl::UnavailableError(absl::StrCat(
        "cannot listen on ", options.listen,
        " (HTTP): the address is in use (is another iamd running?) or not available"));
  }
  impl->port = impl->acceptor.local_endpoint().port();
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

void HttpServer::Serve() {
  if (!impl_->io.empty() || impl_->stopped.load()) return;
  impl_->Accept();
  for (int i = 0; i < impl_->options.io_threads; ++i) {
    impl_->io.emplace_back([raw = impl_.get()] { raw->ioc.run(); });
  }
}

int HttpServer::port() const { return impl_->port; }
bool HttpServer::tls() const { return impl_->tls.has_value(); }

HttpServerStats HttpServer::stats() const {
  return {impl_->requests.load(), impl_->rejected_busy.load(), impl_->rejected_limit.load(),
          impl_->connections.load()};
}

void HttpServer::Stop() {
  if (impl_->stopped.exchange(true)) return;
  net::post(impl_->ioc, [raw = impl_.get()] {
    beast::error_code ec;
    raw->acceptor.close(ec);
  });
  // Requests already running finish and their answers are queued; then
  // the I/O threads stop and every open connection is dropped with them.
  impl_->handlers.join();
  impl_->ioc.stop();
  for (auto& t : impl_->io) {
    if (t.joinable()) t.join();
  }
}

HttpServer::~HttpServer() { Stop(); }

}  // namespace iam::server
