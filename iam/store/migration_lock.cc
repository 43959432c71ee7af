#include "iam/store/migration_lock.h"

#include <chrono>
#include <thread>

#include "iam/common/random.h"
#include "iam/common/status_macros.h"

namespace iam::store {
namespace {

std::string NewHolder() {
  CryptoRandom random;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (int i = 0; i < 32; ++i) id.push_back(kHex[random.Uniform(16)]);
  return id;
}

}  // namespace

int64_t SystemMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

absl::Status WithMigrationLock(Database& db, const MigrationLockOptions& options,
                               const std::function<absl::Status()>& body) {
  // The DDL is accepted by both dialects and is idempotent; on Galera it is
  // replicated in total order, so nodes creating it at once agree.
  RETURN_IF_ERROR(db.Transact(TxMode::kWrite, [](Tx& tx) {
    return tx
        .Exec("CREATE TABLE IF NOT EXISTS schema_lock (id INT PRIMARY KEY, "
              "holder VARCHAR(64) NOT NULL, expires_at BIGINT NOT NULL)",
              {})
        .status();
  }));
  absl::Status seeded = db.Transact(TxMode::kWrite, [](Tx& tx) {
    return tx.Exec("INSERT INTO schema_lock (id, holder, expires_at) VALUES (1, '', 0)", {})
        .status();
  });
  if (!seeded.ok() && !absl::IsAlreadyExists(seeded)) return seeded;

  const std::string holder = NewHolder();
  const int64_t give_up = options.now_ms() + options.wait_ms;
  for (;;) {
    bool taken = false;
    RETURN_IF_ERROR(db.Transact(TxMode::kWrite, [&](Tx& tx) -> absl::Status {
      const int64_t now = options.now_ms();
      ASSIGN_OR_RETURN(int64_t n,
                       tx.Exec("UPDATE schema_lock SET holder = ?, expires_at = ? "
                               "WHERE id = 1 AND (holder = '' OR expires_at < ?)",
                               {holder, now + options.lease_ms, now}));
      taken = n == 1;
      return absl::OkStatus();
    }));
    if (taken) break;
    if (options.now_ms() >= give_up) {
      return absl::UnavailableError("timed out waiting for the migration lock held by another replica");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(options.poll_ms));
  }
  absl::Status result = body();
  absl::Status released = db.Transact(TxMode::kWrite, [&](Tx& tx) {
    return tx
        .Exec("UPDATE schema_lock SET holder = '', expires_at = 0 WHERE id = 1 AND holder = ?",
              {holder})
        .status();
  });
  // A lease that could not be released expires by itself; the migration's
  // own answer matters more.
  return result.ok() ? released : result;
}

}  // namespace iam::store
