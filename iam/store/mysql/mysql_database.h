// MysqlDatabase: the shared store for replicas, through MySQL Connector/C++
// (the JDBC-style 1.1 API) against MariaDB, MySQL or a MariaDB Galera
// cluster. Write transactions go through one pool over the URL's hosts in
// their listed order, so every replica of a cluster writes through the same
// node; with `read_host`, read transactions have a pool of their own that
// prefers that node (see "The MySQL backend under faults" in
// docs/architecture.md for why writes must not spread over nodes).
// Statements are prepared once per connection; READ COMMITTED transactions
// whose COMMIT is checked; errors classed once (mysql_errors.h): retryable
// ones re-run the transaction, a connection or node that fails is discarded
// and the next host tried, and a COMMIT whose connection was lost answers
// "outcome unknown" and is never re-run. No exception leaves this class.
// Thread-safe; see Database.
#ifndef IAM_STORE_MYSQL_MYSQL_DATABASE_H_
#define IAM_STORE_MYSQL_MYSQL_DATABASE_H_

#include <functional>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "iam/store/database.h"
#include "iam/store/mysql/mysql_pool.h"
#include "iam/store/mysql/mysql_url.h"

namespace iam::store::mysql {

class MysqlDatabase final : public Database {
 public:
  // Connects once to check the options. UNAVAILABLE when no host can be
  // reached or the credentials are refused.
  static absl::StatusOr<std::unique_ptr<MysqlDatabase>> Open(const MysqlOptions& options);
  ~MysqlDatabase() override;

  Backend backend() const override { return Backend::kMysql; }
  absl::Status Migrate(const std::vector<Migration>& migrations, int64_t now_ms) override;
  StoreStats stats() const override;

  // The server-side id of every pooled idle connection, of both pools (tests
  // kill them to prove reconnection).
  std::vector<int64_t> IdleConnectionIds();

  // Tests: called with the server-side connection id after a transaction's
  // function succeeded and right before its COMMIT, to make that COMMIT fail.
  void SetBeforeCommitHookForTesting(std::function<void(int64_t connection_id)> hook) {
    before_commit_ = std::move(hook);
  }

 private:
  absl::Status RunTransaction(TxMode mode,
                              const std::function<absl::Status(Tx&)>& fn) override;
  explicit MysqlDatabase(MysqlOptions options);
  absl::Status RunWithRetries(TxMode mode, const std::function<absl::Status(Tx&)>& fn);
  MysqlPool& PoolFor(TxMode mode) { return mode == TxMode::kRead && reads_ ? *reads_ : writes_; }

  const MysqlOptions options_;
  std::function<void(int64_t)> before_commit_;
  StoreCounters counters_;
  MysqlPool writes_;
  std::unique_ptr<MysqlPool> reads_;  // only when read_host is not the first host
};

}  // namespace iam::store::mysql

#endif  // IAM_STORE_MYSQL_MYSQL_DATABASE_H_
