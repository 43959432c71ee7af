// Parsing of "mysql://user:password@host:port/database?pool=8" into options.
// Percent-escapes in user and password are decoded. Pure function.
#ifndef IAM_STORE_MYSQL_MYSQL_URL_H_
#define IAM_STORE_MYSQL_MYSQL_URL_H_

#include "absl/strings/string_view.h"
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace iam::store::mysql {

struct MysqlOptions {
  std::string host = "127.0.0.1";
  int port = 3306;
  std::string user;
  std::string password;
  std::string database;
  int pool_size = 8;
  int connect_timeout_seconds = 5;
};

// INVALID_ARGUMENT naming the part that is wrong; the password is never
// part of a message.
absl::StatusOr<MysqlOptions> ParseMysqlUrl(absl::string_view url);

}  // namespace iam::store::mysql

#endif  // IAM_STORE_MYSQL_MYSQL_URL_H_
