// AccessActivity: when each principal was last allowed each action, kept
// off the decision's path. Record() updates an in-memory table (sharded,
// each thread starting at its own shard; no allocation when the key was
// seen since the last flush) and returns;
// a writer thread merges the table into the store every flush interval,
// in batches, so replicas' tables add up in one place and survive
// restarts. A batch the store refuses goes back into the table for the
// next flush; only when the table is full is a new key dropped, and
// counted. Thread-safe.
#ifndef IAM_AUTHZ_ACCESS_ACTIVITY_H_
#define IAM_AUTHZ_ACCESS_ACTIVITY_H_

#include <array>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "iam/store/access_activity_store.h"
#include "iam/store/database.h"

namespace iam::authz {

struct AccessActivityOptions {
  absl::Duration flush_interval = absl::Seconds(10);
  size_t max_pending = 200000;  // distinct keys held between flushes
  size_t batch = 500;           // rows per transaction
};

struct AccessActivityStats {
  int64_t recorded = 0;  // allowed decisions recorded
  int64_t flushed = 0;   // rows merged into the store
  int64_t dropped = 0;   // decisions lost to a full table
  int64_t failed_flushes = 0;
  int64_t pending = 0;  // keys waiting for the next flush
};

class AccessActivity {
 public:
  AccessActivity(store::Database* db, AccessActivityOptions options = {});
  ~AccessActivity();
  AccessActivity(const AccessActivity&) = delete;
  AccessActivity& operator=(const AccessActivity&) = delete;

  // `principal` allowed `action` at now_ms by `granted_by`. Never blocks on
  // the store.
  void Record(absl::string_view account_id, store::PrincipalType type,
              absl::string_view principal_id, absl::string_view action,
              absl::string_view granted_by, int64_t now_ms);

  void Start();
  // Flushes what is held, then stops the writer.
  void Stop();
  // Merges everything recorded so far into the store. On failure what was
  // not written stays held for the next flush.
  absl::Status Flush();

  AccessActivityStats stats();

 private:
  struct Pending {
    store::access_activity::ActivityRow row;
  };
  struct Shard {
    absl::Mutex mu;
    absl::flat_hash_map<std::string, Pending> rows ABSL_GUARDED_BY(mu);
    int64_t recorded ABSL_GUARDED_BY(mu) = 0;  // per shard: no counter all cores write
  };
  static constexpr size_t kShards = 16;

  void Run();
  // Puts rows back after a failed write, merged with what came meanwhile.
  void Restore(std::vector<store::access_activity::ActivityRow> rows);
  // `row` into the shard: folded into the row held for `key`, or added
  // when the shard has room, else dropped and counted.
  void MergeInto(Shard& shard, const std::string& key, store::access_activity::ActivityRow row)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(shard.mu);

  store::Database* db_;
  const AccessActivityOptions options_;
  std::array<Shard, kShards> shards_;
  std::mutex flush_mu_;  // one flush at a time

  std::mutex run_mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by run_mu_
  std::thread writer_;

  std::atomic<int64_t> flushed_{0};
  std::atomic<int64_t> dropped_{0};
  std::atomic<int64_t> failed_flushes_{0};
  std::atomic<int64_t> pending_{0};
};

}  // namespace iam::authz

#endif  // IAM_AUTHZ_ACCESS_ACTIVITY_H_
