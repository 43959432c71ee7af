#include "iam/store/mysql/mysql_connection.h"

#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/resultset_metadata.h>
#include <cppconn/statement.h>
#include <mysql_driver.h>

#include "absl/strings/str_cat.h"
#include "iam/common/log.h"

namespace iam::store::mysql {
namespace {

bool IsIntegerType(int type) {
  return type == sql::DataType::BIT || type == sql::DataType::TINYINT ||
         type == sql::DataType::SMALLINT || type == sql::DataType::MEDIUMINT ||
         type == sql::DataType::INTEGER || type == sql::DataType::BIGINT;
}

void Bind(sql::PreparedStatement* ps, const std::vector<Value>& params) {
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

absl::Status StatusOf(const sql::SQLException& e) {
  return ToStatus(e.getErrorCode(), e.getSQLStateCStr(), e.what());
}

}  // namespace

MysqlConnection::MysqlConnection(std::unique_ptr<sql::Connection> con, int host_index)
    : con_(std::move(con)), host_index_(host_index) {}

MysqlConnection::~MysqlConnection() = default;

absl::StatusOr<std::unique_ptr<MysqlConnection>> MysqlConnection::Connect(
    const MysqlOptions& options, int host_index) {
  const MysqlHost& host = options.hosts[static_cast<size_t>(host_index)];
  std::unique_ptr<sql::Connection> con;
  int64_t server_id = 0;
  bool galera = false;
  try {
    sql::ConnectOptionsMap opts;
    opts["hostName"] = sql::SQLString(host.host);
    opts["port"] = host.port;
    opts["userName"] = sql::SQLString(options.user);
    opts["password"] = sql::SQLString(options.password);
    opts["schema"] = sql::SQLString(options.database);
    opts["OPT_CONNECT_TIMEOUT"] = options.connect_timeout_seconds;
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
    {
      std::unique_ptr<sql::ResultSet> rs(st->executeQuery("SELECT CONNECTION_ID()"));
      rs->next();
      server_id = rs->getInt64(1);
    }
    {
      // SHOW works on MariaDB and MySQL alike; a server without a Galera
      // provider answers an empty provider name (or no rows at all).
      std::unique_ptr<sql::ResultSet> rs(st->executeQuery(
          "SHOW GLOBAL STATUS WHERE Variable_name IN "
          "('wsrep_provider_name', 'wsrep_ready', 'wsrep_local_state')"));
      std::string provider, ready, state;
      while (rs->next()) {
        const std::string name = rs->getString(1).asStdString();
        const std::string value = rs->getString(2).asStdString();
        if (name == "wsrep_provider_name") provider = value;
        if (name == "wsrep_ready") ready = value;
        if (name == "wsrep_local_state") state = value;
      }
      galera = !provider.empty();
      // 4 is Synced: a joiner, a donor or a node outside the primary
      // component would refuse writes or lag behind.
      if (galera && (ready != "ON" || state != "4")) {
        return absl::UnavailableError(absl::StrCat("the Galera node ", host.host, ":", host.port,
                                                   " is not synced (state ", state, ")"));
      }
    }
    if (galera) st->execute("SET SESSION wsrep_sync_wait = 15");
    st->execute("COMMIT");
  } catch (const sql::SQLException& e) {
    absl::Status status = StatusOf(e);
    return absl::UnavailableError(absl::StrCat("cannot connect to MySQL at ", host.host, ":",
                                               host.port, ": ", status.message()));
  } catch (const std::exception&) {
    return absl::UnavailableError(
        absl::StrCat("cannot connect to MySQL at ", host.host, ":", host.port));
  }
  auto conn = std::unique_ptr<MysqlConnection>(new MysqlConnection(std::move(con), host_index));
  conn->server_id_ = server_id;
  conn->galera_ = galera;
  return conn;
}

template <typename T, typename F>
absl::StatusOr<T> MysqlConnection::Guard(absl::string_view sql, F&& f) {
  if (broken()) return absl::UnavailableError("the database connection is unusable");
  if (rolled_back_) return *rolled_back_;
  try {
    return f();
  } catch (const sql::SQLException& e) {
    last_code_ = e.getErrorCode();
    last_error_ = Classify(last_code_);
    absl::Status s = StatusOf(e);
    // A Galera node that aborts a local transaction for a replicated write
    // while the statement opens a table with triggers reports a parse error
    // (1064) instead of a deadlock, and that prepared statement fails the
    // same way from then on. Our statements are fixed text that parsed
    // before: the transaction re-runs on a fresh connection, and the node
    // stays in use.
    if (galera_ && last_code_ == 1064) {
      last_error_ = ErrorClass::kRetryable;
      poisoned_ = true;
      s = absl::AbortedError("mysql error 1064 (42000) on a Galera node: transaction aborted");
    }
    if (*last_error_ == ErrorClass::kRetryable) rolled_back_ = s;
    if (*last_error_ == ErrorClass::kUnavailable && !HostCannotServe(last_code_)) {
      // An error the mapping does not know: say where. The statement's text
      // has placeholders only, never the values bound.
      log::Error("unexpected database error",
                 {{"code", absl::StrCat(last_code_)},
                  {"statement", std::string(sql.substr(0, 120))}});
    }
    return s;
  } catch (const std::exception& e) {
    last_code_ = -1;
    last_error_ = ErrorClass::kUnavailable;
    return absl::UnavailableError("mysql: unexpected client error");
  }
}

sql::PreparedStatement* MysqlConnection::Prepare(absl::string_view sql) {
  auto it = stmts_.find(std::string(sql));
  if (it != stmts_.end()) return it->second.get();
  std::unique_ptr<sql::PreparedStatement> ps(con_->prepareStatement(std::string(sql)));
  return stmts_.emplace(std::string(sql), std::move(ps)).first->second.get();
}

absl::StatusOr<int64_t> MysqlConnection::Exec(absl::string_view sql,
                                              const std::vector<Value>& params) {
  return Guard<int64_t>(sql, [&]() -> int64_t {
    sql::PreparedStatement* ps = Prepare(sql);
    Bind(ps, params);
    return ps->executeUpdate();
  });
}

absl::StatusOr<std::vector<Row>> MysqlConnection::Query(absl::string_view sql,
                                                        const std::vector<Value>& params) {
  return Guard<std::vector<Row>>(sql, [&]() {
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

absl::Status MysqlConnection::Run(const std::string& sql) {
  return Guard<bool>(sql, [&]() {
           std::unique_ptr<sql::Statement> st(con_->createStatement());
           st->execute(sql);
           return true;
         })
      .status();
}

void MysqlConnection::Rollback() {
  if (broken()) return;
  rolled_back_.reset();
  // A failed ROLLBACK marks the connection broken through Guard.
  Run("ROLLBACK").IgnoreError();
}

}  // namespace iam::store::mysql
