// MysqlDatabase: the shared store for replicas, through MySQL Connector/C++
// (the JDBC-style 1.1 API) against MariaDB, MySQL or a MariaDB Galera
// cluster. A bounded connection pool over the URL's hosts (the first one up
// is used; see HostPicker); statements prepared once per connection; READ
// COMMITTED transactions whose COMMIT is checked; errors classed once
// (mysql_errors.h): retryable ones re-run the transaction, a connection or
// node that fails is discarded and the next host tried, and a COMMIT whose
// connection was lost answers "outcome unknown" and is never re-run.
// No exception leaves this class. Thread-safe; see Database.
#ifndef IAM_STORE_MYSQL_MYSQL_DATABASE_H_
#define IAM_STORE_MYSQL_MYSQL_DATABASE_H_

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "absl/status/statusor.h"
#include "iam/store/database.h"
#include "iam/store/mysql/mysql_hosts.h"
#include "iam/store/mysql/mysql_url.h"

namespace iam::store::mysql {

class MysqlConnection;

class MysqlDatabase final : public Database {
 public:
  // Connects once to check the options. UNAVAILABLE when no host can be
  // reached or the credentials are refused.
  static absl::StatusOr<std::unique_ptr<MysqlDatabase>> Open(const MysqlOptions& options);
  ~MysqlDatabase() override;

  Backend backend() const override { return Backend::kMysql; }
  absl::Status Transact(TxMode mode, const std::function<absl::Status(Tx&)>& fn) override;
  absl::Status Migrate(const std::vector<Migration>& migrations, int64_t now_ms) override;

  // The server-side id of every pooled idle connection (tests kill them to
  // prove reconnection).
  std::vector<int64_t> IdleConnectionIds();

  // Tests: called with the server-side connection id after a transaction's
  // function succeeded and right before its COMMIT, to make that COMMIT fail.
  void SetBeforeCommitHookForTesting(std::function<void(int64_t connection_id)> hook) {
    before_commit_ = std::move(hook);
  }

 private:
  explicit MysqlDatabase(MysqlOptions options);
  absl::StatusOr<std::unique_ptr<MysqlConnection>> Borrow();
  absl::StatusOr<std::unique_ptr<MysqlConnection>> ConnectSomewhere(const std::vector<int>& order);
  void Return(std::unique_ptr<MysqlConnection> conn);
  void DropIdleLocked(int host);
  static int64_t NowMs();

  const MysqlOptions options_;
  std::function<void(int64_t)> before_commit_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<MysqlConnection>> idle_;  // guarded by mu_
  int open_ = 0;                                        // guarded by mu_
  HostPicker hosts_;                                    // guarded by mu_
  int current_ = 0;          // host of the newest connection; guarded by mu_
  bool probing_ = false;     // a borrower is trying a preferred host; mu_
  int64_t next_probe_ms_ = 0;  // guarded by mu_
};

}  // namespace iam::store::mysql

#endif  // IAM_STORE_MYSQL_MYSQL_DATABASE_H_
