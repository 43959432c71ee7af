// TLS and mutual TLS on the gRPC listener, with certificates made for the
// test by the openssl command.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "tests/support/test_server.h"

namespace iam::e2e {
namespace {

using v1::AdminService;

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string skip;
    db_ = testing::TestDatabase::Create(store::Backend::kSqlite, &skip);
    ASSERT_NE(db_, nullptr) << skip;
    dir_ = db_->dir();
    // A CA, a server certificate for 127.0.0.1 and a client certificate.
    const std::string script = absl::StrCat(
        "set -e; cd ", dir_, "; exec >openssl.log 2>&1;",
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 "
        "-subj /CN=test-ca -keyout ca.key -out ca.crt;",
        "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=iamd "
        "-keyout server.key -out server.csr;",
        "printf 'subjectAltName=IP:127.0.0.1,DNS:localhost' > san.ext;",
        "openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 "
        "-extfile san.ext -out server.crt;",
        "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=client "
        "-keyout client.key -out client.csr;",
        "openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 "
        "-out client.crt");
    ASSERT_EQ(std::system(("bash -c '" + script + "'").c_str()), 0) << Read(dir_ + "/openssl.log");
  }

  std::unique_ptr<testing::TestServer> Start(bool mtls) {
    Config c = testing::TestConfig(*db_);
    c.tls_cert_file = dir_ + "/server.crt";
    c.tls_key_file = dir_ + "/server.key";
    if (mtls) {
      c.tls_client_ca_file = dir_ + "/ca.crt";
      c.tls_require_client_cert = true;
    }
    return testing::TestServer::Start(c, &clock_, &random_);
  }

  grpc::StatusCode Whoami(testing::TestServer& s,
                          std::shared_ptr<grpc::ChannelCredentials> creds) {
    auto stub = AdminService::NewStub(grpc::CreateChannel(s.server().address(), creds));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    ctx.AddMetadata("authorization", "Bearer " + s.root_token());
    v1::GetCallerIdentityResponse r;
    return stub->GetCallerIdentity(&ctx, {}, &r).error_code();
  }

  grpc::SslCredentialsOptions Trusting() {
    grpc::SslCredentialsOptions o;
    o.pem_root_certs = Read(dir_ + "/ca.crt");
    return o;
  }

  std::unique_ptr<testing::TestDatabase> db_;
  std::string dir_;
  FakeClock clock_;
  CryptoRandom random_;
};

TEST_F(TlsTest, ServesOnlyTls) {
  auto s = Start(false);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(Whoami(*s, grpc::SslCredentials(Trusting())), grpc::StatusCode::OK);
  EXPECT_EQ(Whoami(*s, grpc::InsecureChannelCredentials()), grpc::StatusCode::UNAVAILABLE);
  // A client that does not trust the server's CA refuses to talk.
  grpc::SslCredentialsOptions wrong;
  wrong.pem_root_certs = Read(dir_ + "/client.crt");
  EXPECT_EQ(Whoami(*s, grpc::SslCredentials(wrong)), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TlsTest, MutualTlsRequiresAClientCertificate) {
  auto s = Start(true);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(Whoami(*s, grpc::SslCredentials(Trusting())), grpc::StatusCode::UNAVAILABLE);
  grpc::SslCredentialsOptions with_cert = Trusting();
  with_cert.pem_cert_chain = Read(dir_ + "/client.crt");
  with_cert.pem_private_key = Read(dir_ + "/client.key");
  EXPECT_EQ(Whoami(*s, grpc::SslCredentials(with_cert)), grpc::StatusCode::OK);
}

TEST_F(TlsTest, TheHttpListenerServesHttpsWhenGivenACertificate) {
  Config c = testing::TestConfig(*db_);
  c.http_tls_cert_file = dir_ + "/server.crt";
  c.http_tls_key_file = dir_ + "/server.key";
  auto s = testing::TestServer::Start(c, &clock_, &random_);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->server().issuer().rfind("https://127.0.0.1:", 0), 0u) << s->server().issuer();
  httplib::SSLClient https("127.0.0.1", s->server().http_port());
  https.set_ca_cert_path((dir_ + "/ca.crt").c_str());
  https.enable_server_certificate_verification(true);
  auto res = https.Get("/.well-known/jwks.json");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
  EXPECT_NE(res->body.find("\"keys\""), std::string::npos);
  httplib::Client plain("127.0.0.1", s->server().http_port());
  EXPECT_FALSE(plain.Get("/.well-known/jwks.json")) << "no plain HTTP on a TLS listener";
}

TEST_F(TlsTest, AMissingCertificateStopsTheStart) {
  Config c = testing::TestConfig(*db_);
  c.tls_cert_file = dir_ + "/nope.crt";
  c.tls_key_file = dir_ + "/server.key";
  auto s = server::IamServer::Start(c, &clock_, &random_);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace iam::e2e
