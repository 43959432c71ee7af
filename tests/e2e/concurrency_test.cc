// Concurrent, conflicting writes through the real server, and several
// replicas on one store, on both backends.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "tests/support/status_matchers.h"
#include "tests/support/test_server.h"

namespace iam::e2e {
namespace {

using store::Backend;
using v1::AdminService;

class ConcurrencyTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override { IAM_OPEN_TEST_DATABASE(t_, GetParam()); }

  std::unique_ptr<testing::TestDatabase> t_;
  FakeClock clock_;
  CryptoRandom random_;
};

TEST_P(ConcurrencyTest, OfTwentyRacingCreatesOfOneNameExactlyOneWins) {
  auto server = testing::TestServer::Start(testing::TestConfig(*t_), &clock_, &random_);
  ASSERT_NE(server, nullptr);
  auto [acme, alice] = server->CreateAccount("acme", "alice");
  std::atomic<int> ok{0}, exists{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 20; ++i) {
    threads.emplace_back([&, i, alice = alice] {
      v1::CreateUserRequest q;
      q.set_username(i % 2 ? "Racer" : "racer");  // same name regardless of case
      v1::User u;
      grpc::Status s = server->Call(alice, &AdminService::Stub::CreateUser, q, &u);
      if (s.ok()) {
        ++ok;
      } else if (s.error_code() == grpc::StatusCode::ALREADY_EXISTS) {
        ++exists;
      } else {
        ++other;
        ADD_FAILURE() << s.error_code() << " " << s.error_message();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(exists.load(), 19);
  v1::ListUsersRequest lu;
  v1::ListUsersResponse all;
  ASSERT_TRUE(server->Call(alice, &AdminService::Stub::ListUsers, lu, &all).ok());
  EXPECT_EQ(all.users_size(), 2);  // alice and one racer
}

TEST_P(ConcurrencyTest, RacingMembershipChangesStayConsistent) {
  auto server = testing::TestServer::Start(testing::TestConfig(*t_), &clock_, &random_);
  ASSERT_NE(server, nullptr);
  auto [acme, alice] = server->CreateAccount("acme", "alice");
  v1::CreateGroupRequest cg;
  cg.set_name("devs");
  v1::Group g;
  ASSERT_TRUE(server->Call(alice, &AdminService::Stub::CreateGroup, cg, &g).ok());
  std::atomic<int> added{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 10; ++i) {
    threads.emplace_back([&, alice = alice] {
      v1::AddGroupMemberRequest q;
      q.set_group("devs");
      q.set_username("alice");
      v1::AddGroupMemberResponse r;
      if (server->Call(alice, &AdminService::Stub::AddGroupMember, q, &r).ok()) ++added;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(added.load(), 1);
}

TEST_P(ConcurrencyTest, ReplicasStartingTogetherBootstrapOneSystemAccount) {
  if (GetParam() == Backend::kSqlite) {
    GTEST_SKIP() << "replicas share a MySQL store; SQLite serves a single node";
  }
  constexpr int kReplicas = 3;
  std::vector<std::unique_ptr<testing::TestServer>> servers(kReplicas);
  std::vector<std::thread> threads;
  for (int i = 0; i < kReplicas; ++i) {
    threads.emplace_back([&, i] {
      servers[i] = testing::TestServer::Start(testing::TestConfig(*t_), &clock_, &random_);
    });
  }
  for (auto& t : threads) t.join();
  int tokens = 0;
  for (auto& s : servers) {
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->server().bootstrap().account_id, servers[0]->server().bootstrap().account_id);
    if (!s->root_token().empty()) ++tokens;
  }
  ASSERT_EQ(tokens, 1);
  // A change made through one replica is seen by the others.
  std::string root;
  for (auto& s : servers) root += s->root_token();
  v1::CreateAccountRequest ca;
  ca.set_name("shared");
  v1::CreateAccountResponse cr;
  ASSERT_TRUE(servers[0]->Call(root, &AdminService::Stub::CreateAccount, ca, &cr).ok());
  v1::GetAccountRequest ga;
  ga.set_account_id(cr.account().id());
  v1::Account a;
  ASSERT_TRUE(servers[2]->Call(root, &AdminService::Stub::GetAccount, ga, &a).ok());
  EXPECT_EQ(a.name(), "shared");
}

TEST_P(ConcurrencyTest, AnUnattendedInstallPresetsTheFirstKey) {
  Config c = testing::TestConfig(*t_);
  c.bootstrap_admin_username = "ops";
  c.bootstrap_access_key = "AKIAUNATTENDED000001.abcdefghijklmnopqrstuvwxyz0123456789-_ABC";
  auto server = testing::TestServer::Start(c, &clock_, &random_);
  ASSERT_NE(server, nullptr);
  v1::GetCallerIdentityRequest q;
  v1::GetCallerIdentityResponse r;
  ASSERT_TRUE(
      server->Call(c.bootstrap_access_key, &AdminService::Stub::GetCallerIdentity, q, &r).ok());
  EXPECT_EQ(r.username(), "ops");
  EXPECT_TRUE(r.system_account());
  EXPECT_EQ(r.access_key_id(), "AKIAUNATTENDED000001");
}

TEST_P(ConcurrencyTest, AMalformedPresetKeyStopsTheStart) {
  Config c = testing::TestConfig(*t_);
  c.bootstrap_access_key = "too-short";
  auto server = server::IamServer::Start(c, &clock_, &random_);
  EXPECT_CODE(server, absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(server.status().message().find("too-short"), absl::string_view::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, ConcurrencyTest,
                         ::testing::Values(Backend::kSqlite, Backend::kMysql),
                         testing::BackendParamName());

}  // namespace
}  // namespace iam::e2e
