// The HTTP listener on a loopback port, driven with raw sockets so that
// malformed, oversized, slow and idle clients can be written byte by byte.
#include "iam/server/http_server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "iam/server/http_router.h"

namespace iam::server {
namespace {

namespace net = boost::asio;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

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

  std::unique_ptr<tcp::socket> Open() {
    auto s = std::make_unique<tcp::socket>(ioc_);
    s->connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), server_->port()));
    return s;
  }
  static void Send(tcp::socket& s, const std::string& bytes) { net::write(s, net::buffer(bytes)); }
  // Reads one answer; status 0 when the server closed without one.
  static http::response<http::string_body> Read(tcp::socket& s) {
    boost::beast::flat_buffer buffer;
    http::response<http::string_body> res;
    boost::system::error_code ec;
    http::read(s, buffer, res, ec);
    if (ec) res.result(0);
    return res;
  }
  http::response<http::string_body> RoundTrip(const std::string& bytes) {
    auto s = Open();
    Send(*s, bytes);
    return Read(*s);
  }
  static bool ClosedByPeer(tcp::socket& s) {
    char c;
    boost::system::error_code ec;
    s.read_some(net::buffer(&c, 1), ec);
    return ec == net::error::eof || ec == net::error::connection_reset;
  }

  net::io_context ioc_;
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
    EXPECT_EQ(res.body(), "hello n=" + std::to_string(i));
    EXPECT_EQ(res[http::field::cache_control], "no-store");
    EXPECT_EQ(res["X-Content-Type-Options"], "nosniff");
    EXPECT_TRUE(res.keep_alive());
  }
  Send(*s, "POST /echo/bob HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
           "Content-Length: 5\r\n\r\nabcde");
  auto res = Read(*s);
  EXPECT_EQ(res.body(), "bob|text/plain|abcde|127.0.0.1");
  EXPECT_EQ(server_->stats().requests, 4u);
}

TEST_F(HttpServerTest, UnknownPathIs404AndWrongMethodIs405WithAllow) {
  Serve({});
  EXPECT_EQ(RoundTrip("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n").result_int(), 404);
  EXPECT_EQ(RoundTrip("GET //hello HTTP/1.1\r\nHost: x\r\n\r\n").result_int(), 404);
  auto res = RoundTrip("DELETE /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(res.result_int(), 405);
  EXPECT_EQ(res[http::field::allow], "GET");
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
  std::vector<std::unique_ptr<tcp::socket>> idle;
  for (int i = 0; i < 300; ++i) {
    idle.push_back(Open());
    Send(*idle.back(), "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  }
  for (auto& s : idle) ASSERT_EQ(Read(*s).result_int(), 200);
  std::vector<std::unique_ptr<tcp::socket>> slow;
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
  EXPECT_EQ(res[http::field::retry_after], "1");
  Release();
  EXPECT_EQ(Read(*first).body(), "released");
  EXPECT_EQ(RoundTrip("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n").result_int(), 200);
  EXPECT_EQ(server_->stats().rejected_busy, 1u);
}

TEST_F(HttpServerTest, ExpectContinueGetsA100BeforeTheBody) {
  Serve({});
  auto s = Open();
  Send(*s, "POST /echo/c HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n");
  boost::beast::flat_buffer buffer;
  http::response_parser<http::empty_body> interim;
  http::read_header(*s, buffer, interim);
  EXPECT_EQ(interim.get().result_int(), 100);
  Send(*s, "xyz");
  http::response<http::string_body> res;
  http::read(*s, buffer, res);
  EXPECT_EQ(res.body(), "c||xyz|127.0.0.1");
}

TEST_F(HttpServerTest, ConnectionsBeyondTheLimitAreClosed) {
  HttpServerOptions o;
  o.max_connections = 3;
  Serve(o);
  std::vector<std::unique_ptr<tcp::socket>> held;
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
