// SqliteDatabase: the embedded store. One database file in WAL mode, a small
// pool of connections (readers run beside the one writer), a busy timeout,
// foreign keys on, and a per-connection cache of prepared statements. Write
// transactions begin IMMEDIATE so two writers never deadlock on a lock
// upgrade. Thread-safe; see Database.
#ifndef IAM_STORE_SQLITE_SQLITE_DATABASE_H_
#define IAM_STORE_SQLITE_SQLITE_DATABASE_H_

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "iam/store/database.h"

namespace iam::store::sqlite {

struct SqliteOptions {
  std::string path;  // the database file; its directory must exist
  int pool_size = 4;
  absl::Duration busy_timeout = absl::Seconds(5);
};

class SqliteConnection;

class SqliteDatabase final : public Database {
 public:
  // Opens (creating if absent) the file. UNAVAILABLE when it cannot be opened.
  static absl::StatusOr<std::unique_ptr<SqliteDatabase>> Open(const SqliteOptions& options);
  ~SqliteDatabase() override;

  Backend backend() const override { return Backend::kSqlite; }
  absl::Status Migrate(const std::vector<Migration>& migrations, int64_t now_ms) override;
  StoreStats stats() const override;

 private:
  absl::Status RunTransaction(TxMode mode,
                              const std::function<absl::Status(Tx&)>& fn) override;
  explicit SqliteDatabase(SqliteOptions options);
  absl::StatusOr<std::unique_ptr<SqliteConnection>> Borrow();
  void Return(std::unique_ptr<SqliteConnection> conn);

  const SqliteOptions options_;
  StoreCounters counters_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<SqliteConnection>> idle_;  // guarded by mu_
  int open_ = 0;                                         // guarded by mu_
};

}  // namespace iam::store::sqlite

#endif  // IAM_STORE_SQLITE_SQLITE_DATABASE_H_
