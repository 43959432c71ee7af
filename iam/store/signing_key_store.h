// SigningKeyStore: the token signing keys (private halves sealed under the
// master key), and the row lock that serialises rotations across replicas.
#ifndef IAM_STORE_SIGNING_KEY_STORE_H_
#define IAM_STORE_SIGNING_KEY_STORE_H_

#include <vector>

#include "iam/store/auth_records.h"
#include "iam/store/database.h"

namespace iam::store::signing_keys {

absl::Status LockRotation(Tx& tx);
absl::Status Insert(Tx& tx, const SigningKeyRow& row);
// Keys still published at `now` (active, or retired and not yet expired),
// newest first.
absl::StatusOr<std::vector<SigningKeyRow>> ListPublished(Tx& tx, int64_t now);
absl::Status Retire(Tx& tx, const std::string& kid, int64_t at, int64_t publish_until);
absl::StatusOr<int64_t> DeleteExpired(Tx& tx, int64_t now);

}  // namespace iam::store::signing_keys

#endif  // IAM_STORE_SIGNING_KEY_STORE_H_
