// TestDatabase: a fresh, migrated database on the backend a parameterised
// test asks for. SQLite: a file in a new temporary directory. MySQL: a new
// database on the server named by IAM_TEST_MYSQL_URL, dropped afterwards.
// Without that variable the MySQL cases skip, unless IAM_REQUIRE_MYSQL=1
// (the README's test command), where they fail instead.
#ifndef IAM_TESTS_SUPPORT_TEST_DATABASE_H_
#define IAM_TESTS_SUPPORT_TEST_DATABASE_H_

#include <memory>
#include <string>

#include "iam/store/database.h"

namespace iam::testing {

class TestDatabase {
 public:
  // nullptr with *skip_reason set when the backend is not configured here.
  static std::unique_ptr<TestDatabase> Create(store::Backend backend, std::string* skip_reason);
  ~TestDatabase();

  store::Database& db() { return *db_; }
  // The URL iamd would be started with to use this database.
  const std::string& url() const { return url_; }
  const std::string& dir() const { return dir_; }
  store::Backend backend() const { return backend_; }

 private:
  store::Backend backend_ = store::Backend::kSqlite;
  std::string url_;
  std::string dir_;
  std::string mysql_db_;
  std::unique_ptr<store::Database> db_;
};

std::string BackendName(store::Backend b);
// "sqlite" / "mysql" for INSTANTIATE_TEST_SUITE_P names.
struct BackendParamName {
  template <typename Info>
  std::string operator()(const Info& info) const {
    return BackendName(info.param);
  }
};

// Skips or fails the current test as the environment asks (see above).
#define IAM_OPEN_TEST_DATABASE(var, backend)                                  \
  std::string iam_skip_reason_;                                               \
  var = ::iam::testing::TestDatabase::Create(backend, &iam_skip_reason_);     \
  if (!var) {                                                                 \
    if (::iam::testing::MysqlRequired()) FAIL() << iam_skip_reason_;          \
    GTEST_SKIP() << iam_skip_reason_;                                         \
  }

bool MysqlRequired();
std::string MakeTempDir();

}  // namespace iam::testing

#endif  // IAM_TESTS_SUPPORT_TEST_DATABASE_H_
