// MariaDB killed with SIGKILL under write load, several rounds: iamd keeps
// serving (writes answer UNAVAILABLE while the server is away), and after
// each restart every write that was acknowledged is there, and the
// account's audit chain verifies. A private server (scripts/mariadb.sh)
// is started, killed and restarted by the test.
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
#include "tests/support/test_server.h"

namespace iam::e2e {
namespace {

class MysqlCrashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::system("PATH=$PATH:/usr/sbin command -v mariadbd >/dev/null 2>&1") != 0) {
      if (testing::MysqlRequired()) FAIL() << "mariadbd is not installed";
      GTEST_SKIP() << "mariadbd is not installed";
    }
    dir_ = testing::MakeTempDir();
    ASSERT_EQ(Ctl("start"), 0);
    std::ifstream in(dir_ + "/url");
    std::getline(in, url_);
    ASSERT_FALSE(url_.empty());
  }
  void TearDown() override {
    server_.reset();
    if (!dir_.empty()) {
      Ctl("stop");
      std::system(absl::StrCat("rm -rf ", dir_).c_str());
    }
  }
  int Ctl(const char* what) {
    return std::system(absl::StrCat("bash ", IAM_SOURCE_DIR, "/scripts/mariadb.sh ", what, " ",
                                    dir_, " >/dev/null")
                           .c_str());
  }

  std::string dir_, url_;
  SystemClock clock_;
  CryptoRandom random_;
  std::unique_ptr<testing::TestServer> server_;
};

TEST_F(MysqlCrashTest, EveryAcknowledgedWriteSurvivesAKill9) {
  Config c;
  c.listen = "127.0.0.1:0";
  c.http_listen = "127.0.0.1:0";
  c.data_dir = dir_;
  c.store = url_;
  c.master_key = testing::kTestMasterKey;
  c.purge_interval_seconds = 0;
  c.argon2_memory_kib = 1024;
  c.argon2_iterations = 1;
  server_ = testing::TestServer::Start(c, &clock_, &random_);
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

}  // namespace
}  // namespace iam::e2e
