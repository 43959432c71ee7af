// GroupService: groups of users within an account, and their members.
// Every change runs through Mutations::Run (mutation.h). Thread-safe.
#ifndef IAM_ACCOUNT_GROUP_SERVICE_H_
#define IAM_ACCOUNT_GROUP_SERVICE_H_

#include "absl/strings/string_view.h"
#include "iam/account/mutation.h"
#include "iam/account/common.h"
#include "iam/account/user_service.h"
#include "iam/store/records.h"

namespace iam::account {

class GroupService {
 public:
  GroupService(store::Database& db, const Clock& clock, Random& random,
               const Mutations& mutations, const UserService& users)
      : db_(db), clock_(clock), random_(random), mutations_(mutations), users_(users) {}

  absl::StatusOr<store::GroupRow> Create(const Caller& caller, const std::string& account_id,
                                         const std::string& name, const std::string& description);
  absl::StatusOr<store::GroupRow> Get(const Caller& caller, const std::string& account_id,
                                      const std::string& name);
  absl::StatusOr<Listing<store::GroupRow>> List(const Caller& caller,
                                                const std::string& account_id, int page_size,
                                                const std::string& page_token);
  // Removes the group and its memberships.
  absl::Status Delete(const Caller& caller, const std::string& account_id,
                      const std::string& name);
  // ALREADY_EXISTS when a member already; NOT_FOUND for an unknown group or user.
  absl::Status AddMember(const Caller& caller, const std::string& account_id,
                         const std::string& group, const std::string& username);
  absl::Status RemoveMember(const Caller& caller, const std::string& account_id,
                            const std::string& group, const std::string& username);
  absl::StatusOr<Listing<UserView>> ListMembers(const Caller& caller,
                                                const std::string& account_id,
                                                const std::string& group, int page_size,
                                                const std::string& page_token);
  absl::StatusOr<std::vector<store::GroupRow>> ListUserGroups(const Caller& caller,
                                                              const std::string& account_id,
                                                              const std::string& username);

 private:
  // An operation on one group, its name checked.
  static Operation On(absl::string_view action, const std::string& account_id,
                      const std::string& group);
  absl::Status ChangeMember(const Caller& caller, const std::string& account_id,
                            const std::string& group, const std::string& username, bool add);

  store::Database& db_;
  const Clock& clock_;
  Random& random_;
  const Mutations& mutations_;
  const UserService& users_;
};

}  // namespace iam::account

#endif  // IAM_ACCOUNT_GROUP_SERVICE_H_
