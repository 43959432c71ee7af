// The outbound HTTP client against a real HTTP(S) server on loopback (the
// service's own listener, started here). What it must refuse matters as
// much as what it fetches: private destinations by default, schemes and
// URLs it does not request, answers that are too large or too slow,
// redirects, and TLS peers it cannot verify.
#include "iam/net/http_fetcher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "iam/server/http_server.h"
#include "tests/support/test_database.h"

namespace iam::net {
namespace {

using server::HttpRequest;
using server::HttpResponse;
using server::HttpServer;
using server::HttpServerOptions;

HttpResponse Answer(const HttpRequest& req) {
  if (req.path == "/jwks") {
    return HttpResponse::Json(200, R"({"keys":[]})").With("Cache-Control", "public, max-age=120");
  }
  if (req.path == "/echo") {
    const std::string* h = req.Header("x-test");
    return HttpResponse::Text(200, absl::StrCat(req.method, " ", h ? *h : "-", " ", req.body));
  }
  if (req.path == "/big") return HttpResponse::Text(200, std::string(300 * 1024, 'x'));
  if (req.path == "/slow") {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    return HttpResponse::Text(200, "late");
  }
  if (req.path == "/moved") return HttpResponse::Text(302, "").With("Location", "/jwks");
  return HttpResponse::Text(404, "no");
}

class HttpFetcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HttpServerOptions o;
    o.listen = "127.0.0.1:0";
    auto s = HttpServer::Start(o, Answer);
    ASSERT_TRUE(s.ok()) << s.status();
    server_ = *std::move(s);
    base_ = absl::StrCat("http://127.0.0.1:", server_->port());
  }

  static FetchRequest Get(std::string url) {
    FetchRequest r;
    r.url = std::move(url);
    return r;
  }

  static HttpFetcher Open() {
    HttpFetcherOptions o;
    o.allow_private_networks = true;
    o.timeout = absl::Milliseconds(500);
    o.max_response_bytes = 64 * 1024;
    return HttpFetcher(o);
  }

  std::unique_ptr<HttpServer> server_;
  std::string base_;
};

TEST_F(HttpFetcherTest, FetchesStatusBodyAndCachingHeaders) {
  auto r = Open().Fetch(Get(base_ + "/jwks"));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, R"({"keys":[]})");
  EXPECT_EQ(r->content_type, "application/json");
  EXPECT_EQ(r->cache_control, "public, max-age=120");
  auto missing = Open().Fetch(Get(base_ + "/nothing"));
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->status, 404);
}

TEST_F(HttpFetcherTest, PostsBodyAndHeaders) {
  FetchRequest r = Get(base_ + "/echo");
  r.method = "POST";
  r.headers = {{"X-Test", "yes"}, {"Content-Type", "application/x-www-form-urlencoded"}};
  r.body = "logout_token=abc";
  auto got = Open().Fetch(r);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->body, "POST yes logout_token=abc");
  r.method = "DELETE";
  EXPECT_EQ(Open().Fetch(r).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(HttpFetcherTest, RefusesPrivateDestinationsUnlessAllowed) {
  HttpFetcher guarded{HttpFetcherOptions{}};
  auto literal = guarded.Fetch(Get(base_ + "/jwks"));
  EXPECT_EQ(literal.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(literal.status().message().find("127.0.0.1"), std::string::npos);
  // By name: judged on the address it resolves to.
  auto named =
      guarded.Fetch(Get(absl::StrCat("http://localhost:", server_->port(), "/jwks")));
  EXPECT_EQ(named.status().code(), absl::StatusCode::kPermissionDenied);
  auto allowed = Open().Fetch(Get(absl::StrCat("http://localhost:", server_->port(), "/jwks")));
  ASSERT_TRUE(allowed.ok()) << allowed.status();
  EXPECT_EQ(allowed->status, 200);
}

TEST_F(HttpFetcherTest, ClassifiesDestinations) {
  for (const char* a : {"127.0.0.1", "10.1.2.3", "172.31.0.1", "192.168.1.1", "169.254.169.254",
                        "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "::",
                        "::ffff:127.0.0.1", "fd00::1", "fe80::1", "ff02::1", "not-an-ip", ""}) {
    EXPECT_TRUE(IsPrivateDestination(a)) << a;
  }
  for (const char* a : {"8.8.8.8", "1.1.1.1", "172.32.0.1", "2606:4700:4700::1111"}) {
    EXPECT_FALSE(IsPrivateDestination(a)) << a;
  }
}

TEST_F(HttpFetcherTest, RefusesUrlsItDoesNotRequest) {
  for (const std::string& url :
       {std::string("http://example.com/jwks"), std::string("ftp://127.0.0.1/x"),
        std::string("file:///etc/passwd"), std::string("gopher://127.0.0.1:70/"),
        absl::StrCat("http://user:pw@127.0.0.1:", server_->port(), "/jwks"),
        std::string("not a url"), std::string("/relative"), "https://a/" + std::string(3000, 'p')}) {
    auto r = Open().Fetch(Get(url));
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << url;
    EXPECT_EQ(r.status().message().find("pw"), std::string::npos);
  }
}

TEST_F(HttpFetcherTest, BoundsSizeAndTimeAndFollowsNoRedirect) {
  auto big = Open().Fetch(Get(base_ + "/big"));
  EXPECT_EQ(big.status().code(), absl::StatusCode::kResourceExhausted);
  const auto start = std::chrono::steady_clock::now();
  auto slow = Open().Fetch(Get(base_ + "/slow"));
  EXPECT_EQ(slow.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(1400));
  auto moved = Open().Fetch(Get(base_ + "/moved"));
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_EQ(moved->status, 302);
  EXPECT_EQ(moved->body, "");
  // Nothing listens there.
  server_->Stop();
  EXPECT_EQ(Open().Fetch(Get(base_ + "/jwks")).status().code(), absl::StatusCode::kUnavailable);
}

// HTTPS: the peer is verified against the given trust anchors and by name.
TEST(HttpFetcherTlsTest, VerifiesThePeer) {
  const std::string dir = testing::MakeTempDir();
  const std::string script = absl::StrCat(
      "set -e; cd ", dir, "; exec >openssl.log 2>&1;",
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 "
      "-subj /CN=test-ca -keyout ca.key -out ca.crt;",
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 "
      "-subj /CN=other-ca -keyout other.key -out other.crt;",
      "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=keys "
      "-keyout server.key -out server.csr;",
      "printf 'subjectAltName=IP:127.0.0.1,DNS:localhost' > san.ext;",
      "openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 "
      "-extfile san.ext -out server.crt;",
      "printf 'subjectAltName=DNS:elsewhere.test' > wrong.ext;",
      "openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 "
      "-extfile wrong.ext -out wrong.crt");
  ASSERT_EQ(std::system(("bash -c '" + script + "'").c_str()), 0);
  HttpServerOptions o;
  o.listen = "127.0.0.1:0";
  o.tls_cert_file = dir + "/server.crt";
  o.tls_key_file = dir + "/server.key";
  auto server = HttpServer::Start(o, Answer);
  ASSERT_TRUE(server.ok()) << server.status();
  const int port = (*server)->port();
  o.tls_cert_file = dir + "/wrong.crt";
  auto misnamed = HttpServer::Start(o, Answer);
  ASSERT_TRUE(misnamed.ok()) << misnamed.status();
  auto fetch = [&](const std::string& ca, const std::string& host, int port) {
    HttpFetcherOptions f;
    f.allow_private_networks = true;
    f.ca_file = ca;
    FetchRequest r;
    r.url = absl::StrCat("https://", host, ":", port, "/jwks");
    return HttpFetcher(f).Fetch(r);
  };
  auto trusted = fetch(dir + "/ca.crt", "localhost", port);
  ASSERT_TRUE(trusted.ok()) << trusted.status();
  EXPECT_EQ(trusted->status, 200);
  EXPECT_TRUE(fetch(dir + "/ca.crt", "127.0.0.1", port).ok());
  // Signed by an authority not trusted; the system's store does not know it either.
  EXPECT_EQ(fetch(dir + "/other.crt", "localhost", port).status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(fetch("", "localhost", port).status().code(), absl::StatusCode::kUnavailable);
  // The right authority, a certificate for another name.
  EXPECT_EQ(fetch(dir + "/ca.crt", "127.0.0.1", (*misnamed)->port()).status().code(),
            absl::StatusCode::kUnavailable);
  (*server)->Stop();
  (*misnamed)->Stop();
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

}  // namespace
}  // namespace iam::net
