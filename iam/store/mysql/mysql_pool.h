// MysqlPool: a bounded pool of connections to the hosts of one store URL,
// tried in one order of preference. Connections go to the first host up
// (HostPicker); when a host fails the pool fails over to the next, and one
// borrower at a time tries the better hosts again once per retry period, so
// the pool comes back when they return. Thread-safe.
#ifndef IAM_STORE_MYSQL_MYSQL_POOL_H_
#define IAM_STORE_MYSQL_MYSQL_POOL_H_

#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "absl/status/statusor.h"
#include "iam/store/mysql/mysql_hosts.h"
#include "iam/store/mysql/mysql_url.h"

namespace iam::store::mysql {

class MysqlConnection;

class MysqlPool {
 public:
  // preference: indices into options.hosts, best first, each host once.
  // options must outlive the pool.
  MysqlPool(const MysqlOptions& options, std::vector<int> preference);
  ~MysqlPool();

  // A connection to the best host that answers. UNAVAILABLE when none does,
  // or when every pooled connection stays busy for ten seconds.
  absl::StatusOr<std::unique_ptr<MysqlConnection>> Borrow();
  // Takes the connection back; a broken one is closed, and its host passed
  // over when its error says the host cannot serve.
  void Return(std::unique_ptr<MysqlConnection> conn);
  // The server-side id of every idle connection.
  std::vector<int64_t> IdleConnectionIds();

  struct Use {
    int64_t open = 0, in_use = 0, size = 0;
    uint64_t waits = 0;  // borrowers that found every connection busy
  };
  Use use() const;

 private:
  absl::StatusOr<std::unique_ptr<MysqlConnection>> ConnectSomewhere(const std::vector<int>& ranks);
  void DropIdleLocked(int rank);
  int RankOf(int host) const { return rank_of_[static_cast<size_t>(host)]; }
  static int64_t NowMs();

  const MysqlOptions& options_;
  const std::vector<int> preference_;  // rank -> host index
  std::vector<int> rank_of_;           // host index -> rank
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<MysqlConnection>> idle_;  // guarded by mu_
  int open_ = 0;                                        // guarded by mu_
  uint64_t waits_ = 0;                                  // guarded by mu_
  HostPicker ranks_;           // over ranks, not host indices; guarded by mu_
  int current_ = 0;            // rank of the newest connection's host; mu_
  bool probing_ = false;       // a borrower is trying a better host; mu_
  int64_t next_probe_ms_ = 0;  // guarded by mu_
};

}  // namespace iam::store::mysql

#endif  // IAM_STORE_MYSQL_MYSQL_POOL_H_
