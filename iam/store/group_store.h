// GroupStore: group rows and memberships inside a caller's transaction.
// Group names are unique per account regardless of case. Stateless.
#ifndef IAM_STORE_GROUP_STORE_H_
#define IAM_STORE_GROUP_STORE_H_

#include <vector>

#include "iam/store/database.h"
#include "iam/store/records.h"

namespace iam::store::groups {

absl::Status Insert(Tx& tx, const GroupRow& row);
absl::StatusOr<GroupRow> GetByName(Tx& tx, const std::string& account_id,
                                   const std::string& name);
absl::StatusOr<std::vector<GroupRow>> List(Tx& tx, const std::string& account_id,
                                           const std::string& after_key, int limit);
absl::Status Delete(Tx& tx, const std::string& id);

// ALREADY_EXISTS when the user is a member already.
absl::Status AddMember(Tx& tx, const std::string& account_id, const std::string& group_id,
                       const std::string& user_id, int64_t at);
// NOT_FOUND when the user is not a member.
absl::Status RemoveMember(Tx& tx, const std::string& group_id, const std::string& user_id);
// Member user ids ordered by id, after `after_user_id`.
absl::StatusOr<std::vector<std::string>> ListMemberIds(Tx& tx, const std::string& group_id,
                                                       const std::string& after_user_id,
                                                       int limit);
absl::StatusOr<std::vector<GroupRow>> ListGroupsOfUser(Tx& tx, const std::string& user_id);
absl::Status DeleteMembershipsOfUser(Tx& tx, const std::string& user_id);
absl::Status DeleteMembershipsOfGroup(Tx& tx, const std::string& group_id);
absl::Status DeleteAllOfAccount(Tx& tx, const std::string& account_id);

}  // namespace iam::store::groups

#endif  // IAM_STORE_GROUP_STORE_H_
