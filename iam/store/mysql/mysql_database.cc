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
  ASSIGN_OR_RETURN(auto conn, db->Borrow());
  db->Return(std::move(conn));
  return db;
}

MysqlDatabase::MysqlDatabase(MysqlOptions options)
    : options_(std::move(options)),
      hosts_(static_cast<int>(options_.hosts.size()), options_.host_retry_ms) {}
MysqlDatabase::~MysqlDatabase() = default;

int64_t MysqlDatabase::NowMs() {
  // Pool bookkeeping (when to try a host again) is operational time, not a
  // rule of the domain: the steady clock.
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void MysqlDatabase::DropIdleLocked(int host) {
  auto gone = std::remove_if(idle_.begin(), idle_.end(),
                             [&](const auto& c) { return c->host_index() == host; });
  open_ -= static_cast<int>(idle_.end() - gone);
  idle_.erase(gone, idle_.end());
}

absl::StatusOr<std::unique_ptr<MysqlConnection>> MysqlDatabase::ConnectSomewhere(
    const std::vector<int>& order) {
  absl::Status last;
  for (int h : order) {
    auto conn = MysqlConnection::Connect(options_, h);
    std::lock_guard<std::mutex> lock(mu_);
    if (conn.ok()) {
      hosts_.Succeeded(h);
      if (h != current_) {
        // Failed over or came back: the connections of the other hosts go.
        for (size_t i = 0; i < options_.hosts.size(); ++i) {
          if (static_cast<int>(i) != h) DropIdleLocked(static_cast<int>(i));
        }
        current_ = h;
      }
      return conn;
    }
    hosts_.Failed(h, NowMs());
    last = conn.status();
  }
  return last;
}

absl::StatusOr<std::unique_ptr<MysqlConnection>> MysqlDatabase::Borrow() {
  for (;;) {
    const int64_t now = NowMs();
    std::vector<int> order;
    bool probe = false;
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (!cv_.wait_for(lock, std::chrono::seconds(10),
                        [&] { return !idle_.empty() || open_ < options_.pool_size; })) {
        return absl::UnavailableError("mysql: every pooled connection is busy");
      }
      // Coming back: while connections go to a less preferred host, one
      // borrower at a time tries the better ones again, once per retry period.
      if (hosts_.Preferred(now) < current_ && !probing_ && now >= next_probe_ms_) {
        probing_ = probe = true;
        next_probe_ms_ = now + options_.host_retry_ms;
        if (open_ >= options_.pool_size) {
          idle_.erase(idle_.begin());  // make room for the new connection
          --open_;
        }
        for (int h : hosts_.Order(now)) {
          if (h < current_) order.push_back(h);
        }
      } else if (!idle_.empty()) {
        auto conn = std::move(idle_.back());
        idle_.pop_back();
        return conn;
      } else {
        order = hosts_.Order(now);
      }
      ++open_;
    }
    auto conn = ConnectSomewhere(order);
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (probe) probing_ = false;
      if (!conn.ok()) {
        --open_;
        cv_.notify_one();
      }
    }
    // A better host that is still away: serve from the current one as usual
    // (no new probe before next_probe_ms_).
    if (conn.ok() || !probe) return conn;
  }
}

void MysqlDatabase::Return(std::unique_ptr<MysqlConnection> conn) {
  std::lock_guard<std::mutex> lock(mu_);
  if (conn->broken()) {
    --open_;
    if (HostCannotServe(conn->last_error_code())) {
      hosts_.Failed(conn->host_index(), NowMs());
      DropIdleLocked(conn->host_index());
    }
  } else {
    conn->clear_error();
    idle_.push_back(std::move(conn));
  }
  cv_.notify_one();
}

absl::Status MysqlDatabase::Transact(TxMode mode, const std::function<absl::Status(Tx&)>& fn) {
  absl::Status result;
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    if (attempt > 0) {
      // Jittered, so that transactions that conflicted do not meet again.
      thread_local std::minstd_rand jitter(std::random_device{}());
      const int base = 10 << std::min(attempt, 5);
      std::this_thread::sleep_for(
          std::chrono::milliseconds(base / 2 + static_cast<int>(jitter() % base)));
    }
    // No connection to be had anywhere: every host is down or unreachable,
    // and a retry would only make the caller wait out more connect timeouts.
    ASSIGN_OR_RETURN(auto conn, Borrow());
    bool committing = false;
    result = fn(*conn);
    if (result.ok()) {
      if (before_commit_) before_commit_(conn->server_id());
      committing = true;
      result = conn->Commit();
    }
    const std::optional<ErrorClass> error = conn->last_error();
    const int code = conn->last_error_code();
    // Also after a refused COMMIT: the connection goes back clean.
    if (!result.ok()) conn->Rollback();
    Return(std::move(conn));
    if (result.ok()) return result;
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

std::vector<int64_t> MysqlDatabase::IdleConnectionIds() {
  std::vector<int64_t> ids;
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& conn : idle_) ids.push_back(conn->server_id());
  return ids;
}

absl::Status MysqlDatabase::Migrate(const std::vector<Migration>& migrations, int64_t now_ms) {
  return WithMigrationLock(*this, MigrationLockOptions{}, [&]() -> absl::Status {
    ASSIGN_OR_RETURN(auto conn, Borrow());
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
    Return(std::move(conn));
    return s;
  });
}

}  // namespace iam::store::mysql
