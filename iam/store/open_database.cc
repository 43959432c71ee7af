#include "iam/store/open_database.h"

#include "iam/common/status_macros.h"
#include "iam/store/mysql/mysql_database.h"
#include "iam/store/sqlite/sqlite_database.h"
#include "schemas/migrations.h"

namespace iam::store {

absl::StatusOr<std::unique_ptr<Database>> OpenDatabase(const std::string& url,
                                                       const OpenOptions& options) {
  std::unique_ptr<Database> db;
  const std::vector<Migration>* migrations = nullptr;
  if (url.rfind("sqlite://", 0) == 0) {
    sqlite::SqliteOptions o;
    o.path = url.substr(9);
    if (o.path.empty()) return absl::InvalidArgumentError("sqlite url: the path is missing");
    o.pool_size = options.pool_size;
    ASSIGN_OR_RETURN(db, sqlite::SqliteDatabase::Open(o));
    migrations = &schemas::sqlite_migrations();
  } else if (url.rfind("mysql://", 0) == 0) {
    ASSIGN_OR_RETURN(mysql::MysqlOptions o, mysql::ParseMysqlUrl(url));
    if (url.find("pool=") == std::string::npos) o.pool_size = options.pool_size;
    ASSIGN_OR_RETURN(db, mysql::MysqlDatabase::Open(o));
    migrations = &schemas::mysql_migrations();
  } else {
    return absl::InvalidArgumentError("store url: must start with sqlite:// or mysql://");
  }
  if (options.migrate) RETURN_IF_ERROR(db->Migrate(*migrations, options.now_ms));
  return db;
}

}  // namespace iam::store
