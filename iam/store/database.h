// Database: the one seam between the service and its SQL backends (SQLite,
// MySQL). It runs a function inside a transaction and offers prepared
// statements with bound parameters, nothing else: no string-built SQL with
// values in it ever reaches a backend.
//
// Thread-safe: many transactions may run at once, each on its own pooled
// connection. A Tx is used by one thread and only inside Transact().
//
// Status codes from statements: ALREADY_EXISTS (unique key), FAILED_PRECONDITION
// (foreign key, or a trigger refused the change), ABORTED (deadlock, lock
// timeout, busy: Transact retries these), UNAVAILABLE (the server is gone or
// the pool is exhausted), INTERNAL (anything else). Messages name the error
// code, never the values bound.
#ifndef IAM_STORE_DATABASE_H_
#define IAM_STORE_DATABASE_H_

#include "absl/strings/string_view.h"
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace iam::store {

// A bound parameter or a column value: NULL, an integer or text.
using Value = std::variant<std::monostate, int64_t, std::string>;

// Convenience for optional parameters.
inline Value NullOr(const std::optional<int64_t>& v) {
  return v ? Value(*v) : Value(std::monostate{});
}
inline Value NullOr(const std::optional<std::string>& v) {
  return v ? Value(*v) : Value(std::monostate{});
}

class Row {
 public:
  explicit Row(std::vector<Value> values) : values_(std::move(values)) {}

  size_t size() const { return values_.size(); }
  bool IsNull(size_t i) const { return std::holds_alternative<std::monostate>(values_[i]); }
  // 0 for NULL; text holding a number (MySQL DECIMAL results) is parsed.
  int64_t Int(size_t i) const;
  // "" for NULL; an integer is printed.
  std::string Str(size_t i) const;
  std::optional<int64_t> OptInt(size_t i) const;
  std::optional<std::string> OptStr(size_t i) const;

 private:
  std::vector<Value> values_;
};

class Tx {
 public:
  virtual ~Tx() = default;
  // Runs a statement that returns no rows; answers the number of rows changed.
  virtual absl::StatusOr<int64_t> Exec(absl::string_view sql, const std::vector<Value>& params) = 0;
  virtual absl::StatusOr<std::vector<Row>> Query(absl::string_view sql,
                                                 const std::vector<Value>& params) = 0;
};

enum class Backend { kSqlite, kMysql };
// kRead transactions may not write: on a Galera cluster they run on the
// replica's nearest node while every write goes through one node.
enum class TxMode { kRead, kWrite };

// What a backend hands a kRead transaction's function: queries pass through,
// Exec is refused (INTERNAL, a defect in the caller), so a write can never
// slip into a transaction that runs where writes must not go.
class ReadOnlyTx final : public Tx {
 public:
  explicit ReadOnlyTx(Tx& inner) : inner_(inner) {}
  absl::StatusOr<int64_t> Exec(absl::string_view sql, const std::vector<Value>& params) override;
  absl::StatusOr<std::vector<Row>> Query(absl::string_view sql,
                                         const std::vector<Value>& params) override {
    return inner_.Query(sql, params);
  }

 private:
  Tx& inner_;
};

// Runs fn on tx, through a ReadOnlyTx when mode is kRead.
absl::Status RunInMode(TxMode mode, Tx& tx, const std::function<absl::Status(Tx&)>& fn);

struct Migration {
  int version;
  std::string name;
  std::string sql;
};

// What a store has done since it opened, for the service's metrics.
struct StoreStats {
  uint64_t committed = 0;  // transactions that committed
  uint64_t failed = 0;     // transactions that ended with an error, the function's own included
  uint64_t retries = 0;    // attempts run again after a conflict or a lost connection
  uint64_t db_errors = 0;  // errors the database itself reported (conflict, busy, lost, refused)
  // The connection pool (for MySQL both pools, writes and reads).
  int64_t pool_open = 0;    // connections open
  int64_t pool_in_use = 0;  // of which borrowed by a transaction
  int64_t pool_size = 0;    // the most that may be open
  uint64_t pool_waits = 0;  // borrowers that had to wait for a connection
};

// The counters a backend keeps for StoreStats; relaxed atomics, as a scrape
// needs no ordering between them.
struct StoreCounters {
  std::atomic<uint64_t> committed{0}, failed{0}, retries{0}, db_errors{0}, pool_waits{0};

  void Ended(const absl::Status& s) {
    (s.ok() ? committed : failed).fetch_add(1, std::memory_order_relaxed);
  }
  static void Add(std::atomic<uint64_t>& c) { c.fetch_add(1, std::memory_order_relaxed); }
  void Fill(StoreStats* out) const {
    out->committed = committed.load(std::memory_order_relaxed);
    out->failed = failed.load(std::memory_order_relaxed);
    out->retries = retries.load(std::memory_order_relaxed);
    out->db_errors = db_errors.load(std::memory_order_relaxed);
    out->pool_waits += pool_waits.load(std::memory_order_relaxed);
  }
};

class Database {
 public:
  virtual ~Database() = default;

  // Counts since the store opened. Thread-safe; cheap (no query).
  virtual StoreStats stats() const { return {}; }

  virtual Backend backend() const = 0;

  // Runs fn in one transaction and commits when it returns OK; anything else
  // rolls back and is returned. ABORTED (deadlock, busy) and a connection
  // lost before commit are retried a few times, so fn may run more than once:
  // it must assign its outputs, not append to them.
  //
  // Inside TransactJoined on the same thread and database, fn runs in the
  // joined transaction instead of a new one (a write asked inside a joined
  // read is refused: FAILED_PRECONDITION).
  absl::Status Transact(TxMode mode, const std::function<absl::Status(Tx&)>& fn);

  // Runs fn with every Transact of this thread on this database joined into
  // one transaction: many changes, each made by the code that makes it
  // alone, land together or not at all. With `commit` false the transaction
  // is rolled back once fn succeeded (a dry run) and OK is returned. Like
  // Transact, fn may run more than once.
  absl::Status TransactJoined(TxMode mode, bool commit, const std::function<absl::Status()>& fn);

  // A read of committed data only, never joined: for caches, which must
  // not keep what a joined transaction has not committed (and may roll
  // back).
  absl::Status ReadCommitted(const std::function<absl::Status(Tx&)>& fn) {
    return RunTransaction(TxMode::kRead, fn);
  }

  // Runs `then` once the current transaction of this thread committed: at
  // once outside a joined transaction (whose callers call it after their
  // own Transact returned), after the joined one commits inside one, never
  // when it rolls back. For what must not be seen before the data is
  // (telling caches that it changed).
  void AfterCommit(std::function<void()> then);

  // Applies the migrations newer than the schema's version, in order, holding
  // a lock that keeps concurrent replicas from applying them twice.
  // FAILED_PRECONDITION when the schema is newer than the newest migration.
  virtual absl::Status Migrate(const std::vector<Migration>& migrations, int64_t now_ms) = 0;

  // The schema version recorded in the database (0 for an empty one).
  absl::StatusOr<int> SchemaVersion();

 protected:
  // The backend's transaction, as Transact describes it.
  virtual absl::Status RunTransaction(TxMode mode,
                                      const std::function<absl::Status(Tx&)>& fn) = 0;
};

// Helper shared by the backends' Migrate(): the version check and its message.
absl::Status CheckSchemaNotNewer(int current, const std::vector<Migration>& migrations);

}  // namespace iam::store

#endif  // IAM_STORE_DATABASE_H_
