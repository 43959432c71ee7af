// The SQL migrations of each backend, embedded at build time from
// schemas/<backend>/NNNN_name.sql, in version order.
#ifndef IAM_SCHEMAS_MIGRATIONS_H_
#define IAM_SCHEMAS_MIGRATIONS_H_

#include <vector>

#include "iam/store/database.h"

namespace iam::schemas {

const std::vector<store::Migration>& sqlite_migrations();
const std::vector<store::Migration>& mysql_migrations();

}  // namespace iam::schemas

#endif  // IAM_SCHEMAS_MIGRATIONS_H_
