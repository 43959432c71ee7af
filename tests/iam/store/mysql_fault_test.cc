// The MySQL backend when COMMIT fails: a connection killed right before
// COMMIT, a server switched to read-only under an open transaction, a
// conflicting write (a deadlock on one server, a certification failure at
// COMMIT on a Galera cluster). In every case no caller is told OK for a
// change that is not stored, retryable refusals re-run the whole
// transaction, and a connection that failed in an unknown way is never
// pooled again. Runs on the server of IAM_TEST_MYSQL_URL and, when
// IAM_TEST_GALERA_DIR names the test cluster (scripts/galera.sh), on it.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "iam/common/random.h"
#include "iam/common/status_macros.h"
#include "iam/store/mysql/mysql_database.h"
#include "iam/store/mysql/mysql_url.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_database.h"

namespace iam::store::mysql {
namespace {

std::string FirstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

// "mysql" is the single server; "galera" the 3-node cluster, where the
// database is reached through node 1 and conflicts come from node 2.
class MysqlFaultTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "mysql") {
      base_ = Env("IAM_TEST_MYSQL_URL");
    } else {
      const std::string dir = Env("IAM_TEST_GALERA_DIR");
      if (!dir.empty()) {
        base_ = FirstLine(dir + "/node1/url");
        other_node_ = FirstLine(dir + "/node2/url");
      }
    }
    if (base_.empty()) {
      if (testing::MysqlRequired()) FAIL() << "no " << GetParam() << " server configured";
      GTEST_SKIP() << "no " << GetParam() << " server configured";
    }
    admin_ = Open(base_);
    CryptoRandom random;
    db_name_ = "iam_f_";
    static constexpr char kHex[] = "0123456789abcdef";
    for (int i = 0; i < 12; ++i) db_name_.push_back(kHex[random.Uniform(16)]);
    ASSERT_OK(Run(*admin_, "CREATE DATABASE " + db_name_));
    ASSERT_OK(Run(*admin_, "CREATE TABLE " + db_name_ +
                               ".fault_rows (id VARCHAR(64) PRIMARY KEY) ENGINE=InnoDB"));
    ASSERT_OK(Run(*admin_, "CREATE TABLE " + db_name_ +
                               ".fault_counter (id INT PRIMARY KEY, n BIGINT NOT NULL) ENGINE=InnoDB"));
    ASSERT_OK(Run(*admin_, "INSERT INTO " + db_name_ + ".fault_counter VALUES (1, 0), (2, 0)"));
    db_ = Open(UrlFor(base_, db_name_));
  }

  void TearDown() override {
    if (admin_) {
      Run(*admin_, "SET GLOBAL read_only = 0").IgnoreError();
      Run(*admin_, "DROP DATABASE IF EXISTS " + db_name_).IgnoreError();
      Run(*admin_, "DROP USER IF EXISTS 'iam_fault'@'127.0.0.1'").IgnoreError();
    }
  }

  static std::string UrlFor(const std::string& url, const std::string& db) {
    return url.substr(0, url.rfind('/') + 1) + db;
  }
  static std::unique_ptr<MysqlDatabase> Open(const std::string& url) {
    auto o = ParseMysqlUrl(url);
    EXPECT_OK(o);
    o->pool_size = 4;
    auto db = MysqlDatabase::Open(*o);
    EXPECT_OK(db);
    return std::move(db).value();
  }
  static absl::Status Run(MysqlDatabase& db, const std::string& sql) {
    return db.Transact(TxMode::kWrite, [&](Tx& tx) { return tx.Exec(sql, {}).status(); });
  }
  absl::Status Insert(MysqlDatabase& db, const std::string& id) {
    return db.Transact(TxMode::kWrite, [&](Tx& tx) {
      return tx.Exec("INSERT INTO fault_rows (id) VALUES (?)", {id}).status();
    });
  }
  bool Present(const std::string& id) {
    bool found = false;
    EXPECT_OK(admin_->Transact(TxMode::kRead, [&](Tx& tx) -> absl::Status {
      ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT COUNT(*) FROM " + db_name_ +
                                               ".fault_rows WHERE id = ?",
                                           {id}));
      found = rows[0].Int(0) == 1;
      return absl::OkStatus();
    }));
    return found;
  }
  int64_t Counter(int id) {
    int64_t n = -1;
    EXPECT_OK(admin_->Transact(TxMode::kRead, [&](Tx& tx) -> absl::Status {
      ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT n FROM " + db_name_ +
                                               ".fault_counter WHERE id = ?",
                                           {int64_t{id}}));
      n = rows[0].Int(0);
      return absl::OkStatus();
    }));
    return n;
  }

  std::string base_, other_node_, db_name_;
  std::unique_ptr<MysqlDatabase> admin_, db_;
};

TEST_P(MysqlFaultTest, AConnectionKilledAtCommitIsOutcomeUnknownNeverOk) {
  std::atomic<int> kills{0};
  db_->SetBeforeCommitHookForTesting([&](int64_t id) {
    if (kills++ == 0) {
      ASSERT_OK(Run(*admin_, absl::StrCat("KILL CONNECTION ", id)));
    }
  });
  absl::Status s = Insert(*db_, "killed");
  EXPECT_CODE(s, absl::StatusCode::kUnavailable);
  EXPECT_NE(s.message().find("outcome unknown"), absl::string_view::npos) << s;
  EXPECT_EQ(kills, 1) << "a COMMIT of unknown outcome must not be re-run";
  EXPECT_FALSE(Present("killed"));
  // The dead connection was not pooled: the next transaction works.
  db_->SetBeforeCommitHookForTesting(nullptr);
  ASSERT_OK(Insert(*db_, "after"));
  EXPECT_TRUE(Present("after"));
}

TEST_P(MysqlFaultTest, AServerTurnedReadOnlyRefusesTheCommitAndNothingIsAcknowledged) {
  // read_only does not bind users with every privilege: the service's user
  // here has rights on its database only, as in production.
  ASSERT_OK(Run(*admin_, "CREATE USER 'iam_fault'@'127.0.0.1' IDENTIFIED BY 'fault-pw'"));
  ASSERT_OK(Run(*admin_, "GRANT ALL PRIVILEGES ON " + db_name_ + ".* TO 'iam_fault'@'127.0.0.1'"));
  auto o = ParseMysqlUrl(UrlFor(base_, db_name_));
  ASSERT_OK(o);
  o->user = "iam_fault";
  o->password = "fault-pw";
  o->host_retry_ms = 100;
  auto limited = MysqlDatabase::Open(*o);
  ASSERT_OK(limited);
  std::atomic<int> hooks{0};
  (*limited)->SetBeforeCommitHookForTesting([&](int64_t) {
    if (hooks++ == 0) {
      ASSERT_OK(Run(*admin_, "SET GLOBAL read_only = 1"));
    }
  });
  absl::Status s = Insert(**limited, "read-only");
  EXPECT_CODE(s, absl::StatusCode::kUnavailable);
  EXPECT_NE(s.message().find("read-only"), absl::string_view::npos) << s;
  EXPECT_FALSE(Present("read-only"));
  ASSERT_OK(Run(*admin_, "SET GLOBAL read_only = 0"));
  // The refusing connections were discarded; once the server is writable
  // again the next transaction commits.
  ASSERT_OK(Insert(**limited, "writable-again"));
  EXPECT_TRUE(Present("writable-again"));
  limited->reset();
}

TEST_P(MysqlFaultTest, AConflictingWriteRerunsTheWholeTransaction) {
  // Read-modify-write of counter 1 by many threads at once, each also
  // touching counter 2 first or last so that InnoDB finds deadlocks
  // (and, on Galera, every transaction runs on node 1 while the hook
  // commits a conflicting write on node 2 before the first COMMIT).
  std::unique_ptr<MysqlDatabase> other;
  std::atomic<bool> conflicted{false};
  if (!other_node_.empty()) {
    other = Open(UrlFor(other_node_, db_name_));
    db_->SetBeforeCommitHookForTesting([&](int64_t) {
      if (!conflicted.exchange(true)) {
        ASSERT_OK(Run(*other, "UPDATE fault_counter SET n = n + 100 WHERE id = 1"));
      }
    });
  }
  constexpr int kThreads = 8, kEach = 10;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        absl::Status s = db_->Transact(TxMode::kWrite, [&](Tx& tx) -> absl::Status {
          const int64_t first = t % 2 == 0 ? 1 : 2, second = 3 - first;
          ASSIGN_OR_RETURN(auto a, tx.Query("SELECT n FROM fault_counter WHERE id = ? FOR UPDATE",
                                            {first}));
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
          ASSIGN_OR_RETURN(auto b, tx.Query("SELECT n FROM fault_counter WHERE id = ? FOR UPDATE",
                                            {second}));
          RETURN_IF_ERROR(tx.Exec("UPDATE fault_counter SET n = ? WHERE id = ?",
                                  {a[0].Int(0) + 1, first})
                              .status());
          return tx.Exec("UPDATE fault_counter SET n = ? WHERE id = ?", {b[0].Int(0) + 1, second})
              .status();
        });
        if (s.ok()) ++ok;
      }
    });
  }
  for (auto& th : threads) th.join();
  // Every acknowledged increment is there, and only those.
  const int64_t extra = conflicted ? 100 : 0;
  EXPECT_EQ(Counter(1), ok + extra);
  EXPECT_EQ(Counter(2), ok);
  EXPECT_GE(ok, kThreads * kEach * 9 / 10) << "retries should absorb nearly every conflict";
}

TEST_P(MysqlFaultTest, AnUnknownErrorDiscardsTheConnection) {
  ASSERT_OK(Insert(*db_, "warm"));
  const auto before = db_->IdleConnectionIds();
  ASSERT_EQ(before.size(), 1u);
  absl::Status s = db_->Transact(TxMode::kRead, [](Tx& tx) {
    return tx.Query("SELECT * FROM no_such_table", {}).status();
  });
  EXPECT_CODE(s, absl::StatusCode::kUnavailable);
  EXPECT_NE(s.message().find("1146"), absl::string_view::npos) << s;
  EXPECT_TRUE(db_->IdleConnectionIds().empty()) << "the failing connection went back to the pool";
  // A caller's error keeps its (healthy) connection.
  EXPECT_CODE(Insert(*db_, "warm"), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(db_->IdleConnectionIds().size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Servers, MysqlFaultTest, ::testing::Values("mysql", "galera"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace iam::store::mysql
