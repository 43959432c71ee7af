// OpenDatabase: from a store URL ("sqlite:///path", "mysql://...") to a
// migrated Database. The one place that knows both backends.
#ifndef IAM_STORE_OPEN_DATABASE_H_
#define IAM_STORE_OPEN_DATABASE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "iam/store/database.h"

namespace iam::store {

struct OpenOptions {
  int pool_size = 8;
  bool migrate = true;
  int64_t now_ms = 0;  // recorded with each applied migration
};

// INVALID_ARGUMENT for a malformed URL; UNAVAILABLE when the database cannot
// be reached; FAILED_PRECONDITION when its schema is newer than this binary.
absl::StatusOr<std::unique_ptr<Database>> OpenDatabase(const std::string& url,
                                                       const OpenOptions& options);

}  // namespace iam::store

#endif  // IAM_STORE_OPEN_DATABASE_H_
