// Which of a user's live sessions must end so that one more fits the
// account's concurrent-login limits: first the oldest of the new session's
// client type (over that type's limit), then the oldest of any type (over
// the per-user limit). Pure.
#ifndef IAM_SESSION_EVICTION_H_
#define IAM_SESSION_EVICTION_H_

#include <string>
#include <vector>

#include "iam/store/auth_records.h"

namespace iam::session {

// `live` is oldest first; limits of 0 mean none. Answers indices into
// `live`, in the order the sessions should end.
std::vector<size_t> SessionsToEvict(const std::vector<store::SessionRow>& live,
                                    const std::string& client_type, int max_of_type,
                                    int max_per_user);

}  // namespace iam::session

#endif  // IAM_SESSION_EVICTION_H_
