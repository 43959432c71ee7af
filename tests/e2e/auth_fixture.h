// AuthFixture: a real IamServer on either store, with a FakeClock, two
// tenants (acme with admin alice and user bob, globex with admin gina) and
// helpers for logins, policies, tokens and the audit records they leave.
#ifndef IAM_TESTS_E2E_AUTH_FIXTURE_H_
#define IAM_TESTS_E2E_AUTH_FIXTURE_H_

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/support/rpc_matchers.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"

namespace iam::e2e {

using v1::AdminService;
using v1::AuthService;

inline constexpr char kBobPassword[] = "blue-harbour-lantern";

class AuthFixture : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    IAM_OPEN_TEST_DATABASE(t_, GetParam());
    config_ = testing::TestConfig(*t_);
    config_.trusted_proxies = "127.0.0.0/8,::1/128";
    // Source throttling has its own test; elsewhere it would get in the way
    // of the many failures from one loopback address.
    config_.throttle_slow_after = 1000;
    config_.throttle_block_after = 2000;
    Start();
    root_ = server_->root_token();
    std::tie(acme_, alice_) = server_->CreateAccount("acme", "alice");
    std::tie(globex_, gina_) = server_->CreateAccount("globex", "gina");
    CreateUser("bob", "bob@example.com");
    SetPassword("bob", kBobPassword, true);
  }

  void Start() {
    server_ = testing::TestServer::Start(config_, &clock_, &random_);
    ASSERT_NE(server_, nullptr);
  }

  void CreateUser(const std::string& name, const std::string& email = "") {
    v1::CreateUserRequest r;
    r.set_username(name);
    r.set_email(email);
    v1::User u;
    ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::CreateUser, r, &u));
  }

  grpc::Status SetPassword(const std::string& user, const std::string& pw, bool permanent) {
    v1::SetUserPasswordRequest r;
    r.set_username(user);
    r.set_password(pw);
    r.set_permanent(permanent);
    v1::SetUserPasswordResponse resp;
    return server_->Call(alice_, &AdminService::Stub::SetUserPassword, r, &resp);
  }

  v1::LoginResponse Login(const std::string& user, const std::string& pw,
                          const std::string& client_ip = "", const std::string& type = "web",
                          const std::string& proof = "", const std::string& device = "dev-1") {
    v1::LoginRequest r;
    r.set_account("acme");
    r.set_username(user);
    r.set_password(pw);
    r.set_client_type(type);
    r.set_client_ip(client_ip);
    r.set_challenge_proof(proof);
    r.set_device_id(device);
    v1::LoginResponse resp;
    grpc::Status s = server_->CallAuth("", &AuthService::Stub::Login, r, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp;
  }

  void SetPolicy(const std::string& kind, const nlohmann::json& doc,
                 const std::string& token = "") {
    v1::SetAccountPolicyRequest r;
    r.set_kind(kind);
    r.set_document(doc.dump());
    v1::AccountPolicy out;
    grpc::Status s = server_->Call(token.empty() ? alice_ : token,
                                   &AdminService::Stub::SetAccountPolicy, r, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  nlohmann::json GetPolicy(const std::string& kind) {
    v1::GetAccountPolicyRequest r;
    r.set_kind(kind);
    v1::AccountPolicy out;
    EXPECT_RPC_OK(server_->Call(alice_, &AdminService::Stub::GetAccountPolicy, r, &out));
    return nlohmann::json::parse(out.document());
  }

  v1::VerifyTokenResponse Verify(const std::string& token, const std::string& audience = "") {
    v1::VerifyTokenRequest r;
    r.set_token(token);
    r.set_audience(audience);
    v1::VerifyTokenResponse out;
    EXPECT_RPC_OK(server_->CallAuth("", &AuthService::Stub::VerifyToken, r, &out));
    return out;
  }

  // Audit records of the account (acme unless named) with that action,
  // newest last.
  std::vector<nlohmann::json> Audit(const std::string& action, std::string account = "") {
    if (account.empty()) account = acme_;
    std::vector<nlohmann::json> out;
    EXPECT_OK(t_->db().Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
      out.clear();
      auto rows = tx.Query("SELECT result, detail, actor, source_ip FROM audit_log "
                           "WHERE account_id = ? AND action = ? ORDER BY seq",
                           {account, action});
      if (!rows.ok()) return rows.status();
      for (const auto& r : *rows) {
        nlohmann::json j = nlohmann::json::parse(r.Str(1));
        j["_result"] = r.Str(0);
        j["_actor"] = r.Str(2);
        j["_ip"] = r.Str(3);
        out.push_back(j);
      }
      return absl::OkStatus();
    }));
    return out;
  }

  nlohmann::json Lockout(int max_failures, int challenge_after = 0) {
    nlohmann::json p = GetPolicy("lockout");
    p["max_failures"] = max_failures;
    p["quick_login_check_ms"] = 0;
    p["wait_increment_seconds"] = 60;
    p["challenge_after_failures"] = challenge_after;
    return p;
  }

  std::unique_ptr<testing::TestDatabase> t_;
  Config config_;
  FakeClock clock_;
  CryptoRandom random_;
  std::unique_ptr<testing::TestServer> server_;
  std::string root_, acme_, alice_, globex_, gina_;
};

}  // namespace iam::e2e

#endif  // IAM_TESTS_E2E_AUTH_FIXTURE_H_
