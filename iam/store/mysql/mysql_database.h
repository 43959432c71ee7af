// MysqlDatabase: the shared store for replicas, through MySQL Connector/C++
// (the JDBC-style 1.1 API) against MariaDB or MySQL. A bounded connection
// pool; statements prepared once per connection and cached; READ COMMITTED
// transactions; deadlocks and lock timeouts retried; a connection the server
// dropped (restart, idle kill) is discarded and the transaction re-run on a
// fresh one. No exception leaves this class. Thread-safe; see Database.
#ifndef IAM_STORE_MYSQL_MYSQL_DATABASE_H_
#define IAM_STORE_MYSQL_MYSQL_DATABASE_H_

#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "absl/status/statusor.h"
#include "iam/store/database.h"
#include "iam/store/mysql/mysql_url.h"

namespace iam::store::mysql {

class MysqlConnection;

class MysqlDatabase final : public Database {
 public:
  // Connects once to check the options. UNAVAILABLE when the server cannot be
  // reached or refuses the credentials.
  static absl::StatusOr<std::unique_ptr<MysqlDatabase>> Open(const MysqlOptions& options);
  ~MysqlDatabase() override;

  Backend backend() const override { return Backend::kMysql; }
  absl::Status Transact(TxMode mode, const std::function<absl::Status(Tx&)>& fn) override;
  absl::Status Migrate(const std::vector<Migration>& migrations, int64_t now_ms) override;

  // The server-side id of every pooled idle connection (tests kill them to
  // prove reconnection).
  std::vector<int64_t> IdleConnectionIds();

 private:
  explicit MysqlDatabase(MysqlOptions options);
  absl::StatusOr<std::unique_ptr<MysqlConnection>> Borrow();
  void Return(std::unique_ptr<MysqlConnection> conn);

  const MysqlOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<MysqlConnection>> idle_;  // guarded by mu_
  int open_ = 0;                                        // guarded by mu_
};

}  // namespace iam::store::mysql

#endif  // IAM_STORE_MYSQL_MYSQL_DATABASE_H_
