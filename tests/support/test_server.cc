#include "tests/support/test_server.h"

#include <gtest/gtest.h>

namespace iam::testing {

Config TestConfig(const TestDatabase& db) {
  Config c;
  c.listen = "127.0.0.1:0";
  c.data_dir = db.dir();
  c.store = db.url();
  c.master_key = kTestMasterKey;
  c.purge_interval_seconds = 0;
  c.http_listen = "127.0.0.1:0";
  // Real Argon2id, at a cost that keeps hundreds of test logins quick.
  c.argon2_memory_kib = 1024;
  c.argon2_iterations = 1;
  c.challenge_secret = kTestChallengeSecret;
  return c;
}

std::unique_ptr<TestServer> TestServer::Start(const Config& config, const Clock* clock,
                                              Random* random) {
  auto server = server::IamServer::Start(config, clock, random);
  if (!server.ok()) {
    ADD_FAILURE() << "cannot start iamd: " << server.status();
    return nullptr;
  }
  auto t = std::make_unique<TestServer>();
  t->server_ = std::move(server).value();
  auto channel = grpc::CreateChannel(t->server_->address(), grpc::InsecureChannelCredentials());
  t->stub_ = v1::AdminService::NewStub(channel);
  t->auth_stub_ = v1::AuthService::NewStub(channel);
  t->authz_stub_ = v1::AuthzService::NewStub(channel);
  return t;
}

std::string TestServer::root_token() const {
  return server_->bootstrap().access_key_token.value_or("");
}

std::pair<std::string, std::string> TestServer::CreateAccount(const std::string& name,
                                                              const std::string& admin) {
  v1::CreateAccountRequest req;
  req.set_name(name);
  req.set_admin_username(admin);
  v1::CreateAccountResponse resp;
  grpc::Status s = Call(root_token(), &v1::AdminService::Stub::CreateAccount, req, &resp);
  EXPECT_TRUE(s.ok()) << s.error_message();
  return {resp.account().id(), resp.admin_access_key_token()};
}

}  // namespace iam::testing
