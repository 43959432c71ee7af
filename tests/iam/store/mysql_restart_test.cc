// The MySQL backend across a real server restart: a private MariaDB is
// started, stopped and started again by scripts/mariadb.sh. While it is down
// calls answer UNAVAILABLE promptly; once it is back the pool reconnects by
// itself and no data is lost.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "iam/common/status_macros.h"
#include "iam/store/account_store.h"
#include "iam/store/open_database.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_database.h"

namespace iam::store {
namespace {

class MysqlRestartTest : public ::testing::Test {
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
};

TEST_F(MysqlRestartTest, ThePoolReconnectsAfterTheServerRestarts) {
  auto db = OpenDatabase(url_, {});
  ASSERT_OK(db);
  auto insert = [&](const std::string& id) {
    return (*db)->Transact(TxMode::kWrite, [&](Tx& tx) {
      return accounts::Insert(
          tx, AccountRow{id, "n" + id, "x", "active", false, 1, 1, std::nullopt, std::nullopt});
    });
  };
  ASSERT_OK(insert("100000000001"));

  ASSERT_EQ(Ctl("stop"), 0);
  EXPECT_CODE(insert("100000000002"), absl::StatusCode::kUnavailable);

  ASSERT_EQ(Ctl("restart"), 0);
  ASSERT_OK(insert("100000000003"));
  int64_t count = 0;
  ASSERT_OK((*db)->Transact(TxMode::kRead, [&](Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT COUNT(*) FROM accounts", {}));
    count = rows[0].Int(0);
    return absl::OkStatus();
  }));
  EXPECT_EQ(count, 2);  // the first and the third; nothing half-written
}

}  // namespace
}  // namespace iam::store
