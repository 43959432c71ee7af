// The HTTP listener on a loopback port, driven with raw sockets so that
// malformed, oversized, slow and idle clients can be written byte by byte.
// The client side is plain POSIX sockets and a small response reader:
// the answers are the server's to get right, not a client library's to
// smooth over.
#include "iam/server/http_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"

#include "iam/server/client_address.h"
#include "iam/server/http_router.h"

namespace iam::server {
namespace {

// One connection to the server under test.
class Socket {
 public:
  explicit Socket(int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval tv{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0;
  }
  ~Socket() { ::close(fd_); }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  bool connected() const { return connected_; }
  void Send(const std::string& bytes) {
    size_t sent = 0;
    while (sent < bytes.size()) {
      const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return;
      sent += static_cast<size_t>(n);
    }
  }
  // Reads more into the buffer; false at the end of the stream or on error.
  bool Fill() {
    char chunk[4096];
    const ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<size_t>(n));
    return true;
  }
  std::string& buffer() { return buffer_; }
  // True when the server ended the connection (an orderly close or a
  // reset) before sending anything more; false on data or a timeout.
  bool PeerClosed() {
    if (!buffer_.empty()) return false;
    char c;
    const ssize_t n = ::recv(fd_, &c, 1, 0);
    return n == 0 || (n < 0 && errno == ECONNRESET);
  }

 private:
  int fd_;
  bool connected_ = false;
  std::string buffer_;
};

// One response, as the tests look at it; status 0 when the server closed
// without a whole one.
struct Response {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;

  int result_int() const { return status; }
  std::string operator[](const std::string& name) const {
    auto it = headers.find(absl::AsciiStrToLower(name));
    return it == headers.end() ? "" : it->second;
  }
  bool keep_alive() const { return absl::AsciiStrToLower((*this)["connection"]) != "close"; }
};

// Reads one response (header, then Content-Length bytes of body).
Response ReadResponse(Socket& s) {
  Response r;
  size_t end;
  while ((end = s.buffer().find("\r\n\r\n")) == std::string::npos) {
    if (!s.Fill()) return r;
  }
  const std::string head = s.buffer().substr(0, end);
  s.buffer().erase(0, end + 4);
  size_t line_end = head.find("\r\n");
  const std::string status_line = head.substr(0, line_end);
  if (status_line.size() < 12 || !absl::SimpleAtoi(status_line.substr(9, 3), &r.status)) {
    r.status = 0;
    return r;
  }
  while (line_end != std::string::npos) {
    const size_t next = head.find("\r\n", line_end + 2);
    const std::string line = head.substr(line_end + 2, next == std::string::npos
                                                           ? std::string::npos
                                                           : next - line_end - 2);
    const size_t colon = line.find(':');
    if (colon != std::string::npos) {
      r.headers[absl::AsciiStrToLower(line.substr(0, colon))] =
          std::string(absl::StripAsciiWhitespace(line.substr(colon + 1)));
    }
    line_end = next;
  }
  size_t length = 0;
  if (!absl::SimpleAtoi(r["content-length"], &length)) length = 0;
  while (s.buffer().size() < length) {
    if (!s.Fill()) {
      r.status = 0;
      return r;
    }
  }
  r.body = s.buffer().substr(0, length);
  s.buffer().erase(0, length);
  return r;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void Serve(HttpServerOptions options) {
    options.listen = "127.0.0.1:0";
    router_.Get("/hello", [](const HttpRequest& r, const PathParams&) {
      return HttpResponse::Text(200, "hello " + r.query);
    });
    router_.Post("/echo/{name}", [](const HttpRequest& r, const PathParams& p) {
      const std::string* type = r.Header("content-type");
      return HttpResponse::Text(200, p.at("name") + "|" + (type ? *type : "") + "|" + r.body +
                                         "|" + r.remote_address);
    });
    router_.Get("/block", [this](const HttpRequest&, const PathParams&) {
      std::unique_lock<std::mutex> lock(mu_);
      ++blocked_;
      cv_.notify_all();
      cv_.wait(lock, [this] { return released_; });
      return HttpResponse::Text(200, "released");
    });
    auto s = HttpServer::Start(options, [this](const HttpRequest& r) { return router_.Handle(r); });
    ASSERT_TRUE(s.ok()) << s.status();
    server_ = std::move(*s);
  }
  void TearDown() override {
    Release();
    if (server_) server_->Stop();
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mu_);
    released_ = true;
    cv_.notify_all();
  }

  std::unique_ptr<Socket> Open() {
    auto s = std::make_unique<Socket>(server_->port());
    EXPECT_TRUE(s->connected());
    return s;
  }
  static void Send(Socket& s, const std::string& bytes) { s.Send(bytes); }
  static Response Read(Socket& s) { return ReadResponse(s); }
  Response RoundTrip(const std::string& bytes) {
    auto s = Open();
    Send(*s, bytes);
    return Read(*s);
  }
  // The server closed the connection (and sent nothing more).
  static bool ClosedByPeer(Socket& s) { return s.PeerClosed(); }

  HttpRouter router_;
  std::unique_ptr<HttpServer> server_;
  std::mutex mu_;
  std::condition_variable cv_;
  int blocked_ = 0;
  bool released_ = false;
};

TEST_F(HttpServerTest, ServesRoutesOverOneKeepAliveConnection) {
  Serve({});
  auto s = Open();
  for (int i = 0; i < 3; ++i) {
    Send(*s, "GET /hello?n=" + std::to_string(i) + " HTTP/1.1\r\nHost: x\r\n\r\n");
    auto res = Read(*s);
    ASSERT_EQ(res.result_int(), 200);
    EXPECT_EQ(res.body, "hello n=" + std::to_string(i));
    EXPECT_EQ(res["Cache-Control"], "no-store");
    EXPECT_EQ(res["X-Content-Type-Options"], "nosniff");
    EXPECT_TRUE(res.keep_alive());
  }
  Send(*s, "POST /echo/bob HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
           "Content-Length: 5\r\n\r\nabcde");
  auto res = Read(*s);
  EXPECT_EQ(res.body, "bob|text/plain|abcde|127.0.0.1");
  EXPECT_EQ(server_->stats().requests, 4u);
  // Each route's handler time, by its pattern; routes never asked are left
  // out, and a copy of the router shares the figures.
  std::string metrics;
  HttpRouter(router_).AppendMetrics(&metrics);
  EXPECT_NE(metrics.find("# TYPE iam_http_handler_seconds histogram"), std::string::npos);
  EXPECT_NE(metrics.find("iam_http_handler_seconds_count{method=\"GET\",route=\"/hello\"} 3\n"),
            std::string::npos) << metrics;
  EXPECT_NE(metrics.find("iam_http_handler_seconds_bucket{method=\"POST\",route=\"/echo/{name}\","
                         "le=\"+Inf\"} 1\n"),
            std::string::npos) << metrics;
  EXPECT_EQ(metrics.find("404"), std::string::npos);
}

TEST_F(HttpServerTest, UnknownPathIs404AndWrongMethodIs405WithAllow) {
  Serve({});
  EXPECT_EQ(RoundTrip("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n").result_int(), 404);
  EXPECT_EQ(RoundTrip("GET //hello HTTP/1.1\r\nHost: x\r\n\r\n").result_int(), 404);
  auto res = RoundTrip("DELETE /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(res.result_int(), 405);
  EXPECT_EQ(res["Allow"], "GET");
}

TEST_F(HttpServerTest, OversizedHeadersAndBodiesGetTheirOwn4xxAndClose) {
  HttpServerOptions o;
  o.header_limit = 1024;
  o.max_header_count = 10;
  o.body_limit = 100;
  Serve(o);
  auto big = Open();
  Send(*big, "GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(2000, 'a') + "\r\n\r\n");
  EXPECT_EQ(Read(*big).result_int(), 431);
  EXPECT_TRUE(ClosedByPeer(*big));

  std::string many = "GET /hello HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 11; ++i) many += "X-" + std::to_string(i) + ": v\r\n";
  EXPECT_EQ(RoundTrip(many + "\r\n").result_int(), 431);

  auto body = Open();
  Send(*body, "POST /echo/a HTTP/1.1\r\nHost: x\r\nContent-Length: 101\r\n\r\n");
  EXPECT_EQ(Read(*body).result_int(), 413);
  // Chunked bodies are counted as they arrive.
  auto chunked = Open();
  Send(*chunked, "POST /echo/a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "64\r\n" + std::string(100, 'b') + "\r\n5\r\nccccc\r\n0\r\n\r\n");
  EXPECT_EQ(Read(*chunked).result_int(), 413);
  // At the limit is fine.
  auto res = RoundTrip("POST /echo/a HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" +
                       std::string(100, 'z'));
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(server_->stats().rejected_limit, 4u);
}

TEST_F(HttpServerTest, MalformedRequestsAre400) {
  Serve({});
  EXPECT_EQ(RoundTrip("GARBAGE\r\n\r\n").result_int(), 400);
  EXPECT_EQ(RoundTrip("GET /hello HTTP/1.1\r\nHost x\r\n\r\n").result_int(), 400);
  EXPECT_EQ(RoundTrip("POST /echo/a HTTP/1.1\r\nContent-Length: -1\r\n\r\n").result_int(), 400);
  EXPECT_EQ(RoundTrip(std::string("GET /hello HTTP/1.1\r\nX: a\0b\r\n\r\n", 31)).result_int(), 400);
}

TEST_F(HttpServerTest, ARequestThatDoesNotArriveInTimeIsCutOff) {
  HttpServerOptions o;
  o.request_timeout_seconds = 1;
  Serve(o);
  auto s = Open();
  Send(*s, "GET /hello HTTP/1.1\r\nHost: x\r\n");  // never finished
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(ClosedByPeer(*s));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
}

TEST_F(HttpServerTest, AnIdleConnectionIsClosedAfterTheIdleTimeout) {
  HttpServerOptions o;
  o.idle_timeout_seconds = 1;
  Serve(o);
  auto s = Open();
  Send(*s, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(Read(*s).result_int(), 200);
  EXPECT_TRUE(ClosedByPeer(*s));  // within the idle timeout, not never
}

TEST_F(HttpServerTest, IdleAndSlowClientsDoNotStopNewRequests) {
  HttpServerOptions o;
  o.handler_threads = 2;
  o.io_threads = 1;
  Serve(o);
  std::vector<std::unique_ptr<Socket>> idle;
  for (int i = 0; i < 300; ++i) {
    idle.push_back(Open());
    Send(*idle.back(), "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  }
  for (auto& s : idle) ASSERT_EQ(Read(*s).result_int(), 200);
  std::vector<std::unique_ptr<Socket>> slow;
  for (int i = 0; i < 100; ++i) {
    slow.push_back(Open());
    Send(*slow.back(), "GET /hello HTTP/1.1\r\nHost: x\r\nX-Slow: a");
  }
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(RoundTrip("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n").result_int(), 200);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(1));
  EXPECT_GE(server_->stats().open_connections, 400);
}

TEST_F(HttpServerTest, AFullHandlerQueueAnswers503AtOnce) {
  HttpServerOptions o;
  o.handler_threads = 1;
  o.handler_queue = 1;
  Serve(o);
  auto first = Open();
  Send(*first, "GET /block HTTP/1.1\r\nHost: x\r\n\r\n");
  {
    std::unique_lock<std::mutex> lock(mu_);
    ASSERT_TRUE(cv_.wait_for(lock, std::chrono::seconds(5), [this] { return blocked_ == 1; }));
  }
  auto res = RoundTrip("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(res.result_int(), 503);
  EXPECT_EQ(res["Retry-After"], "1");
  Release();
  EXPECT_EQ(Read(*first).body, "released");
  EXPECT_EQ(RoundTrip("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n").result_int(), 200);
  EXPECT_EQ(server_->stats().rejected_busy, 1u);
}

TEST_F(HttpServerTest, ExpectContinueGetsA100BeforeTheBody) {
  Serve({});
  auto s = Open();
  Send(*s, "POST /echo/c HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n");
  EXPECT_EQ(Read(*s).status, 100);
  Send(*s, "xyz");
  Response res = Read(*s);
  EXPECT_EQ(res.body, "c||xyz|127.0.0.1");
}

TEST_F(HttpServerTest, ConnectionsBeyondTheLimitAreClosed) {
  HttpServerOptions o;
  o.max_connections = 3;
  Serve(o);
  std::vector<std::unique_ptr<Socket>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(Open());
    Send(*held.back(), "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_EQ(Read(*held.back()).result_int(), 200);
  }
  auto extra = Open();
  EXPECT_TRUE(ClosedByPeer(*extra));
  held.clear();
  // Closed connections are counted out.
  for (int i = 0; i < 100 && server_->stats().open_connections > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(RoundTrip("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n").result_int(), 200);
}

TEST_F(HttpServerTest, ConnectionCloseIsHonoured) {
  Serve({});
  auto s = Open();
  Send(*s, "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  auto res = Read(*s);
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_FALSE(res.keep_alive());
  EXPECT_TRUE(ClosedByPeer(*s));
}

TEST(ClientAddress, BelievesForwardedForOnlyFromTrustedProxies) {
  const std::vector<Cidr> proxies = {*Cidr::Parse("10.0.0.0/8")};
  HttpRequest r;
  r.remote_address = "203.0.113.7";
  r.headers = {{"x-forwarded-for", "198.51.100.1"}};
  // Not from a proxy: the header is the client's own say.
  EXPECT_EQ(ClientAddress(r, proxies), "203.0.113.7");
  r.remote_address = "10.1.1.1";
  EXPECT_EQ(ClientAddress(r, proxies), "198.51.100.1");
  // A client's own X-Forwarded-For is to the left of what the proxies add.
  r.headers = {{"x-forwarded-for", "192.0.2.66, 198.51.100.1, 10.2.2.2"}};
  EXPECT_EQ(ClientAddress(r, proxies), "198.51.100.1");
  r.headers = {{"x-forwarded-for", "192.0.2.66"}, {"x-forwarded-for", "2001:db8::1"}};
  EXPECT_EQ(ClientAddress(r, proxies), "2001:db8::1");
  r.headers = {{"x-forwarded-for", "not-an-ip"}};
  EXPECT_EQ(ClientAddress(r, proxies), "10.1.1.1");
  r.headers = {};
  EXPECT_EQ(ClientAddress(r, proxies), "10.1.1.1");
  EXPECT_EQ(ClientAddress(r, {}), "10.1.1.1");
}

TEST(HttpServerStart, RefusesABadAddressAndATakenPort) {
  HttpServerOptions o;
  o.listen = "nohost";
  EXPECT_EQ(HttpServer::Start(o, nullptr).status().code(), absl::StatusCode::kInvalidArgument);
  o.listen = "127.0.0.1:99999";
  EXPECT_EQ(HttpServer::Start(o, nullptr).status().code(), absl::StatusCode::kInvalidArgument);
  o.listen = "127.0.0.1:0";
  auto first = HttpServer::Start(o, nullptr);
  ASSERT_TRUE(first.ok());
  o.listen = "127.0.0.1:" + std::to_string((*first)->port());
  EXPECT_EQ(HttpServer::Start(o, nullptr).status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace iam::server
