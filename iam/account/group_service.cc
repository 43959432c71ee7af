#include "iam/account/group_service.h"

#include "iam/account/ids.h"
#include "iam/account/mutation.h"
#include "iam/account/paging.h"
#include "iam/account/separation_of_duties.h"
#include "iam/common/status_macros.h"
#include "iam/common/text.h"
#include "iam/store/group_store.h"
#include "iam/store/iam_policy_store.h"
#include "iam/store/role_store.h"
#include "iam/store/user_store.h"

namespace iam::account {
namespace {

constexpr size_t kMaxGroupName = 128;

}  // namespace

Operation GroupService::On(absl::string_view action, const std::string& account_id,
                           const std::string& group) {
  Operation op{std::string(action), account_id, "group/" + group};
  op.Check(text::CheckName("name", group, kMaxGroupName));
  return op;
}

absl::StatusOr<store::GroupRow> GroupService::Create(const Caller& caller,
                                                     const std::string& account_id,
                                                     const std::string& name,
                                                     const std::string& description) {
  Operation op = On("iam:CreateGroup", account_id, name);
  op.Check(text::CheckFreeText("description", description, text::kMaxDescriptionChars));
  store::GroupRow row;
  RETURN_IF_ERROR(mutations_.Run(caller, op,
      [&](store::Tx& tx, const std::string& account, audit::Event& record) -> absl::Status {
        row = {NewGroupId(random_), account, name, description, clock_.NowMs()};
        absl::Status s = store::groups::Insert(tx, row);
        if (absl::IsAlreadyExists(s)) {
          return absl::AlreadyExistsError("name: a group of that name exists in the account");
        }
        RETURN_IF_ERROR(s);
        record.Object("group", row.id);
        record.detail["name"] = row.name;
        return absl::OkStatus();
      }));
  return row;
}

absl::StatusOr<store::GroupRow> GroupService::Get(const Caller& caller,
                                                  const std::string& account_id,
                                                  const std::string& name) {
  ASSIGN_OR_RETURN(std::string account, mutations_.Admit(caller, On("iam:GetGroup", account_id, name)));
  store::GroupRow row;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(row, store::groups::GetByName(tx, account, name));
    return absl::OkStatus();
  }));
  return row;
}

absl::StatusOr<Listing<store::GroupRow>> GroupService::List(const Caller& caller,
                                                            const std::string& account_id,
                                                            int page_size,
                                                            const std::string& page_token) {
  ASSIGN_OR_RETURN(std::string account,
                   mutations_.Admit(caller, {"iam:ListGroups", account_id, "group/*"}));
  ASSIGN_OR_RETURN(Page page, ParsePage(page_size, page_token, "groups"));
  Listing<store::GroupRow> out;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(out.items, store::groups::List(tx, account, page.after, page.size + 1));
    return absl::OkStatus();
  }));
  if (static_cast<int>(out.items.size()) > page.size) {
    out.items.resize(page.size);
    out.next_page_token = PageToken("groups", text::AsciiLower(out.items.back().name));
  }
  return out;
}

absl::Status GroupService::Delete(const Caller& caller, const std::string& account_id,
                                  const std::string& name) {
  return mutations_.Run(caller, On("iam:DeleteGroup", account_id, name),
      [&](store::Tx& tx, const std::string& account, audit::Event& record) -> absl::Status {
        ASSIGN_OR_RETURN(store::GroupRow row, store::groups::GetByName(tx, account, name));
        RETURN_IF_ERROR(store::groups::DeleteMembershipsOfGroup(tx, row.id));
        RETURN_IF_ERROR(
            store::iam_policies::DeleteAllOfPrincipal(tx, {store::PrincipalType::kGroup, row.id}));
        RETURN_IF_ERROR(
            store::roles::DeleteAssignmentsOf(tx, {store::PrincipalType::kGroup, row.id}));
        RETURN_IF_ERROR(store::groups::Delete(tx, row.id));
        record.Object("group", row.id);
        record.detail["name"] = row.name;
        return absl::OkStatus();
      });
}

absl::Status GroupService::ChangeMember(const Caller& caller, const std::string& account_id,
                                        const std::string& group, const std::string& username,
                                        bool add) {
  Operation op = On(add ? "iam:AddUserToGroup" : "iam:RemoveUserFromGroup", account_id, group);
  op.Check(text::CheckName("username", username, 64));
  return mutations_.Run(caller, op,
      [&](store::Tx& tx, const std::string& account, audit::Event& record) -> absl::Status {
        ASSIGN_OR_RETURN(store::GroupRow g, store::groups::GetByName(tx, account, group));
        ASSIGN_OR_RETURN(store::UserRow u, store::users::GetByUsername(tx, account, username));
        RETURN_IF_ERROR(add ? store::groups::AddMember(tx, account, g.id, u.id, clock_.NowMs())
                            : store::groups::RemoveMember(tx, g.id, u.id));
        // Joining a group gives its roles: that must not break separation of duties.
        if (add) RETURN_IF_ERROR(CheckSeparation(tx, account, u.id, u.username, {}, clock_.NowMs()));
        record.Object("group", g.id);
        record.detail["group"] = g.name;
        record.detail["user_id"] = u.id;
        record.detail["username"] = u.username;
        return absl::OkStatus();
      });
}

absl::Status GroupService::AddMember(const Caller& caller, const std::string& account_id,
                                     const std::string& group, const std::string& username) {
  return ChangeMember(caller, account_id, group, username, true);
}

absl::Status GroupService::RemoveMember(const Caller& caller, const std::string& account_id,
                                        const std::string& group, const std::string& username) {
  return ChangeMember(caller, account_id, group, username, false);
}

absl::StatusOr<Listing<UserView>> GroupService::ListMembers(const Caller& caller,
                                                            const std::string& account_id,
                                                            const std::string& group, int page_size,
                                                            const std::string& page_token) {
  ASSIGN_OR_RETURN(std::string account, mutations_.Admit(caller, On("iam:GetGroup", account_id, group)));
  ASSIGN_OR_RETURN(Page page, ParsePage(page_size, page_token, "members"));
  std::vector<store::UserRow> rows;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    rows.clear();
    ASSIGN_OR_RETURN(store::GroupRow g, store::groups::GetByName(tx, account, group));
    ASSIGN_OR_RETURN(auto ids, store::groups::ListMemberIds(tx, g.id, page.after, page.size + 1));
    for (const std::string& id : ids) {
      ASSIGN_OR_RETURN(store::UserRow u, store::users::Get(tx, id));
      rows.push_back(std::move(u));
    }
    return absl::OkStatus();
  }));
  Listing<UserView> out;
  if (static_cast<int>(rows.size()) > page.size) {
    rows.resize(page.size);
    out.next_page_token = PageToken("members", rows.back().id);
  }
  for (const auto& r : rows) {
    ASSIGN_OR_RETURN(UserView v, users_.View(r, false));
    out.items.push_back(std::move(v));
  }
  return out;
}

absl::StatusOr<std::vector<store::GroupRow>> GroupService::ListUserGroups(
    const Caller& caller, const std::string& account_id, const std::string& username) {
  Operation op{"iam:ListGroupsForUser", account_id, "user/" + username};
  op.Check(text::CheckName("username", username, 64));
  ASSIGN_OR_RETURN(std::string account, mutations_.Admit(caller, op));
  std::vector<store::GroupRow> out;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(store::UserRow u, store::users::GetByUsername(tx, account, username));
    ASSIGN_OR_RETURN(out, store::groups::ListGroupsOfUser(tx, u.id));
    return absl::OkStatus();
  }));
  return out;
}

}  // namespace iam::account
