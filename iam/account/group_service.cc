#include "iam/account/group_service.h"

#include "iam/account/ids.h"
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
constexpr size_t kMaxDescription = 1000;

}  // namespace

absl::StatusOr<std::string> GroupService::Prepare(const Caller& caller,
                                                  const std::string& account_id,
                                                  absl::string_view action,
                                                  const std::string& group) {
  ASSIGN_OR_RETURN(std::string account, ResolveAccountId(caller, account_id));
  RETURN_IF_ERROR(text::CheckName("name", group, kMaxGroupName));
  RETURN_IF_ERROR(Authorize(ctx_, caller, action, account, IamArn(account, "group/" + group)));
  return account;
}

absl::StatusOr<store::GroupRow> GroupService::Create(const Caller& caller,
                                                     const std::string& account_id,
                                                     const std::string& name,
                                                     const std::string& description) {
  ASSIGN_OR_RETURN(std::string account, Prepare(caller, account_id, "iam:CreateGroup", name));
  RETURN_IF_ERROR(text::CheckFreeText("description", description, kMaxDescription));
  store::GroupRow row{NewGroupId(*ctx_.random), account, name, description, ctx_.NowMs()};
  RETURN_IF_ERROR(TransactAuthz(ctx_, account, [&](store::Tx& tx) -> absl::Status {
    absl::Status s = store::groups::Insert(tx, row);
    if (absl::IsAlreadyExists(s)) {
      return absl::AlreadyExistsError("name: a group of that name exists in the account");
    }
    RETURN_IF_ERROR(s);
    audit::Event e = AuditEvent(caller, account, "iam:CreateGroup", "group", row.id);
    e.detail["name"] = row.name;
    return ctx_.audit->Append(tx, e);
  }));
  return row;
}

absl::StatusOr<store::GroupRow> GroupService::Get(const Caller& caller,
                                                  const std::string& account_id,
                                                  const std::string& name) {
  ASSIGN_OR_RETURN(std::string account, Prepare(caller, account_id, "iam:GetGroup", name));
  store::GroupRow row;
  RETURN_IF_ERROR(ctx_.db->Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(row, store::groups::GetByName(tx, account, name));
    return absl::OkStatus();
  }));
  return row;
}

absl::StatusOr<Listing<store::GroupRow>> GroupService::List(const Caller& caller,
                                                            const std::string& account_id,
                                                            int page_size,
                                                            const std::string& page_token) {
  ASSIGN_OR_RETURN(std::string account, ResolveAccountId(caller, account_id));
  RETURN_IF_ERROR(Authorize(ctx_, caller, "iam:ListGroups", account, IamArn(account, "group/*")));
  ASSIGN_OR_RETURN(Page page, ParsePage(page_size, page_token, "groups"));
  Listing<store::GroupRow> out;
  RETURN_IF_ERROR(ctx_.db->Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
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
  ASSIGN_OR_RETURN(std::string account, Prepare(caller, account_id, "iam:DeleteGroup", name));
  return TransactAuthz(ctx_, account, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(store::GroupRow row, store::groups::GetByName(tx, account, name));
    RETURN_IF_ERROR(store::groups::DeleteMembershipsOfGroup(tx, row.id));
    RETURN_IF_ERROR(store::iam_policies::DeleteAllOfPrincipal(tx, {"group", row.id}));
    RETURN_IF_ERROR(store::roles::DeleteAssignmentsOf(tx, {"group", row.id}));
    RETURN_IF_ERROR(store::groups::Delete(tx, row.id));
    audit::Event e = AuditEvent(caller, account, "iam:DeleteGroup", "group", row.id);
    e.detail["name"] = row.name;
    return ctx_.audit->Append(tx, e);
  });
}

absl::Status GroupService::ChangeMember(const Caller& caller, const std::string& account_id,
                                        const std::string& group, const std::string& username,
                                        bool add) {
  const char* action = add ? "iam:AddUserToGroup" : "iam:RemoveUserFromGroup";
  ASSIGN_OR_RETURN(std::string account, Prepare(caller, account_id, action, group));
  RETURN_IF_ERROR(text::CheckName("username", username, 64));
  return TransactAuthz(ctx_, account, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(store::GroupRow g, store::groups::GetByName(tx, account, group));
    ASSIGN_OR_RETURN(store::UserRow u, store::users::GetByUsername(tx, account, username));
    RETURN_IF_ERROR(add ? store::groups::AddMember(tx, account, g.id, u.id, ctx_.NowMs())
                        : store::groups::RemoveMember(tx, g.id, u.id));
    // Joining a group gives its roles: that must not break separation of duties.
    if (add) RETURN_IF_ERROR(CheckSeparation(tx, account, u.id, u.username, {}, ctx_.NowMs()));
    audit::Event e = AuditEvent(caller, account, action, "group", g.id);
    e.detail["group"] = g.name;
    e.detail["user_id"] = u.id;
    e.detail["username"] = u.username;
    return ctx_.audit->Append(tx, e);
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
                                                            const std::string& group,
                                                            int page_size,
                                                            const std::string& page_token) {
  ASSIGN_OR_RETURN(std::string account, Prepare(caller, account_id, "iam:GetGroup", group));
  ASSIGN_OR_RETURN(Page page, ParsePage(page_size, page_token, "members"));
  std::vector<store::UserRow> rows;
  RETURN_IF_ERROR(ctx_.db->Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
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
  ASSIGN_OR_RETURN(std::string account, ResolveAccountId(caller, account_id));
  RETURN_IF_ERROR(Authorize(ctx_, caller, "iam:ListGroupsForUser", account,
                            IamArn(account, "user/" + username)));
  RETURN_IF_ERROR(text::CheckName("username", username, 64));
  std::vector<store::GroupRow> out;
  RETURN_IF_ERROR(ctx_.db->Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(store::UserRow u, store::users::GetByUsername(tx, account, username));
    ASSIGN_OR_RETURN(out, store::groups::ListGroupsOfUser(tx, u.id));
    return absl::OkStatus();
  }));
  return out;
}

}  // namespace iam::account
