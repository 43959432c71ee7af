#include "tests/support/test_database.h"

#include <cstdlib>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "iam/common/random.h"
#include "iam/store/mysql/mysql_database.h"
#include "iam/store/mysql/mysql_url.h"
#include "iam/store/open_database.h"

namespace iam::testing {

bool MysqlRequired() {
  const char* v = std::getenv("IAM_REQUIRE_MYSQL");
  return v != nullptr && std::string(v) == "1";
}

std::string MakeTempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "iam-test-XXXXXX").string();
  return std::string(::mkdtemp(tmpl.data()));
}

std::string BackendName(store::Backend b) { return b == store::Backend::kSqlite ? "sqlite" : "mysql"; }

std::unique_ptr<TestDatabase> TestDatabase::Create(store::Backend backend,
                                                   std::string* skip_reason) {
  auto t = std::unique_ptr<TestDatabase>(new TestDatabase());
  t->backend_ = backend;
  t->dir_ = MakeTempDir();
  if (backend == store::Backend::kSqlite) {
    t->url_ = absl::StrCat("sqlite://", t->dir_, "/iam.db");
  } else {
    const char* base = std::getenv("IAM_TEST_MYSQL_URL");
    if (base == nullptr || *base == '\0') {
      *skip_reason = "IAM_TEST_MYSQL_URL is not set: no MySQL server to test against";
      return nullptr;
    }
    auto opts = store::mysql::ParseMysqlUrl(base);
    if (!opts.ok()) {
      *skip_reason = std::string(opts.status().message());
      return nullptr;
    }
    auto admin = store::mysql::MysqlDatabase::Open(*opts);
    if (!admin.ok()) {
      *skip_reason = absl::StrCat("cannot reach MySQL: ", admin.status().message());
      return nullptr;
    }
    CryptoRandom random;
    static constexpr char kHex[] = "0123456789abcdef";
    std::string name = "iam_t_";
    for (int i = 0; i < 12; ++i) name.push_back(kHex[random.Uniform(16)]);
    absl::Status s = (*admin)->Transact(store::TxMode::kWrite, [&](store::Tx& tx) {
      return tx.Exec(absl::StrCat("CREATE DATABASE ", name), {}).status();
    });
    if (!s.ok()) {
      *skip_reason = absl::StrCat("cannot create a test database: ", s.message());
      return nullptr;
    }
    t->mysql_db_ = name;
    std::string url(base);
    t->url_ = url.substr(0, url.rfind('/') + 1) + name + "?pool=16";
  }
  store::OpenOptions o;
  o.pool_size = 16;
  auto db = store::OpenDatabase(t->url_, o);
  if (!db.ok()) {
    *skip_reason = absl::StrCat("cannot open the test database: ", db.status().message());
    return nullptr;
  }
  t->db_ = std::move(db).value();
  return t;
}

TestDatabase::~TestDatabase() {
  db_.reset();
  if (!mysql_db_.empty()) {
    auto opts = store::mysql::ParseMysqlUrl(std::getenv("IAM_TEST_MYSQL_URL"));
    if (opts.ok()) {
      auto admin = store::mysql::MysqlDatabase::Open(*opts);
      if (admin.ok()) {
        (*admin)
            ->Transact(store::TxMode::kWrite,
                       [&](store::Tx& tx) {
                         return tx.Exec(absl::StrCat("DROP DATABASE ", mysql_db_), {}).status();
                       })
            .IgnoreError();
      }
    }
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

}  // namespace iam::testing
