// Two iamd processes on one store, as two replicas behind a load balancer:
// concurrent wrong passwords split between them lock the user after exactly
// the configured number of counted failures, and 20 parallel logins under a
// limit of 3 open exactly 3 sessions; a policy change made through one
// replica decides on the other within a second.
// On a Galera cluster (the store URL lists its nodes; IAM_TEST_GALERA_DIR
// names the test cluster) each replica reads from another node and both
// write through the first node up, and three more cases run: racing creates
// are all on every node, reads are served by each replica's own node, and
// when the writing node is killed both replicas fail over and come back.
#include <fcntl.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <mutex>
#include <set>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "iam/store/open_database.h"
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

// Replica i's store URL: the cluster's hosts in the shared order (writes go
// through the first one up) and host i as the node it reads from.
std::string ReplicaUrl(const std::string& url, int i) {
  const size_t at = url.rfind('@') + 1, slash = url.find('/', at);
  std::vector<std::string> hosts = absl::StrSplit(url.substr(at, slash - at), ',');
  return absl::StrCat(url, url.find('?') == std::string::npos ? "?" : "&",
                      "read_host=", hosts[i % hosts.size()], "&host_retry_ms=500");
}

std::string GaleraDir() {
  const char* d = std::getenv("IAM_TEST_GALERA_DIR");
  return d == nullptr ? "" : d;
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
    // On Galera each replica reads from its own node and both write through
    // the first node up; host_retry_ms: a replica tries a better node again
    // soon after it comes back.
    const std::string url = galera() ? ReplicaUrl(t_->url(), i) : t_->url();
    Process p;
    p.pid = ::fork();
    if (p.pid == 0) {
      const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      ::setenv("IAM_MASTER_KEY", testing::kTestMasterKey, 1);
      ::execl(IAMD_PATH, "iamd", "--listen", "127.0.0.1:0", "--http-listen", "127.0.0.1:0",
              "--store", url.c_str(), "--data-dir", dir_.c_str(), "--ready-file",
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

  bool galera() const {
    return !GaleraDir().empty() && t_->url().find(',') != std::string::npos;
  }
  std::string DatabaseName() const {
    const std::string& url = t_->url();
    const size_t slash = url.rfind('/') + 1;
    return url.substr(slash, url.find('?', slash) - slash);
  }
  // Runs SQL on node n of the test cluster, in this test's database.
  std::vector<store::Row> OnNode(int n, const std::string& sql,
                                 const std::vector<store::Value>& params) {
    const std::string node = FirstLine(GaleraDir() + "/node" + std::to_string(n) + "/url");
    auto db = store::OpenDatabase(node.substr(0, node.rfind('/') + 1) + DatabaseName(),
                                  {1, false, 0});
    EXPECT_TRUE(db.ok()) << db.status();
    std::vector<store::Row> rows;
    if (!db.ok()) return rows;
    EXPECT_TRUE((*db)->Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
                       auto r = tx.Query(sql, params);
                       if (r.ok()) rows = std::move(r).value();
                       return r.status();
                     }).ok());
    return rows;
  }
  // How many connections the replicas hold on node n to this test's
  // database (not counting the one asking, nor Galera's own threads).
  int64_t ConnectionsOn(int n) {
    const auto rows = OnNode(n,
                             "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = ? "
                             "AND ID <> CONNECTION_ID() AND USER <> 'system user'",
                             {DatabaseName()});
    return rows.empty() ? -1 : rows[0].Int(0);
  }
  int Galera(const std::string& what, int n) {
    return std::system(absl::StrCat("bash ", IAM_SOURCE_DIR, "/scripts/galera.sh ", what, " ",
                                    GaleraDir(), " ", n, " >/dev/null")
                           .c_str());
  }
  grpc::Status CreateGroup(int i, const std::string& name) {
    v1::CreateGroupRequest r;
    r.set_name(name);
    v1::Group g;
    return Admin(i, alice_, &v1::AdminService::Stub::CreateGroup, r, &g);
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

TEST_P(TwoProcessesTest, OnGaleraEveryAcknowledgedCreateIsOnEveryNode) {
  if (!galera()) GTEST_SKIP() << "not on the Galera test cluster";
  const std::string account = Prepare("session", {{"max_sessions_per_user", 3}});
  std::mutex mu;
  std::vector<std::string> acknowledged;
  std::atomic<int> refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        const std::string name = absl::StrCat("g", t, "-", i);
        grpc::Status s = CreateGroup(t % 2, name);
        if (s.ok()) {
          std::lock_guard<std::mutex> lock(mu);
          acknowledged.push_back(name);
        } else {
          ++refused;
          EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_GE(acknowledged.size(), 190u) << refused << " refused";
  for (int n = 1; n <= 3; ++n) {
    std::set<std::string> present;
    for (const auto& row :
         OnNode(n, "SELECT name FROM user_groups WHERE account_id = ?", {account})) {
      present.insert(row.Str(0));
    }
    for (const auto& name : acknowledged) {
      EXPECT_TRUE(present.count(name)) << name << " acknowledged but absent on node " << n;
    }
  }
}

TEST_P(TwoProcessesTest, OnGaleraEachReplicaReadsFromItsOwnNode) {
  if (!galera()) GTEST_SKIP() << "not on the Galera test cluster";
  const std::string account = Prepare("session", {{"max_sessions_per_user", 3}});
  // A session opened through replica 0 (written on node 1) is live when
  // replica 1 reads it on node 2 right away: reads wait for the writes
  // committed before them (wsrep_sync_wait).
  const v1::LoginResponse login = Login(0, account, "two-process-password");
  ASSERT_EQ(login.status(), v1::LOGIN_STATUS_SUCCESS);
  v1::VerifyTokenRequest vr;
  vr.set_token(login.tokens().access_token());
  v1::VerifyTokenResponse out;
  grpc::ClientContext ctx;
  ASSERT_TRUE(procs_[1].auth->VerifyToken(&ctx, vr, &out).ok());
  EXPECT_TRUE(out.valid());
  EXPECT_GT(ConnectionsOn(2), 0) << "replica 1 does not read from node 2";
  EXPECT_EQ(ConnectionsOn(3), 0) << "a replica uses node 3 while nodes 1 and 2 are up";
}

TEST_P(TwoProcessesTest, OnGaleraWhenTheWritingNodeDiesBothReplicasFailOverAndComeBack) {
  if (!galera()) GTEST_SKIP() << "not on the Galera test cluster";
  Prepare("session", {{"max_sessions_per_user", 3}});
  ASSERT_TRUE(CreateGroup(1, "before").ok());
  // Node 1 takes every write, and replica 0's reads.
  ASSERT_EQ(Galera("kill", 1), 0);
  const auto killed = std::chrono::steady_clock::now();
  int served = 0;
  for (int i = 0; i < 20; ++i) {
    if (CreateGroup(i % 2, absl::StrCat("during-", i)).ok()) ++served;
  }
  const auto took = std::chrono::steady_clock::now() - killed;
  EXPECT_EQ(served, 20) << "the replicas did not fail over to another node";
  EXPECT_LT(took, std::chrono::seconds(10));
  v1::ListGroupsRequest lr;
  v1::ListGroupsResponse groups;
  ASSERT_TRUE(Admin(0, alice_, &v1::AdminService::Stub::ListGroups, lr, &groups).ok());
  EXPECT_EQ(groups.groups_size(), 21);
  // Node 1 rejoins; both replicas go back to it within a few retry periods.
  ASSERT_EQ(Galera("start-node", 1), 0);
  bool back = false;
  for (int i = 0; i < 100 && !back; ++i) {
    ASSERT_TRUE(CreateGroup(i % 2, absl::StrCat("after-", i)).ok());
    back = ConnectionsOn(1) >= 2;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(back) << "the replicas never came back to node 1";
  const auto on1 = OnNode(1, "SELECT COUNT(*) FROM user_groups WHERE name LIKE 'during-%'", {});
  ASSERT_FALSE(on1.empty());
  EXPECT_EQ(on1[0].Int(0), 20) << "node 1 did not receive what was written while it was down";
}

INSTANTIATE_TEST_SUITE_P(Backends, TwoProcessesTest,
                         ::testing::Values(Backend::kSqlite, Backend::kMysql),
                         testing::BackendParamName());

}  // namespace
}  // namespace iam::e2e
