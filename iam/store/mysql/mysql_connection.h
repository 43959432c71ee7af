// One server connection, its prepared statements, and what its last error
// said about it. Used by one thread at a time; no exception leaves it.
#ifndef IAM_STORE_MYSQL_MYSQL_CONNECTION_H_
#define IAM_STORE_MYSQL_MYSQL_CONNECTION_H_

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/status/statusor.h"
#include "iam/store/database.h"
#include "iam/store/mysql/mysql_errors.h"
#include "iam/store/mysql/mysql_url.h"

namespace sql {
class Connection;
class PreparedStatement;
}  // namespace sql

namespace iam::store::mysql {

class MysqlConnection final : public Tx {
 public:
  // Connects to one host and sets the session up. On a Galera node, refuses
  // a node that is not ready and synced (UNAVAILABLE), and makes reads
  // causal (wsrep_sync_wait), so a read sees every write committed on any
  // node before it began.
  static absl::StatusOr<std::unique_ptr<MysqlConnection>> Connect(const MysqlOptions& options,
                                                                  int host_index);
  ~MysqlConnection() override;

  absl::StatusOr<int64_t> Exec(absl::string_view sql, const std::vector<Value>& params) override;
  absl::StatusOr<std::vector<Row>> Query(absl::string_view sql,
                                         const std::vector<Value>& params) override;

  // Runs one static statement (transaction control, DDL).
  absl::Status Run(const std::string& sql);
  // COMMIT as a statement, so that the server's refusal is seen: the client
  // library's commit() ignores the result of mysql_commit().
  absl::Status Commit() { return Run("COMMIT"); }
  void Rollback();

  int host_index() const { return host_index_; }
  int64_t server_id() const { return server_id_; }
  bool galera() const { return galera_; }
  // The class of the last error seen, if any statement failed.
  std::optional<ErrorClass> last_error() const { return last_error_; }
  int last_error_code() const { return last_code_; }
  // Never pooled again: the connection is gone or its server cannot serve.
  bool broken() const { return poisoned_ || (last_error_ && !KeepsConnection(*last_error_)); }
  void clear_error() {
    if (!broken()) last_error_.reset();
  }

 private:
  MysqlConnection(std::unique_ptr<sql::Connection> con, int host_index);
  template <typename T, typename F>
  absl::StatusOr<T> Guard(absl::string_view sql, F&& f);
  sql::PreparedStatement* Prepare(absl::string_view sql);

  std::unique_ptr<sql::Connection> con_;
  std::unordered_map<std::string, std::unique_ptr<sql::PreparedStatement>> stmts_;
  int host_index_;
  int64_t server_id_ = 0;
  bool galera_ = false;
  std::optional<ErrorClass> last_error_;
  // Set when the server rolled the transaction back (deadlock, Galera
  // certification or brute-force abort): every later statement of the
  // transaction, COMMIT included, is refused until Rollback(). Without it a
  // caller that tolerated the error would go on in a new implicit
  // transaction and commit half of its work.
  std::optional<absl::Status> rolled_back_;
  // Never reused, though its host is fine (see the Galera case in Guard).
  bool poisoned_ = false;
  int last_code_ = 0;
};

}  // namespace iam::store::mysql

#endif  // IAM_STORE_MYSQL_MYSQL_CONNECTION_H_
