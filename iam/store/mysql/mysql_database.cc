#include "iam/store/mysql/mysql_database.h"

#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/resultset_metadata.h>
#include <cppconn/statement.h>
#include <mysql_driver.h>

#include <chrono>
#include <thread>
#include <unordered_map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "iam/common/status_macros.h"

namespace iam::store::mysql {
namespace {

constexpr int kMaxAttempts = 6;

// Client error codes that mean the connection is gone.
bool IsConnectionLost(int code) {
  return code == 2002 || code == 2003 || code == 2006 || code == 2013 || code == 2055 ||
         code == 4031 || code == 1927 /* ER_CONNECTION_KILLED */ || code == 1053;
}

absl::Status FromSqlException(const sql::SQLException& e) {
  const int code = e.getErrorCode();
  // The server's message may quote the values of the statement (a duplicate
  // key quotes the key): only the code leaves this file.
  const std::string what = absl::StrCat("mysql error ", code, " (", e.getSQLStateCStr(), ")");
  if (IsConnectionLost(code)) return absl::UnavailableError(what);
  switch (code) {
    case 1062:  // ER_DUP_ENTRY
    case 1586:  // ER_DUP_ENTRY_WITH_KEY_NAME
      return absl::AlreadyExistsError(what);
    case 1213:  // ER_LOCK_DEADLOCK
    case 1205:  // ER_LOCK_WAIT_TIMEOUT
      return absl::AbortedError(what);
    case 1451:  // ER_ROW_IS_REFERENCED_2
    case 1452:  // ER_NO_REFERENCED_ROW_2
      return absl::FailedPreconditionError(what);
    case 1644:  // ER_SIGNAL_EXCEPTION: our own triggers; their text is ours.
      return absl::FailedPreconditionError(absl::StrCat("mysql: ", e.what()));
    case 1045:  // ER_ACCESS_DENIED_ERROR
    case 1044:  // ER_DBACCESS_DENIED_ERROR
    case 1049:  // ER_BAD_DB_ERROR
      return absl::UnavailableError(absl::StrCat("cannot use the MySQL database: ", what));
    default:
      return absl::InternalError(what);
  }
}

bool IsIntegerType(int type) {
  return type == sql::DataType::BIT || type == sql::DataType::TINYINT ||
         type == sql::DataType::SMALLINT || type == sql::DataType::MEDIUMINT ||
         type == sql::DataType::INTEGER || type == sql::DataType::BIGINT;
}

}  // namespace

// One server connection and its prepared statements. One thread at a time.
class MysqlConnection final : public Tx {
 public:
  explicit MysqlConnection(std::unique_ptr<sql::Connection> con) : con_(std::move(con)) {}

  // Set when a statement found the connection gone: never pooled again.
  bool broken() const { return broken_; }
  sql::Connection& raw() { return *con_; }

  absl::StatusOr<int64_t> Exec(absl::string_view sql, const std::vector<Value>& params) override {
    return Guard<int64_t>([&]() -> int64_t {
      sql::PreparedStatement* ps = Prepare(sql);
      Bind(ps, params);
      return ps->executeUpdate();
    });
  }

  absl::StatusOr<std::vector<Row>> Query(absl::string_view sql,
                                         const std::vector<Value>& params) override {
    return Guard<std::vector<Row>>([&]() {
      sql::PreparedStatement* ps = Prepare(sql);
      Bind(ps, params);
      std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
      sql::ResultSetMetaData* meta = rs->getMetaData();
      const unsigned n = meta->getColumnCount();
      std::vector<bool> integer(n + 1);
      for (unsigned c = 1; c <= n; ++c) integer[c] = IsIntegerType(meta->getColumnType(c));
      std::vector<Row> rows;
      while (rs->next()) {
        std::vector<Value> values;
        values.reserve(n);
        for (unsigned c = 1; c <= n; ++c) {
          if (rs->isNull(c)) {
            values.emplace_back(std::monostate{});
          } else if (integer[c]) {
            values.emplace_back(static_cast<int64_t>(rs->getInt64(c)));
          } else {
            values.emplace_back(rs->getString(c).asStdString());
          }
        }
        rows.emplace_back(std::move(values));
      }
      return rows;
    });
  }

  // Runs one static statement (transaction control, DDL).
  absl::Status Run(const std::string& sql) {
    return Guard<bool>([&]() {
             std::unique_ptr<sql::Statement> st(con_->createStatement());
             st->execute(sql);
             return true;
           })
        .status();
  }

  absl::Status Commit() {
    return Guard<bool>([&]() {
             con_->commit();
             return true;
           })
        .status();
  }

  void Rollback() {
    if (broken_) return;
    Guard<bool>([&]() {
      con_->rollback();
      return true;
    }).IgnoreError();
  }

 private:
  template <typename T, typename F>
  absl::StatusOr<T> Guard(F&& f) {
    try {
      return f();
    } catch (const sql::SQLException& e) {
      absl::Status s = FromSqlException(e);
      if (absl::IsUnavailable(s)) broken_ = true;
      return s;
    } catch (const std::exception& e) {
      broken_ = true;
      return absl::InternalError("mysql: unexpected client error");
    }
  }

  sql::PreparedStatement* Prepare(absl::string_view sql) {
    auto it = stmts_.find(std::string(sql));
    if (it != stmts_.end()) return it->second.get();
    std::unique_ptr<sql::PreparedStatement> ps(con_->prepareStatement(std::string(sql)));
    return stmts_.emplace(std::string(sql), std::move(ps)).first->second.get();
  }

  static void Bind(sql::PreparedStatement* ps, const std::vector<Value>& params) {
    for (size_t i = 0; i < params.size(); ++i) {
      const unsigned idx = static_cast<unsigned>(i + 1);
      if (const auto* n = std::get_if<int64_t>(&params[i])) {
        ps->setInt64(idx, *n);
      } else if (const auto* s = std::get_if<std::string>(&params[i])) {
        ps->setString(idx, *s);
      } else {
        ps->setNull(idx, sql::DataType::VARCHAR);
      }
    }
  }

  std::unique_ptr<sql::Connection> con_;
  std::unordered_map<std::string, std::unique_ptr<sql::PreparedStatement>> stmts_;
  bool broken_ = false;
};

absl::StatusOr<std::unique_ptr<MysqlDatabase>> MysqlDatabase::Open(const MysqlOptions& options) {
  auto db = std::unique_ptr<MysqlDatabase>(new MysqlDatabase(options));
  ASSIGN_OR_RETURN(auto conn, db->Borrow());
  db->Return(std::move(conn));
  return db;
}

MysqlDatabase::MysqlDatabase(MysqlOptions options) : options_(std::move(options)) {}
MysqlDatabase::~MysqlDatabase() = default;

absl::StatusOr<std::unique_ptr<MysqlConnection>> MysqlDatabase::Borrow() {
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (!cv_.wait_for(lock, std::chrono::seconds(10),
                      [&] { return !idle_.empty() || open_ < options_.pool_size; })) {
      return absl::UnavailableError("mysql: every pooled connection is busy");
    }
    if (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      return conn;
    }
    ++open_;
  }
  absl::Status status;
  std::unique_ptr<sql::Connection> con;
  try {
    sql::ConnectOptionsMap opts;
    opts["hostName"] = sql::SQLString(options_.host);
    opts["port"] = options_.port;
    opts["userName"] = sql::SQLString(options_.user);
    opts["password"] = sql::SQLString(options_.password);
    opts["schema"] = sql::SQLString(options_.database);
    opts["OPT_CONNECT_TIMEOUT"] = options_.connect_timeout_seconds;
    opts["OPT_READ_TIMEOUT"] = 30;
    opts["OPT_WRITE_TIMEOUT"] = 30;
    // Reconnecting silently would lose the session's transaction state; we
    // reconnect ourselves, between transactions.
    opts["OPT_RECONNECT"] = false;
    opts["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
    // Affected rows count matched rows, as in SQLite: an UPDATE that finds its
    // row but changes nothing must not read as "absent".
    opts["CLIENT_FOUND_ROWS"] = true;
    con.reset(sql::mysql::get_mysql_driver_instance()->connect(opts));
    con->setAutoCommit(false);
    con->setTransactionIsolation(sql::TRANSACTION_READ_COMMITTED);
    std::unique_ptr<sql::Statement> st(con->createStatement());
    st->execute("SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO'");
    st->execute("SET SESSION time_zone = '+00:00'");
  } catch (const sql::SQLException& e) {
    status = FromSqlException(e);
    if (!absl::IsUnavailable(status)) {
      status = absl::UnavailableError(absl::StrCat("cannot connect to MySQL: ", status.message()));
    }
  } catch (const std::exception&) {
    status = absl::UnavailableError("cannot connect to MySQL");
  }
  if (!status.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    --open_;
    cv_.notify_one();
    return status;
  }
  return std::make_unique<MysqlConnection>(std::move(con));
}

void MysqlDatabase::Return(std::unique_ptr<MysqlConnection> conn) {
  std::lock_guard<std::mutex> lock(mu_);
  if (conn->broken()) {
    --open_;
  } else {
    idle_.push_back(std::move(conn));
  }
  cv_.notify_one();
}

absl::Status MysqlDatabase::Transact(TxMode mode, const std::function<absl::Status(Tx&)>& fn) {
  absl::Status result;
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(10 << attempt));
    auto conn_or = Borrow();
    // No connection to be had: the server is down or unreachable, and a retry
    // would only make the caller wait out more connect timeouts.
    if (!conn_or.ok()) return conn_or.status();
    auto conn = std::move(conn_or).value();
    bool committing = false;
    result = fn(*conn);
    if (result.ok()) {
      committing = true;
      result = conn->Commit();
    } else {
      conn->Rollback();
    }
    const bool lost = conn->broken();
    Return(std::move(conn));
    if (result.ok()) return result;
    // A connection lost during COMMIT leaves the outcome unknown: re-running
    // could apply the change twice, so the caller is told instead.
    if (lost && committing) {
      return absl::UnavailableError("mysql: connection lost during commit; outcome unknown");
    }
    if (!(absl::IsAborted(result) || lost)) return result;
  }
  return result;
}

std::vector<int64_t> MysqlDatabase::IdleConnectionIds() {
  std::vector<int64_t> ids;
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& conn : idle_) {
    auto rows = conn->Query("SELECT CONNECTION_ID()", {});
    if (rows.ok() && !rows->empty()) ids.push_back((*rows)[0].Int(0));
    conn->Rollback();
  }
  return ids;
}

absl::Status MysqlDatabase::Migrate(const std::vector<Migration>& migrations, int64_t now_ms) {
  // GET_LOCK is held by the connection that takes it; keep that one aside
  // for the whole run.
  ASSIGN_OR_RETURN(auto lock_conn, Borrow());
  auto release = [&] {
    lock_conn->Query("SELECT RELEASE_LOCK('iam_migrate')", {}).IgnoreError();
    lock_conn->Rollback();
    Return(std::move(lock_conn));
  };
  auto got = lock_conn->Query("SELECT GET_LOCK('iam_migrate', 60)", {});
  if (!got.ok() || got->empty() || (*got)[0].Int(0) != 1) {
    release();
    return got.ok() ? absl::UnavailableError("mysql: timed out waiting for the migration lock")
                    : got.status();
  }
  absl::Status s = [&]() -> absl::Status {
    RETURN_IF_ERROR(lock_conn->Run(
        "CREATE TABLE IF NOT EXISTS schema_version (version INT PRIMARY KEY, "
        "name VARCHAR(200) NOT NULL, applied_at BIGINT NOT NULL) ENGINE=InnoDB"));
    ASSIGN_OR_RETURN(auto rows, lock_conn->Query("SELECT MAX(version) FROM schema_version", {}));
    const int current = rows.empty() ? 0 : static_cast<int>(rows[0].Int(0));
    lock_conn->Rollback();
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
          trimmed = nl == absl::string_view::npos ? "" : absl::StripAsciiWhitespace(trimmed.substr(nl));
        }
        if (trimmed.empty()) continue;
        absl::Status st = lock_conn->Run(std::string(absl::StripSuffix(trimmed, ";")));
        if (!st.ok()) {
          return absl::Status(st.code(), absl::StrCat("migration ", m.version, " (", m.name,
                                                      "): ", st.message()));
        }
      }
      RETURN_IF_ERROR(
          lock_conn
              ->Exec("INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                     {int64_t{m.version}, m.name, now_ms})
              .status());
      RETURN_IF_ERROR(lock_conn->Commit());
    }
    return absl::OkStatus();
  }();
  release();
  return s;
}

}  // namespace iam::store::mysql
