// PrivateMariadb: a test fixture base with a MariaDB server of the test's
// own (scripts/mariadb.sh), which the test may stop, kill and restart.
// Skips (or, under IAM_REQUIRE_MYSQL=1, fails) where mariadbd is missing.
// The test's target must define IAM_SOURCE_DIR.
#ifndef IAM_TESTS_SUPPORT_PRIVATE_MARIADB_H_
#define IAM_TESTS_SUPPORT_PRIVATE_MARIADB_H_

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "tests/support/test_database.h"

namespace iam::testing {

class PrivateMariadb : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::system("PATH=$PATH:/usr/sbin command -v mariadbd >/dev/null 2>&1") != 0) {
      if (MysqlRequired()) FAIL() << "mariadbd is not installed";
      GTEST_SKIP() << "mariadbd is not installed";
    }
    dir_ = MakeTempDir();
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
  // start, stop, restart or kill (SIGKILL) the server; 0 on success.
  int Ctl(const char* what) {
    return std::system(absl::StrCat("bash ", IAM_SOURCE_DIR, "/scripts/mariadb.sh ", what, " ",
                                    dir_, " >/dev/null")
                           .c_str());
  }

  std::string dir_, url_;
};

}  // namespace iam::testing

#endif  // IAM_TESTS_SUPPORT_PRIVATE_MARIADB_H_
