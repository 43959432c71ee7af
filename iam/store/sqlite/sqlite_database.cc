#include "iam/store/sqlite/sqlite_database.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <unordered_map>

#include "absl/strings/str_cat.h"
#include "iam/common/status_macros.h"
#include "iam/store/migration_lock.h"

namespace iam::store::sqlite {
namespace {

constexpr int kMaxAttempts = 8;

absl::Status FromSqlite(int rc, sqlite3* db) {
  const int primary = rc & 0xff;
  const std::string what = absl::StrCat("sqlite: ", sqlite3_errstr(rc), " (", rc, ")");
  switch (primary) {
    case SQLITE_OK:
    case SQLITE_DONE:
    case SQLITE_ROW:
      return absl::OkStatus();
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return absl::AbortedError(what);
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return absl::AlreadyExistsError(what);
      }
      if (rc == SQLITE_CONSTRAINT_TRIGGER) {
        // RAISE(ABORT, ...) in a trigger: the message is ours, not data.
        return absl::FailedPreconditionError(absl::StrCat("sqlite: ", sqlite3_errmsg(db)));
      }
      return absl::FailedPreconditionError(what);
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
      return absl::UnavailableError(what);
    default:
      return absl::InternalError(what);
  }
}

}  // namespace

// One sqlite3 handle and its statement cache. Used by one thread at a time.
class SqliteConnection final : public Tx {
 public:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  ~SqliteConnection() override {
    for (auto& [sql, stmt] : stmts_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }

  absl::Status Run(const char* sql) {
    return FromSqlite(sqlite3_exec(db_, sql, nullptr, nullptr, nullptr), db_);
  }

  absl::StatusOr<int64_t> Exec(absl::string_view sql, const std::vector<Value>& params) override {
    std::vector<Row> rows;
    RETURN_IF_ERROR(Step(sql, params, nullptr));
    return sqlite3_changes64(db_);
  }

  absl::StatusOr<std::vector<Row>> Query(absl::string_view sql,
                                         const std::vector<Value>& params) override {
    std::vector<Row> rows;
    RETURN_IF_ERROR(Step(sql, params, &rows));
    return rows;
  }

 private:
  absl::StatusOr<sqlite3_stmt*> Prepare(absl::string_view sql) {
    auto it = stmts_.find(std::string(sql));
    if (it != stmts_.end()) return it->second;
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) {
      // A statement that does not compile is a bug of ours: say which.
      return absl::InternalError(absl::StrCat("sqlite: cannot prepare: ", sqlite3_errmsg(db_)));
    }
    stmts_.emplace(std::string(sql), stmt);
    return stmt;
  }

  absl::Status Step(absl::string_view sql, const std::vector<Value>& params,
                    std::vector<Row>* rows) {
    ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql));
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    for (size_t i = 0; i < params.size(); ++i) {
      const int idx = static_cast<int>(i + 1);
      int rc;
      if (const auto* n = std::get_if<int64_t>(&params[i])) {
        rc = sqlite3_bind_int64(stmt, idx, *n);
      } else if (const auto* s = std::get_if<std::string>(&params[i])) {
        rc = sqlite3_bind_text64(stmt, idx, s->data(), s->size(), SQLITE_TRANSIENT, SQLITE_UTF8);
      } else {
        rc = sqlite3_bind_null(stmt, idx);
      }
      if (rc != SQLITE_OK) return FromSqlite(rc, db_);
    }
    while (true) {
      const int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) {
        absl::Status s = FromSqlite(sqlite3_extended_errcode(db_), db_);
        sqlite3_reset(stmt);
        return s;
      }
      if (rows == nullptr) continue;
      const int n = sqlite3_column_count(stmt);
      std::vector<Value> values;
      values.reserve(n);
      for (int c = 0; c < n; ++c) {
        switch (sqlite3_column_type(stmt, c)) {
          case SQLITE_NULL:
            values.emplace_back(std::monostate{});
            break;
          case SQLITE_INTEGER:
            values.emplace_back(static_cast<int64_t>(sqlite3_column_int64(stmt, c)));
            break;
          default: {
            const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
            values.emplace_back(std::string(p ? p : "", sqlite3_column_bytes(stmt, c)));
          }
        }
      }
      rows->emplace_back(std::move(values));
    }
    sqlite3_reset(stmt);
    return absl::OkStatus();
  }

  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> stmts_;
};

absl::StatusOr<std::unique_ptr<SqliteDatabase>> SqliteDatabase::Open(
    const SqliteOptions& options) {
  auto db = std::unique_ptr<SqliteDatabase>(new SqliteDatabase(options));
  ASSIGN_OR_RETURN(auto conn, db->Borrow());  // fails early on a bad path
  db->Return(std::move(conn));
  return db;
}

SqliteDatabase::SqliteDatabase(SqliteOptions options) : options_(std::move(options)) {}
SqliteDatabase::~SqliteDatabase() = default;

absl::StatusOr<std::unique_ptr<SqliteConnection>> SqliteDatabase::Borrow() {
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (idle_.empty() && open_ >= options_.pool_size) StoreCounters::Add(counters_.pool_waits);
    cv_.wait(lock, [&] { return !idle_.empty() || open_ < options_.pool_size; });
    if (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      return conn;
    }
    ++open_;
  }
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(options_.path.c_str(), &raw,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
  auto conn = std::make_unique<SqliteConnection>(raw);
  absl::Status s = rc == SQLITE_OK ? absl::OkStatus()
                                   : absl::UnavailableError(absl::StrCat(
                                         "sqlite: cannot open the database: ", sqlite3_errstr(rc)));
  if (s.ok()) {
    sqlite3_busy_timeout(raw, static_cast<int>(absl::ToInt64Milliseconds(options_.busy_timeout)));
    // Switching a new file to WAL needs it alone, and SQLite answers BUSY at
    // once instead of calling the busy handler: several replicas opening one
    // new file at the same moment wait their turn here.
    const auto give_up =
        std::chrono::steady_clock::now() + absl::ToChronoMilliseconds(options_.busy_timeout);
    for (int attempt = 0;; ++attempt) {
      s = conn->Run("PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;");
      if (!absl::IsAborted(s) || std::chrono::steady_clock::now() >= give_up) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(std::min(1 << attempt, 50)));
    }
  }
  if (!s.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    --open_;
    cv_.notify_one();
    return s;
  }
  return conn;
}

void SqliteDatabase::Return(std::unique_ptr<SqliteConnection> conn) {
  std::lock_guard<std::mutex> lock(mu_);
  idle_.push_back(std::move(conn));
  cv_.notify_one();
}

absl::Status SqliteDatabase::RunTransaction(TxMode mode,
                                    const std::function<absl::Status(Tx&)>& fn) {
  ASSIGN_OR_RETURN(auto conn, Borrow());
  absl::Status result;
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(5 << attempt));
    result = conn->Run(mode == TxMode::kWrite ? "BEGIN IMMEDIATE" : "BEGIN");
    if (result.ok()) {
      result = RunInMode(mode, *conn, fn);
      if (result.ok()) {
        result = conn->Run("COMMIT");
      }
      if (!result.ok()) conn->Run("ROLLBACK").IgnoreError();
    }
    // BUSY and locked come back as ABORTED (from a statement, or from the
    // function that passed its statement's status on).
    if (!absl::IsAborted(result)) break;
    StoreCounters::Add(counters_.db_errors);
    if (attempt + 1 < kMaxAttempts) StoreCounters::Add(counters_.retries);
  }
  Return(std::move(conn));
  counters_.Ended(result);
  return result;
}

StoreStats SqliteDatabase::stats() const {
  StoreStats out;
  counters_.Fill(&out);
  std::lock_guard<std::mutex> lock(mu_);
  out.pool_open = open_;
  out.pool_in_use = open_ - static_cast<int64_t>(idle_.size());
  out.pool_size = options_.pool_size;
  return out;
}

absl::Status SqliteDatabase::Migrate(const std::vector<Migration>& migrations, int64_t now_ms) {
  // The same row lock as on every backend (migration_lock.h).
  return WithMigrationLock(*this, MigrationLockOptions{}, [&]() -> absl::Status {
    ASSIGN_OR_RETURN(auto conn, Borrow());
    absl::Status st = conn->Run(
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
        "name TEXT NOT NULL, applied_at INTEGER NOT NULL)");
    Return(std::move(conn));
    RETURN_IF_ERROR(st);
    ASSIGN_OR_RETURN(int current, SchemaVersion());
    RETURN_IF_ERROR(CheckSchemaNotNewer(current, migrations));
    for (const Migration& m : migrations) {
      if (m.version <= current) continue;
      ASSIGN_OR_RETURN(auto c, Borrow());
      // DDL is transactional in SQLite: the script and its version row land
      // together or not at all.
      absl::Status ms = c->Run("BEGIN IMMEDIATE");
      if (ms.ok()) ms = c->Run(m.sql.c_str());
      if (ms.ok()) {
        ms = c->Exec("INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                     {int64_t{m.version}, m.name, now_ms})
                 .status();
      }
      if (ms.ok()) ms = c->Run("COMMIT");
      if (!ms.ok()) c->Run("ROLLBACK").IgnoreError();
      Return(std::move(c));
      if (!ms.ok()) {
        return absl::Status(ms.code(),
                            absl::StrCat("migration ", m.version, " (", m.name, "): ", ms.message()));
      }
    }
    return absl::OkStatus();
  });
}

}  // namespace iam::store::sqlite
