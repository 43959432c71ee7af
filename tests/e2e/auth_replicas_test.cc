// Two replicas (two IamServers, each with its own pools and caches) on one
// store: login counters, session limits and revocations agree across them.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/support/test_database.h"
#include "tests/support/test_server.h"

namespace iam::e2e {
namespace {

using store::Backend;
using v1::AdminService;
using v1::AuthService;

class AuthReplicasTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    IAM_OPEN_TEST_DATABASE(t_, GetParam());
    Config c = testing::TestConfig(*t_);
    c.throttle_slow_after = 1000;
    c.throttle_block_after = 2000;
    c.issuer = "https://iam.example.test";  // replicas behind one name share an issuer
    a_ = testing::TestServer::Start(c, &clock_, &random_);
    b_ = testing::TestServer::Start(c, &clock_, &random_);
    ASSERT_NE(a_, nullptr);
    ASSERT_NE(b_, nullptr);
    std::tie(acme_, alice_) = a_->CreateAccount("acme", "alice");
    v1::CreateUserRequest cu;
    cu.set_username("bob");
    v1::User u;
    ASSERT_TRUE(a_->Call(alice_, &AdminService::Stub::CreateUser, cu, &u).ok());
    v1::SetUserPasswordRequest sp;
    sp.set_username("bob");
    sp.set_password("replica-password-1");
    sp.set_permanent(true);
    v1::SetUserPasswordResponse spr;
    ASSERT_TRUE(b_->Call(alice_, &AdminService::Stub::SetUserPassword, sp, &spr).ok());
  }

  void SetPolicy(const std::string& kind, const nlohmann::json& doc) {
    v1::SetAccountPolicyRequest r;
    r.set_kind(kind);
    r.set_document(doc.dump());
    v1::AccountPolicy out;
    grpc::Status s = a_->Call(alice_, &AdminService::Stub::SetAccountPolicy, r, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  nlohmann::json GetPolicy(const std::string& kind) {
    v1::GetAccountPolicyRequest r;
    r.set_kind(kind);
    v1::AccountPolicy out;
    EXPECT_TRUE(b_->Call(alice_, &AdminService::Stub::GetAccountPolicy, r, &out).ok());
    return nlohmann::json::parse(out.document());
  }

  v1::LoginResponse Login(testing::TestServer& s, const std::string& pw) {
    v1::LoginRequest r;
    r.set_account(acme_);
    r.set_username("bob");
    r.set_password(pw);
    v1::LoginResponse resp;
    EXPECT_TRUE(s.CallAuth("", &AuthService::Stub::Login, r, &resp).ok());
    return resp;
  }

  std::unique_ptr<testing::TestDatabase> t_;
  FakeClock clock_;
  CryptoRandom random_;
  std::unique_ptr<testing::TestServer> a_, b_;
  std::string acme_, alice_;
};

TEST_P(AuthReplicasTest, LockAfterExactlyNFailuresAcrossReplicas) {
  nlohmann::json p = GetPolicy("lockout");
  p["max_failures"] = 7;
  p["quick_login_check_ms"] = 0;
  p["challenge_after_failures"] = 0;
  SetPolicy("lockout", p);
  std::atomic<int> failed{0}, locked{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 30; ++i) {
    threads.emplace_back([&, i] {
      auto r = Login(i % 2 ? *a_ : *b_, "wrong-password-" + std::to_string(i));
      if (r.status() == v1::LOGIN_STATUS_FAILED) ++failed;
      if (r.status() == v1::LOGIN_STATUS_LOCKED) ++locked;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed, 7) << "exactly the threshold is counted";
  EXPECT_EQ(locked, 23);
  EXPECT_EQ(Login(*a_, "replica-password-1").status(), v1::LOGIN_STATUS_LOCKED);
  EXPECT_EQ(Login(*b_, "replica-password-1").status(), v1::LOGIN_STATUS_LOCKED);
}

TEST_P(AuthReplicasTest, SessionLimitAcrossReplicasAndRevocationSeenEverywhere) {
  nlohmann::json p = GetPolicy("session");
  p["max_sessions_per_user"] = 3;
  p["on_limit"] = "refuse";
  SetPolicy("session", p);
  std::atomic<int> ok{0};
  std::vector<std::string> tokens(20);
  std::vector<std::thread> threads;
  for (int i = 0; i < 20; ++i) {
    threads.emplace_back([&, i] {
      auto r = Login(i % 2 ? *a_ : *b_, "replica-password-1");
      if (r.status() == v1::LOGIN_STATUS_SUCCESS) {
        ++ok;
        tokens[i] = r.tokens().access_token();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok, 3);
  std::string token;
  for (const auto& t : tokens) {
    if (!t.empty()) token = t;
  }
  auto verify = [&](testing::TestServer& s) {
    v1::VerifyTokenRequest r;
    r.set_token(token);
    v1::VerifyTokenResponse out;
    EXPECT_TRUE(s.CallAuth("", &AuthService::Stub::VerifyToken, r, &out).ok());
    return out;
  };
  EXPECT_TRUE(verify(*a_).valid());
  EXPECT_TRUE(verify(*b_).valid());  // both replicas now cache "active"
  v1::LogoutRequest lo;
  v1::LogoutResponse lor;
  ASSERT_TRUE(a_->CallAuth(token, &AuthService::Stub::Logout, lo, &lor).ok());
  EXPECT_FALSE(verify(*a_).valid()) << "at once on the replica that revoked";
  clock_.Advance(absl::Milliseconds(1001));
  EXPECT_FALSE(verify(*b_).valid()) << "within a second on the other";
  // Keys: a rotation through one replica is published by the other.
  v1::RotateSigningKeyRequest rot;
  v1::RotateSigningKeyResponse rotated;
  ASSERT_TRUE(a_->Call(a_->root_token(), &AdminService::Stub::RotateSigningKey, rot, &rotated).ok());
  clock_.Advance(absl::Milliseconds(1001));
  v1::GetJwksRequest gj;
  v1::GetJwksResponse jwks;
  ASSERT_TRUE(b_->CallAuth("", &AuthService::Stub::GetJwks, gj, &jwks).ok());
  EXPECT_NE(jwks.jwks_json().find(rotated.kid()), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, AuthReplicasTest,
                         ::testing::Values(Backend::kSqlite, Backend::kMysql),
                         testing::BackendParamName());

}  // namespace
}  // namespace iam::e2e
