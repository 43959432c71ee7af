// Parsing of "mysql://user:password@host:port[,host:port...]/database?pool=8"
// into options. Several hosts name the nodes of one Galera cluster, in order
// of preference: every replica should list them in the same order, since
// writes go to the first one up. `read_host=host:port` (one of the hosts)
// sends read transactions to the replica's nearest node. Percent-escapes in
// user and password are decoded. Pure.
#ifndef IAM_STORE_MYSQL_MYSQL_URL_H_
#define IAM_STORE_MYSQL_MYSQL_URL_H_

#include "absl/strings/string_view.h"
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace iam::store::mysql {

struct MysqlHost {
  std::string host;
  int port = 3306;
};

struct MysqlOptions {
  std::vector<MysqlHost> hosts;  // at least one; the first is preferred
  std::string user;
  std::string password;
  std::string database;
  // Which of the hosts read transactions go to first; 0 reads where writes go.
  int read_host = 0;
  // Connections per pool (writes, and reads when read_host is another host).
  int pool_size = 8;
  int connect_timeout_seconds = 5;
  // How long a host that failed is passed over before it is tried again.
  int host_retry_ms = 2000;
};

// INVALID_ARGUMENT naming the part that is wrong; the password is never
// part of a message.
absl::StatusOr<MysqlOptions> ParseMysqlUrl(absl::string_view url);

}  // namespace iam::store::mysql

#endif  // IAM_STORE_MYSQL_MYSQL_URL_H_
