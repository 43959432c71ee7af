// iamd through MariaDB outages, on a private server (scripts/mariadb.sh)
// that the tests start, kill and restart:
// - killed with SIGKILL under write load, several rounds: writes answer
//   UNAVAILABLE while it is away, every acknowledged write is there after
//   each restart, and the account's audit chain verifies;
// - stopped for a while: Check and online VerifyToken answer from the last
//   state read for the grace period (a revocation seen before still holds,
//   writes fail at once), then fail closed, and recover when it is back.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "iam/audit/audit_log.h"
#include "iam/common/clock.h"
#include "iam/common/random.h"
#include "iam/common/status_macros.h"
#include "iam/store/open_database.h"
#include "tests/support/private_mariadb.h"
#include "tests/support/test_server.h"

namespace iam::e2e {
namespace {

class MysqlCrashTest : public testing::PrivateMariadb {
 protected:
  void TearDown() override {
    server_.reset();
    PrivateMariadb::TearDown();
  }

  Config ServerConfig() const {
    Config c;
    c.listen = "127.0.0.1:0";
    c.http_listen = "127.0.0.1:0";
    c.data_dir = dir_;
    c.store = url_;
    c.master_key = testing::kTestMasterKey;
    c.purge_interval_seconds = 0;
    c.argon2_memory_kib = 1024;
    c.argon2_iterations = 1;
    c.authz_poll_ms = 50;
    return c;
  }

  SystemClock clock_;
  CryptoRandom random_;
  std::unique_ptr<testing::TestServer> server_;
};

TEST_F(MysqlCrashTest, EveryAcknowledgedWriteSurvivesAKill9) {
  server_ = testing::TestServer::Start(ServerConfig(), &clock_, &random_);
  ASSERT_NE(server_, nullptr);
  const auto [account, admin] = server_->CreateAccount("crashco", "alice");
  ASSERT_FALSE(admin.empty());

  std::mutex mu;
  std::set<std::string> acknowledged;
  std::atomic<int> refused{0}, wrong_code{0};
  constexpr int kRounds = 3, kWriters = 4;
  for (int round = 0; round < kRounds; ++round) {
    std::atomic<bool> stop{false};
    std::vector<std::thread> writers;
    for (int w = 0; w < kWriters; ++w) {
      writers.emplace_back([&, w] {
        for (int i = 0; !stop; ++i) {
          v1::CreateGroupRequest r;
          r.set_name(absl::StrCat("r", round, "-w", w, "-", i));
          v1::Group g;
          grpc::Status s = server_->Call(admin, &v1::AdminService::Stub::CreateGroup, r, &g);
          if (s.ok()) {
            std::lock_guard<std::mutex> lock(mu);
            acknowledged.insert(r.name());
          } else {
            ++refused;
            if (s.error_code() != grpc::StatusCode::UNAVAILABLE) ++wrong_code;
          }
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    ASSERT_EQ(Ctl("kill"), 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    ASSERT_EQ(Ctl("restart"), 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    stop = true;
    for (auto& t : writers) t.join();
  }
  EXPECT_GT(acknowledged.size(), 50u);
  EXPECT_GT(refused, 0) << "no write ran into the outage: the test proved nothing";
  EXPECT_EQ(wrong_code, 0) << "an outage must answer UNAVAILABLE";

  server_.reset();
  auto db = store::OpenDatabase(url_, {});
  ASSERT_TRUE(db.ok()) << db.status();
  std::set<std::string> present;
  ASSERT_TRUE((*db)->Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
                       ASSIGN_OR_RETURN(auto rows,
                                        tx.Query("SELECT name FROM user_groups WHERE account_id = ?",
                                                 {account}));
                       for (const auto& row : rows) present.insert(row.Str(0));
                       return absl::OkStatus();
                     }).ok());
  int missing = 0;
  for (const auto& name : acknowledged) {
    if (!present.count(name)) ++missing;
  }
  EXPECT_EQ(missing, 0) << missing << " of " << acknowledged.size()
                        << " acknowledged creates are gone";
  auto verified = audit::VerifyChain(**db, account);
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_EQ(verified->first_bad_seq, 0) << verified->problem;
  // Each present group has its audit record (a change and its record commit together).
  EXPECT_GE(verified->records, static_cast<int64_t>(present.size()));
}

// The same outage with the grace period on (and, at the end, with 0).
class StoreOutageGraceTest : public MysqlCrashTest {
 protected:
  void Start(int64_t grace_seconds) {
    Config c = ServerConfig();
    c.store_outage_grace_seconds = grace_seconds;
    server_ = testing::TestServer::Start(c, &fake_, &random_);
    ASSERT_NE(server_, nullptr);
    auto [account, admin] = server_->CreateAccount("outageco", "alice");
    account_ = account;
    admin_ = admin;
    v1::CreateUserRequest cu;
    cu.set_username("bob");
    v1::User u;
    ASSERT_TRUE(server_->Call(admin_, &v1::AdminService::Stub::CreateUser, cu, &u).ok());
    v1::SetUserPasswordRequest sp;
    sp.set_username("bob");
    sp.set_password("outage-password-1");
    sp.set_permanent(true);
    v1::SetUserPasswordResponse spr;
    ASSERT_TRUE(server_->Call(admin_, &v1::AdminService::Stub::SetUserPassword, sp, &spr).ok());
    v1::InlinePolicyRequest put;
    put.mutable_principal()->set_type(v1::PrincipalName::USER);
    put.mutable_principal()->set_name("bob");
    put.set_policy_name("Read");
    put.set_document(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
                     R"("Action":"s3:GetObject","Resource":"*"}]})");
    v1::InlinePolicyResponse pr;
    ASSERT_TRUE(server_->Call(admin_, &v1::AdminService::Stub::PutInlinePolicy, put, &pr).ok());
  }
  v1::LoginResponse Login() {
    v1::LoginRequest r;
    r.set_account(account_);
    r.set_username("bob");
    r.set_password("outage-password-1");
    v1::LoginResponse out;
    EXPECT_TRUE(server_->CallAuth("", &v1::AuthService::Stub::Login, r, &out).ok());
    return out;
  }
  grpc::Status Check(const std::string& credential, bool* allowed) {
    v1::CheckRequest r;
    r.mutable_principal()->set_username("bob");
    r.set_action("s3:GetObject");
    r.set_resource("arn:aws:s3:::photos/a.jpg");
    v1::CheckResponse out;
    grpc::Status s = server_->CallAuthz(credential, &v1::AuthzService::Stub::Check, r, &out);
    *allowed = out.allowed();
    return s;
  }
  grpc::Status Verify(const std::string& token, bool offline, v1::VerifyTokenResponse* out) {
    v1::VerifyTokenRequest r;
    r.set_token(token);
    r.set_offline(offline);
    return server_->CallAuth("", &v1::AuthService::Stub::VerifyToken, r, out);
  }
  // grpc.health.v1 statuses, and the services that have one.
  static constexpr int kServing = 1, kNotServing = 2;
  static constexpr const char* kServices[] = {"", "iam.v1.AdminService", "iam.v1.AuthService",
                                              "iam.v1.AuditService", "iam.v1.AuthzService"};

  // Waits (in real time) for the version poll to see the store's state.
  void WaitForPoll() { std::this_thread::sleep_for(std::chrono::milliseconds(300)); }

  // The base class's server holds a pointer to fake_: stop it before fake_ goes.
  ~StoreOutageGraceTest() override { server_.reset(); }

  FakeClock fake_;
  std::string account_, admin_;
};

TEST_F(StoreOutageGraceTest, AuthorizationRidesOutAShortOutageThenFailsClosed) {
  Start(60);
  const std::string token = Login().tokens().access_token();
  const v1::LoginResponse other = Login();
  v1::RevokeSessionRequest rs;
  rs.set_session_id(other.tokens().session_id());
  v1::RevokeSessionResponse rsr;
  ASSERT_TRUE(server_->CallAuth(admin_, &v1::AuthService::Stub::RevokeSession, rs, &rsr).ok());
  bool allowed = false;
  ASSERT_TRUE(Check(admin_, &allowed).ok());
  ASSERT_TRUE(allowed);
  v1::VerifyTokenResponse v;
  ASSERT_TRUE(Verify(token, false, &v).ok());
  ASSERT_TRUE(v.valid());
  ASSERT_TRUE(Verify(other.tokens().access_token(), false, &v).ok());
  ASSERT_FALSE(v.valid());
  // This replica's own changes do not make its poll drop what it read.
  WaitForPoll();
  for (const char* name : kServices) EXPECT_EQ(server_->HealthStatus(name), kServing) << name;

  ASSERT_EQ(Ctl("stop"), 0);
  WaitForPoll();
  fake_.Advance(absl::Seconds(5));  // past every one-second cache
  EXPECT_NE(server_->server().Metrics().find("iam_store_reachable 0"), std::string::npos);
  // The services that need the store say so; Check rides the outage out.
  EXPECT_EQ(server_->HealthStatus(""), kServing);
  EXPECT_EQ(server_->HealthStatus("iam.v1.AdminService"), kNotServing);
  EXPECT_EQ(server_->HealthStatus("iam.v1.AuthService"), kNotServing);
  EXPECT_EQ(server_->HealthStatus("iam.v1.AuditService"), kNotServing);
  EXPECT_EQ(server_->HealthStatus("iam.v1.AuthzService"), kServing);

  // Within the grace period: answers from what was read before.
  grpc::Status s = Check(admin_, &allowed);
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(allowed);
  s = Verify(token, false, &v);
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(v.valid());
  // A revocation seen before the outage still holds.
  s = Verify(other.tokens().access_token(), false, &v);
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_FALSE(v.valid());
  // Writes fail at once.
  v1::CreateGroupRequest cg;
  cg.set_name("during-outage");
  v1::Group g;
  EXPECT_EQ(server_->Call(admin_, &v1::AdminService::Stub::CreateGroup, cg, &g).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  const std::string metrics = server_->server().Metrics();
  EXPECT_EQ(metrics.find("iam_stale_answers_total 0\n"), std::string::npos) << metrics;

  // Past the grace period: fail closed, except offline verification.
  fake_.Advance(absl::Seconds(60));
  EXPECT_EQ(Check(admin_, &allowed).error_code(), grpc::StatusCode::UNAVAILABLE);
  WaitForPoll();
  EXPECT_EQ(server_->HealthStatus("iam.v1.AuthzService"), kNotServing);
  EXPECT_EQ(server_->HealthStatus(""), kServing);
  EXPECT_EQ(Verify(token, false, &v).error_code(), grpc::StatusCode::UNAVAILABLE);
  ASSERT_TRUE(Verify(token, true, &v).ok());
  EXPECT_TRUE(v.valid());

  // The store is back: fresh answers again.
  ASSERT_EQ(Ctl("restart"), 0);
  bool recovered = false;
  for (int i = 0; i < 100 && !recovered; ++i) {
    recovered = Check(admin_, &allowed).ok() && allowed;
    if (!recovered) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(recovered);
  EXPECT_NE(server_->server().Metrics().find("iam_store_reachable 1"), std::string::npos);
  WaitForPoll();
  for (const char* name : kServices) EXPECT_EQ(server_->HealthStatus(name), kServing) << name;
}

TEST_F(StoreOutageGraceTest, AGraceOfZeroFailsClosedAtOnce) {
  Start(0);
  const std::string token = Login().tokens().access_token();
  bool allowed = false;
  ASSERT_TRUE(Check(admin_, &allowed).ok());
  ASSERT_EQ(Ctl("stop"), 0);
  WaitForPoll();
  fake_.Advance(absl::Seconds(2));
  EXPECT_EQ(Check(admin_, &allowed).error_code(), grpc::StatusCode::UNAVAILABLE);
  v1::VerifyTokenResponse v;
  EXPECT_EQ(Verify(token, false, &v).error_code(), grpc::StatusCode::UNAVAILABLE);
  ASSERT_EQ(Ctl("restart"), 0);
}

}  // namespace
}  // namespace iam::e2e
