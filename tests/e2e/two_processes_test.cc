// Two iamd processes on one store, as two replicas behind a load balancer:
// concurrent wrong passwords split between them lock the user after exactly
// the configured number of counted failures, and 20 parallel logins under a
// limit of 3 open exactly 3 sessions; a policy change made through one
// replica decides on the other within a second.
#include <fcntl.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "iam/v1/admin_service.grpc.pb.h"
#include "iam/v1/auth_service.grpc.pb.h"
#include "iam/v1/authz_service.grpc.pb.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"

namespace iam::e2e {
namespace {

using store::Backend;

struct Process {
  pid_t pid = 0;
  std::string address;
  std::unique_ptr<v1::AdminService::Stub> admin;
  std::unique_ptr<v1::AuthService::Stub> auth;
  std::unique_ptr<v1::AuthzService::Stub> authz;
};

std::string FirstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

class TwoProcessesTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    IAM_OPEN_TEST_DATABASE(t_, GetParam());
    dir_ = testing::MakeTempDir();
    for (int i = 0; i < 2; ++i) {
      Process p = Spawn(i);
      ASSERT_FALSE(p.address.empty()) << "iamd " << i << " did not start";
      procs_.push_back(std::move(p));
    }
    root_ = FirstLine(dir_ + "/key0");
    ASSERT_FALSE(root_.empty());
  }

  void TearDown() override {
    for (auto& p : procs_) {
      p.admin.reset();  // close the connections first: a shutdown waits for them
      p.auth.reset();
      p.authz.reset();
      ::kill(p.pid, SIGTERM);
      int status = 0;
      ::waitpid(p.pid, &status, 0);
    }
  }

  Process Spawn(int i) {
    const std::string ready = dir_ + "/ready" + std::to_string(i);
    const std::string key = dir_ + "/key" + std::to_string(i);
    const std::string log = dir_ + "/log" + std::to_string(i);
    Process p;
    p.pid = ::fork();
    if (p.pid == 0) {
      const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      ::setenv("IAM_MASTER_KEY", testing::kTestMasterKey, 1);
      ::execl(IAMD_PATH, "iamd", "--listen", "127.0.0.1:0", "--http-listen", "127.0.0.1:0",
              "--store", t_->url().c_str(), "--data-dir", dir_.c_str(), "--ready-file",
              ready.c_str(), "--bootstrap-key-file", key.c_str(), "--issuer",
              "https://iam.example.test", "--argon2-memory-kib", "1024", "--argon2-iterations",
              "1", "--throttle-slow-after", "1000", "--throttle-block-after", "2000",
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    for (int tries = 0; tries < 200 && FirstLine(ready).empty(); ++tries) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    p.address = FirstLine(ready);
    auto channel = grpc::CreateChannel(p.address, grpc::InsecureChannelCredentials());
    p.admin = v1::AdminService::NewStub(channel);
    p.auth = v1::AuthService::NewStub(channel);
    p.authz = v1::AuthzService::NewStub(channel);
    return p;
  }

  template <typename Req, typename Resp, typename Method>
  grpc::Status Admin(int i, const std::string& token, Method m, const Req& req, Resp* resp) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + token);
    return (procs_[i].admin.get()->*m)(&ctx, req, resp);
  }

  v1::LoginResponse Login(int i, const std::string& account, const std::string& pw) {
    grpc::ClientContext ctx;
    v1::LoginRequest r;
    r.set_account(account);
    r.set_username("bob");
    r.set_password(pw);
    v1::LoginResponse out;
    grpc::Status s = procs_[i].auth->Login(&ctx, r, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  // An account with bob (password set) and one policy changed; its id.
  std::string Prepare(const std::string& kind, const nlohmann::json& changes) {
    v1::CreateAccountRequest ca;
    ca.set_name("acme");
    ca.set_admin_username("alice");
    v1::CreateAccountResponse acct;
    EXPECT_TRUE(Admin(0, root_, &v1::AdminService::Stub::CreateAccount, ca, &acct).ok());
    alice_ = acct.admin_access_key_token();
    v1::CreateUserRequest cu;
    cu.set_username("bob");
    v1::User u;
    EXPECT_TRUE(Admin(1, alice_, &v1::AdminService::Stub::CreateUser, cu, &u).ok());
    v1::SetUserPasswordRequest sp;
    sp.set_username("bob");
    sp.set_password("two-process-password");
    sp.set_permanent(true);
    v1::SetUserPasswordResponse spr;
    EXPECT_TRUE(Admin(0, alice_, &v1::AdminService::Stub::SetUserPassword, sp, &spr).ok());
    v1::GetAccountPolicyRequest gp;
    gp.set_kind(kind);
    v1::AccountPolicy p;
    EXPECT_TRUE(Admin(1, alice_, &v1::AdminService::Stub::GetAccountPolicy, gp, &p).ok());
    nlohmann::json doc = nlohmann::json::parse(p.document());
    doc.merge_patch(changes);
    v1::SetAccountPolicyRequest set;
    set.set_kind(kind);
    set.set_document(doc.dump());
    EXPECT_TRUE(Admin(0, alice_, &v1::AdminService::Stub::SetAccountPolicy, set, &p).ok());
    return acct.account().id();
  }

  std::unique_ptr<testing::TestDatabase> t_;
  std::string dir_, root_, alice_;
  std::vector<Process> procs_;
};

TEST_P(TwoProcessesTest, LockoutIsExactAcrossProcesses) {
  const std::string account = Prepare(
      "lockout", {{"max_failures", 6}, {"quick_login_check_ms", 0}, {"challenge_after_failures", 0}});
  std::atomic<int> failed{0}, locked{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 40; ++i) {
    threads.emplace_back([&, i] {
      auto r = Login(i % 2, account, "wrong-password-" + std::to_string(i));
      if (r.status() == v1::LOGIN_STATUS_FAILED) ++failed;
      if (r.status() == v1::LOGIN_STATUS_LOCKED) ++locked;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed, 6);
  EXPECT_EQ(locked, 34);
  EXPECT_EQ(Login(0, account, "two-process-password").status(), v1::LOGIN_STATUS_LOCKED);
  EXPECT_EQ(Login(1, account, "two-process-password").status(), v1::LOGIN_STATUS_LOCKED);
}

TEST_P(TwoProcessesTest, SessionLimitIsExactAcrossProcesses) {
  const std::string account =
      Prepare("session", {{"max_sessions_per_user", 3}, {"on_limit", "refuse"}});
  std::atomic<int> ok{0}, refused{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 20; ++i) {
    threads.emplace_back([&, i] {
      auto r = Login(i % 2, account, "two-process-password");
      if (r.status() == v1::LOGIN_STATUS_SUCCESS) ++ok;
      if (r.status() == v1::LOGIN_STATUS_SESSION_LIMIT_REACHED) ++refused;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok, 3);
  EXPECT_EQ(refused, 17);
}

TEST_P(TwoProcessesTest, PolicyChangesReachTheOtherReplicaWithinASecond) {
  Prepare("session", {{"max_sessions_per_user", 3}});
  auto check = [&](int i) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + alice_);
    v1::CheckRequest r;
    r.mutable_principal()->set_username("bob");
    r.set_action("s3:GetObject");
    r.set_resource("arn:aws:s3:::shared/x");
    v1::CheckResponse out;
    grpc::Status s = procs_[i].authz->Check(&ctx, r, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out.allowed();
  };
  // Replica 1 has compiled the account before the change.
  ASSERT_FALSE(check(1));
  const std::string doc = nlohmann::json{{"Version", "2012-10-17"},
                                         {"Statement", {{{"Effect", "Allow"},
                                                         {"Action", "s3:GetObject"},
                                                         {"Resource", "*"}}}}}
                              .dump();
  v1::InlinePolicyRequest put;
  put.mutable_principal()->set_type(v1::PrincipalName::USER);
  put.mutable_principal()->set_name("bob");
  put.set_policy_name("Read");
  put.set_document(doc);
  v1::InlinePolicyResponse pr;
  ASSERT_TRUE(Admin(0, alice_, &v1::AdminService::Stub::PutInlinePolicy, put, &pr).ok());
  const auto changed = std::chrono::steady_clock::now();
  EXPECT_TRUE(check(0));  // the replica that made the change, at once
  bool seen = false;
  while (std::chrono::steady_clock::now() - changed < std::chrono::milliseconds(1000)) {
    if ((seen = check(1))) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(seen) << "replica 1 still decides on the old policy after 1 s";
  // And a removal the same way.
  ASSERT_TRUE(Admin(1, alice_, &v1::AdminService::Stub::DeleteInlinePolicy, put, &pr).ok());
  const auto removed = std::chrono::steady_clock::now();
  bool gone = false;
  while (std::chrono::steady_clock::now() - removed < std::chrono::milliseconds(1000)) {
    if ((gone = !check(0))) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(gone);
}

// Each replica remembers who a credential belongs to for up to a second:
// a revoked key or a suspended account must stop working at once on the
// replica that made the change, and within that second on the other.
TEST_P(TwoProcessesTest, RevokedCredentialsStopWorkingOnEveryReplicaWithinASecond) {
  const std::string account = Prepare("session", {{"max_sessions_per_user", 3}});
  auto who = [&](int i, const std::string& credential) {
    v1::GetCallerIdentityRequest r;
    v1::GetCallerIdentityResponse out;
    return Admin(i, credential, &v1::AdminService::Stub::GetCallerIdentity, r, &out).error_code();
  };
  auto refused_within_a_second = [&](int i, const std::string& credential) {
    const auto start = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - start < std::chrono::milliseconds(1100)) {
      if (who(i, credential) == grpc::StatusCode::UNAUTHENTICATED) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  };

  v1::CreateAccessKeyRequest ck;
  ck.set_username("bob");
  v1::CreateAccessKeyResponse key;
  ASSERT_TRUE(Admin(0, alice_, &v1::AdminService::Stub::CreateAccessKey, ck, &key).ok());
  ASSERT_EQ(who(0, key.token()), grpc::StatusCode::OK);
  ASSERT_EQ(who(1, key.token()), grpc::StatusCode::OK);  // now cached on both
  v1::RevokeAccessKeyRequest rk;
  rk.set_key_id(key.key().id());
  v1::AccessKey revoked;
  ASSERT_TRUE(Admin(0, alice_, &v1::AdminService::Stub::RevokeAccessKey, rk, &revoked).ok());
  EXPECT_EQ(who(0, key.token()), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(refused_within_a_second(1, key.token()));

  const v1::LoginResponse login = Login(1, account, "two-process-password");
  ASSERT_EQ(login.status(), v1::LOGIN_STATUS_SUCCESS);
  const std::string token = login.tokens().access_token();
  ASSERT_EQ(who(0, token), grpc::StatusCode::OK);
  ASSERT_EQ(who(1, token), grpc::StatusCode::OK);
  v1::SuspendAccountRequest sa;
  sa.set_account_id(account);
  sa.set_reason("two-process test");
  v1::Account suspended;
  ASSERT_TRUE(Admin(1, root_, &v1::AdminService::Stub::SuspendAccount, sa, &suspended).ok());
  EXPECT_EQ(who(1, token), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(who(1, alice_), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(refused_within_a_second(0, token));
  EXPECT_TRUE(refused_within_a_second(0, alice_));
}

INSTANTIATE_TEST_SUITE_P(Backends, TwoProcessesTest,
                         ::testing::Values(Backend::kSqlite, Backend::kMysql),
                         testing::BackendParamName());

}  // namespace
}  // namespace iam::e2e
