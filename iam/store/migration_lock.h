// The migration lock: one row of the table `schema_lock`, taken with a
// conditional UPDATE and released the same way. It works on every backend
// and on a Galera cluster, where GET_LOCK is local to one node: two replicas
// starting at once on two nodes both try the UPDATE, certification lets one
// commit, and the other re-runs and finds the row taken. The row carries a
// lease, so a replica that died while migrating does not block the next
// start for longer than the lease.
#ifndef IAM_STORE_MIGRATION_LOCK_H_
#define IAM_STORE_MIGRATION_LOCK_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "iam/store/database.h"

namespace iam::store {

int64_t SystemMillis();

struct MigrationLockOptions {
  int64_t lease_ms = 5 * 60 * 1000;  // longer than any migration we ship
  int64_t wait_ms = 3 * 60 * 1000;   // then UNAVAILABLE
  int64_t poll_ms = 100;
  // Wall time shared by the replicas (the lease is between processes, so
  // the system clock; tests may set another).
  std::function<int64_t()> now_ms = SystemMillis;
};

// Creates the lock table if needed, waits for the row, runs `body`, and
// releases the row whatever body answered.
absl::Status WithMigrationLock(Database& db, const MigrationLockOptions& options,
                               const std::function<absl::Status()>& body);

}  // namespace iam::store

#endif  // IAM_STORE_MIGRATION_LOCK_H_
