// Separation of duties: an account's rules naming sets of roles no user
// may hold more than one of. The check runs inside the transaction that
// would give a user a role (assigning it to the user or to a group the
// user is in, or adding the user to such a group), so two concurrent
// grants cannot both slip through on either backend: each re-reads the
// holdings under its write lock.
#ifndef IAM_ACCOUNT_SEPARATION_OF_DUTIES_H_
#define IAM_ACCOUNT_SEPARATION_OF_DUTIES_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "iam/store/database.h"

namespace iam::account {

// FAILED_PRECONDITION naming the rule and the two roles when the user, at
// `now`, holds (or with `extra_role_ids` would hold) two roles of one rule.
absl::Status CheckSeparation(store::Tx& tx, const std::string& account_id,
                             const std::string& user_id, const std::string& username,
                             const std::vector<std::string>& extra_role_ids, int64_t now);

}  // namespace iam::account

#endif  // IAM_ACCOUNT_SEPARATION_OF_DUTIES_H_
