#include "iam/store/mysql/mysql_database.h"

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "iam/common/status_macros.h"
#include "iam/store/migration_lock.h"
#include "iam/store/mysql/mysql_connection.h"

namespace iam::store::mysql {
namespace {

// Conflicts between Galera nodes on a hot row (one account's audit head,
// one user's counter) can abort a transaction several times in a row.
constexpr int kMaxAttempts = 10;

}  // namespace

absl::StatusOr<std::unique_ptr<MysqlDatabase>> MysqlDatabase::Open(const MysqlOptions& options) {
  if (options.hosts.empty()) return absl::InvalidArgumentError("mysql: no host");
  auto db = std::unique_ptr<MysqlDatabase>(new MysqlDatabase(options));
  ASSIGN_OR_RETURN(auto conn, db->writes_.Borrow());
  db->writes_.Return(std::move(conn));
  return db;
}

namespace {

// The hosts in the URL's order, with `first` moved to the front.
std::vector<int> PreferenceStartingAt(int hosts, int first) {
  std::vector<int> order{first};
  for (int h = 0; h < hosts; ++h) {
    if (h != first) order.push_back(h);
  }
  return order;
}

}  // namespace

MysqlDatabase::MysqlDatabase(MysqlOptions options)
    : options_(std::move(options)),
      writes_(options_, PreferenceStartingAt(static_cast<int>(options_.hosts.size()), 0)) {
  if (options_.read_host != 0) {
    reads_ = std::make_unique<MysqlPool>(
        options_, PreferenceStartingAt(static_cast<int>(options_.hosts.size()), options_.read_host));
  }
}

MysqlDatabase::~MysqlDatabase() = default;

absl::Status MysqlDatabase::RunTransaction(TxMode mode,
                                    const std::function<absl::Status(Tx&)>& fn) {
  absl::Status result = RunWithRetries(mode, fn);
  counters_.Ended(result);
  return result;
}

absl::Status MysqlDatabase::RunWithRetries(TxMode mode, const std::function<absl::Status(Tx&)>& fn) {
  absl::Status result;
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    if (attempt > 0) {
      StoreCounters::Add(counters_.retries);
      // Jittered, so that transactions that conflicted do not meet again.
      thread_local std::minstd_rand jitter(std::random_device{}());
      const int base = 10 << std::min(attempt, 5);
      std::this_thread::sleep_for(
          std::chrono::milliseconds(base / 2 + static_cast<int>(jitter() % base)));
    }
    // No connection to be had anywhere: every host is down or unreachable,
    // and a retry would only make the caller wait out more connect timeouts.
    MysqlPool& pool = PoolFor(mode);
    auto borrowed = pool.Borrow();
    if (!borrowed.ok()) {
      StoreCounters::Add(counters_.db_errors);
      return borrowed.status();
    }
    std::unique_ptr<MysqlConnection> conn = *std::move(borrowed);
    bool committing = false;
    result = RunInMode(mode, *conn, fn);
    if (result.ok()) {
      if (before_commit_) before_commit_(conn->server_id());
      committing = true;
      result = conn->Commit();
    }
    const std::optional<ErrorClass> error = conn->last_error();
    const int code = conn->last_error_code();
    // Also after a refused COMMIT: the connection goes back clean.
    if (!result.ok()) conn->Rollback();
    pool.Return(std::move(conn));
    if (result.ok()) return result;
    if (error.has_value()) StoreCounters::Add(counters_.db_errors);
    if (error == ErrorClass::kConnection) {
      // Lost during COMMIT: the server may or may not have committed, and
      // re-running could apply the change twice. The caller is told.
      if (committing) {
        return absl::UnavailableError(
            "the database connection was lost during commit; outcome unknown");
      }
      continue;  // lost before COMMIT: nothing was applied
    }
    // The server rolled the transaction back (deadlock, certification), or
    // the function itself asks for a new try (a row created concurrently).
    if (error == ErrorClass::kRetryable || absl::IsAborted(result)) continue;
    // The host refused (read-only, not ready): nothing was applied, and
    // another host may serve. Anything else unknown is not re-run.
    if (error == ErrorClass::kUnavailable && HostCannotServe(code)) continue;
    return result;
  }
  return result;
}

StoreStats MysqlDatabase::stats() const {
  StoreStats out;
  counters_.Fill(&out);
  for (const MysqlPool* pool : std::initializer_list<const MysqlPool*>{&writes_, reads_.get()}) {
    if (pool == nullptr) continue;
    const MysqlPool::Use u = pool->use();
    out.pool_open += u.open;
    out.pool_in_use += u.in_use;
    out.pool_size += u.size;
    out.pool_waits += u.waits;
  }
  return out;
}

std::vector<int64_t> MysqlDatabase::IdleConnectionIds() {
  std::vector<int64_t> ids = writes_.IdleConnectionIds();
  if (reads_) {
    for (int64_t id : reads_->IdleConnectionIds()) ids.push_back(id);
  }
  return ids;
}

absl::Status MysqlDatabase::Migrate(const std::vector<Migration>& migrations, int64_t now_ms) {
  return WithMigrationLock(*this, MigrationLockOptions{}, [&]() -> absl::Status {
    ASSIGN_OR_RETURN(auto conn, writes_.Borrow());
    absl::Status s = [&]() -> absl::Status {
      RETURN_IF_ERROR(conn->Run(
          "CREATE TABLE IF NOT EXISTS schema_version (version INT PRIMARY KEY, "
          "name VARCHAR(200) NOT NULL, applied_at BIGINT NOT NULL) ENGINE=InnoDB"));
      ASSIGN_OR_RETURN(auto rows, conn->Query("SELECT MAX(version) FROM schema_version", {}));
      const int current = rows.empty() ? 0 : static_cast<int>(rows[0].Int(0));
      conn->Rollback();
      RETURN_IF_ERROR(CheckSchemaNotNewer(current, migrations));
      for (const Migration& m : migrations) {
        if (m.version <= current) continue;
        // DDL commits implicitly in MySQL: statements run one by one, and the
        // version row is written last so a failed run is retried from the top
        // (every statement in our scripts is written to be re-runnable).
        for (absl::string_view stmt : absl::StrSplit(m.sql, ";\n")) {
          absl::string_view trimmed = absl::StripAsciiWhitespace(stmt);
          while (absl::ConsumePrefix(&trimmed, "--")) {
            const size_t nl = trimmed.find('\n');
            trimmed = nl == absl::string_view::npos ? ""
                                                    : absl::StripAsciiWhitespace(trimmed.substr(nl));
          }
          if (trimmed.empty()) continue;
          absl::Status st = conn->Run(std::string(absl::StripSuffix(trimmed, ";")));
          if (!st.ok()) {
            return absl::Status(st.code(), absl::StrCat("migration ", m.version, " (", m.name,
                                                        "): ", st.message()));
          }
        }
        RETURN_IF_ERROR(
            conn->Exec("INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                       {int64_t{m.version}, m.name, now_ms})
                .status());
        RETURN_IF_ERROR(conn->Commit());
      }
      return absl::OkStatus();
    }();
    if (!s.ok()) conn->Rollback();
    writes_.Return(std::move(conn));
    return s;
  });
}

}  // namespace iam::store::mysql
