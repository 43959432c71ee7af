#include "iam/account/role_service.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
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

constexpr size_t kMaxRulesRoles = 20;

}  // namespace

absl::Status CheckPrincipalName(const PrincipalName& p, bool allow_role) {
  if (p.type != store::PrincipalType::kUser && p.type != store::PrincipalType::kGroup &&
      !(allow_role && p.type == store::PrincipalType::kRole)) {
    return absl::InvalidArgumentError(allow_role ? "principal: a user, a group or a role"
                                                 : "principal: a user or a group");
  }
  return text::CheckName(absl::StrCat(store::Name(p.type), "_name"), p.name,
                         p.type == store::PrincipalType::kRole ? kMaxRoleName : 128);
}

absl::StatusOr<store::PrincipalRef> ResolvePrincipal(store::Tx& tx, const std::string& account_id,
                                                     const PrincipalName& p) {
  if (p.type == store::PrincipalType::kUser) {
    ASSIGN_OR_RETURN(store::UserRow u, store::users::GetByUsername(tx, account_id, p.name));
    return store::PrincipalRef{store::PrincipalType::kUser, u.id};
  }
  if (p.type == store::PrincipalType::kGroup) {
    ASSIGN_OR_RETURN(store::GroupRow g, store::groups::GetByName(tx, account_id, p.name));
    return store::PrincipalRef{store::PrincipalType::kGroup, g.id};
  }
  if (p.type == store::PrincipalType::kRole) {
    ASSIGN_OR_RETURN(store::RoleRow r, store::roles::GetByName(tx, account_id, p.name));
    return store::PrincipalRef{store::PrincipalType::kRole, r.id};
  }
  return absl::InvalidArgumentError("principal: a user, a group or a role");
}

Operation RoleService::On(absl::string_view action, const std::string& account_id,
                          const std::string& role) {
  Operation op{std::string(action), account_id, "role/" + role};
  op.Check(text::CheckName("role", role, kMaxRoleName));
  return op;
}

absl::StatusOr<RoleAssignmentView> RoleService::ViewOf(store::Tx& tx, const std::string& role_name,
                                                       const store::RoleAssignmentRow& a) const {
  RoleAssignmentView v{role_name,     {a.principal.type, ""},
                       a.expires_at,  a.assigned_at,
                       a.assigned_by, a.expires_at && *a.expires_at <= clock_.NowMs()};
  if (a.principal.type == store::PrincipalType::kUser) {
    ASSIGN_OR_RETURN(store::UserRow u, store::users::Get(tx, a.principal.id));
    v.principal.name = u.username;
  } else {
    auto rows = tx.Query("SELECT name FROM user_groups WHERE id = ?", {a.principal.id});
    if (!rows.ok()) return rows.status();
    v.principal.name = rows->empty() ? a.principal.id : (*rows)[0].Str(0);
  }
  return v;
}

absl::StatusOr<RoleView> RoleService::Create(const Caller& caller, const std::string& account_id,
                                             const std::string& name,
                                             const std::string& description) {
  Operation op = On("iam:CreateRole", account_id, name);
  op.Check(text::CheckFreeText("description", description, text::kMaxDescriptionChars));
  RoleView view;
  RETURN_IF_ERROR(mutations_.Run(caller, op,
      [&](store::Tx& tx, const std::string& account, audit::Event& record) -> absl::Status {
        view = {store::RoleRow{NewRoleId(random_), account, name, description, clock_.NowMs()},
                RoleArn(account, name),
                {}};
        absl::Status s = store::roles::Insert(tx, view.row);
        if (absl::IsAlreadyExists(s)) {
          return absl::AlreadyExistsError("name: a role of that name exists in the account");
        }
        RETURN_IF_ERROR(s);
        record.Object("role", view.row.id);
        record.detail["name"] = name;
        record.detail["description"] = description;
        return absl::OkStatus();
      }));
  return view;
}

absl::StatusOr<RoleView> RoleService::Get(const Caller& caller, const std::string& account_id,
                                          const std::string& name) {
  ASSIGN_OR_RETURN(std::string account, mutations_.Admit(caller, On("iam:GetRole", account_id, name)));
  RoleView view;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(view.row, store::roles::GetByName(tx, account, name));
    view.arn = RoleArn(account, view.row.name);
    ASSIGN_OR_RETURN(auto rows, store::roles::ListAssignmentsOfRole(tx, view.row.id));
    view.assignments.clear();
    for (const auto& a : rows) {
      ASSIGN_OR_RETURN(auto v, ViewOf(tx, view.row.name, a));
      view.assignments.push_back(std::move(v));
    }
    return absl::OkStatus();
  }));
  return view;
}

absl::StatusOr<Listing<RoleView>> RoleService::List(const Caller& caller,
                                                    const std::string& account_id, int page_size,
                                                    const std::string& page_token) {
  ASSIGN_OR_RETURN(std::string account,
                   mutations_.Admit(caller, {"iam:ListRoles", account_id, "role/*"}));
  ASSIGN_OR_RETURN(Page page, ParsePage(page_size, page_token, "roles"));
  std::vector<store::RoleRow> rows;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(rows, store::roles::List(tx, account, page.after, page.size + 1));
    return absl::OkStatus();
  }));
  Listing<RoleView> out;
  if (static_cast<int>(rows.size()) > page.size) {
    rows.resize(page.size);
    out.next_page_token = PageToken("roles", text::AsciiLower(rows.back().name));
  }
  for (auto& r : rows) {
    std::string arn = RoleArn(account, r.name);
    out.items.push_back(RoleView{std::move(r), std::move(arn), {}});
  }
  return out;
}

absl::Status RoleService::Delete(const Caller& caller, const std::string& account_id,
                                 const std::string& name) {
  return mutations_.Run(caller, On("iam:DeleteRole", account_id, name),
      [&](store::Tx& tx, const std::string& account, audit::Event& record) -> absl::Status {
        ASSIGN_OR_RETURN(store::RoleRow role, store::roles::GetByName(tx, account, name));
        ASSIGN_OR_RETURN(auto rules, store::roles::ListSodRules(tx, account));
        for (const auto& rule : rules) {
          if (std::find(rule.role_ids.begin(), rule.role_ids.end(), role.id) !=
              rule.role_ids.end()) {
            return absl::FailedPreconditionError(absl::StrCat(
                "separation-of-duties rule ", rule.name, " names the role; delete it first"));
          }
        }
        ASSIGN_OR_RETURN(auto assignments, store::roles::ListAssignmentsOfRole(tx, role.id));
        RETURN_IF_ERROR(
            store::iam_policies::DeleteAllOfPrincipal(tx, {store::PrincipalType::kRole, role.id}));
        RETURN_IF_ERROR(store::roles::Delete(tx, role.id));
        record.Object("role", role.id);
        record.detail["name"] = role.name;
        record.detail["assignments_removed"] = assignments.size();
        return absl::OkStatus();
      });
}

absl::StatusOr<RoleAssignmentView> RoleService::Assign(const Caller& caller,
                                                       const std::string& account_id,
                                                       const std::string& role,
                                                       const PrincipalName& to,
                                                       const AssignmentExpiry& expiry) {
  Operation op = On("iam:AssignRole", account_id, role);
  op.Check(CheckPrincipalName(to, false));
  const int64_t now = clock_.NowMs();
  std::optional<int64_t> expires_at = expiry.at_ms;
  if (expiry.at_ms && expiry.duration_seconds != 0) {
    op.Check(absl::InvalidArgumentError("expire_time: give it or duration_seconds, not both"));
  } else if (expiry.duration_seconds != 0) {
    if (expiry.duration_seconds < 0 || expiry.duration_seconds > kMaxAssignmentMs / 1000) {
      op.Check(absl::InvalidArgumentError("duration_seconds: between 1 and 366 days"));
    }
    expires_at = now + expiry.duration_seconds * 1000;
  }
  if (expires_at && *expires_at <= now) {
    op.Check(absl::InvalidArgumentError("expire_time: must lie in the future"));
  }
  if (expires_at && *expires_at - now > kMaxAssignmentMs) {
    op.Check(absl::InvalidArgumentError("expire_time: at most 366 days ahead"));
  }
  RoleAssignmentView view;
  RETURN_IF_ERROR(mutations_.Run(caller, op,
      [&](store::Tx& tx, const std::string& account, audit::Event& record) -> absl::Status {
        ASSIGN_OR_RETURN(store::RoleRow r, store::roles::GetByName(tx, account, role));
        ASSIGN_OR_RETURN(store::PrincipalRef p, ResolvePrincipal(tx, account, to));
        // Everyone who would hold the role must stay within the rules.
        if (p.type == store::PrincipalType::kUser) {
          RETURN_IF_ERROR(CheckSeparation(tx, account, p.id, to.name, {r.id}, now));
        } else {
          ASSIGN_OR_RETURN(auto members, store::groups::ListMemberIds(tx, p.id, "", 1 << 30));
          for (const std::string& uid : members) {
            ASSIGN_OR_RETURN(store::UserRow u, store::users::Get(tx, uid));
            RETURN_IF_ERROR(CheckSeparation(tx, account, uid, u.username, {r.id}, now));
          }
        }
        store::RoleAssignmentRow row{
            r.id, p, account, expires_at, now, caller.user_id.empty() ? "iamd" : caller.Arn()};
        RETURN_IF_ERROR(store::roles::Assign(tx, row));
        ASSIGN_OR_RETURN(view, ViewOf(tx, r.name, row));
        record.Object("role", r.id);
        record.detail["role"] = r.name;
        record.detail["principal_type"] = store::Name(to.type);
        record.detail["principal"] = view.principal.name;
        if (expires_at) record.detail["expires_at"] = *expires_at;
        return absl::OkStatus();
      }));
  return view;
}

absl::Status RoleService::Unassign(const Caller& caller, const std::string& account_id,
                                   const std::string& role, const PrincipalName& from) {
  Operation op = On("iam:UnassignRole", account_id, role);
  op.Check(CheckPrincipalName(from, false));
  return mutations_.Run(caller, op,
      [&](store::Tx& tx, const std::string& account, audit::Event& record) -> absl::Status {
        ASSIGN_OR_RETURN(store::RoleRow r, store::roles::GetByName(tx, account, role));
        ASSIGN_OR_RETURN(store::PrincipalRef p, ResolvePrincipal(tx, account, from));
        RETURN_IF_ERROR(store::roles::Unassign(tx, r.id, p));
        record.Object("role", r.id);
        record.detail["role"] = r.name;
        record.detail["principal_type"] = store::Name(from.type);
        record.detail["principal"] = from.name;
        return absl::OkStatus();
      });
}

absl::StatusOr<std::vector<HeldRole>> RoleService::ListHeld(const Caller& caller,
                                                            const std::string& account_id,
                                                            const std::string& username) {
  Operation op{"iam:ListRolesForUser", account_id, "user/" + username};
  op.Check(text::CheckName("username", username, 64));
  ASSIGN_OR_RETURN(std::string account, mutations_.Admit(caller, op));
  std::vector<HeldRole> out;
  const int64_t now = clock_.NowMs();
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    out.clear();
    ASSIGN_OR_RETURN(store::UserRow u, store::users::GetByUsername(tx, account, username));
    auto add = [&](const std::vector<store::RoleAssignmentRow>& rows,
                   const std::string& via) -> absl::Status {
      for (const auto& a : rows) {
        if (a.expires_at && *a.expires_at <= now) continue;
        ASSIGN_OR_RETURN(store::RoleRow r, store::roles::Get(tx, a.role_id));
        out.push_back(HeldRole{r.name, via, a.expires_at});
      }
      return absl::OkStatus();
    };
    ASSIGN_OR_RETURN(auto direct,
                     store::roles::ListAssignmentsOf(tx, {store::PrincipalType::kUser, u.id}));
    RETURN_IF_ERROR(add(direct, ""));
    ASSIGN_OR_RETURN(auto groups, store::groups::ListGroupsOfUser(tx, u.id));
    for (const auto& g : groups) {
      ASSIGN_OR_RETURN(auto rows,
                       store::roles::ListAssignmentsOf(tx, {store::PrincipalType::kGroup, g.id}));
      RETURN_IF_ERROR(add(rows, g.name));
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<SodRuleView> RoleService::CreateSodRule(const Caller& caller,
                                                       const std::string& account_id,
                                                       const std::string& name,
                                                       const std::vector<std::string>& roles) {
  Operation op = OnRule("iam:CreateSeparationOfDutiesRule", account_id, name);
  if (roles.size() < 2 || roles.size() > kMaxRulesRoles) {
    op.Check(absl::InvalidArgumentError(
        absl::StrCat("roles: between 2 and ", kMaxRulesRoles, " roles")));
  }
  for (size_t i = 0; i < roles.size(); ++i) {
    op.Check(text::CheckName(absl::StrCat("roles[", i, "]"), roles[i], kMaxRoleName));
  }
  SodRuleView view{name, {}, clock_.NowMs()};
  RETURN_IF_ERROR(mutations_.Run(caller, op,
      [&](store::Tx& tx, const std::string& account, audit::Event& record) -> absl::Status {
        store::SodRuleRow row{NewRuleId(random_), account, name, {}, view.created_at};
        view.roles.clear();
        for (size_t i = 0; i < roles.size(); ++i) {
          auto r = store::roles::GetByName(tx, account, roles[i]);
          if (absl::IsNotFound(r.status())) {
            return absl::NotFoundError(absl::StrCat("roles[", i, "]: role not found"));
          }
          RETURN_IF_ERROR(r.status());
          if (std::find(row.role_ids.begin(), row.role_ids.end(), r->id) != row.role_ids.end()) {
            return absl::InvalidArgumentError(absl::StrCat("roles[", i, "]: named twice"));
          }
          row.role_ids.push_back(r->id);
          view.roles.push_back(r->name);
        }
        absl::Status s = store::roles::InsertSodRule(tx, row);
        if (absl::IsAlreadyExists(s)) {
          return absl::AlreadyExistsError("name: a rule of that name exists in the account");
        }
        RETURN_IF_ERROR(s);
        // A rule that current holdings already break would be a lie: refuse it.
        ASSIGN_OR_RETURN(auto users, store::users::List(tx, account, "", 1 << 30));
        for (const auto& u : users) {
          RETURN_IF_ERROR(CheckSeparation(tx, account, u.id, u.username, {}, clock_.NowMs()));
        }
        record.Object("sod-rule", row.id);
        record.detail["name"] = name;
        record.detail["roles"] = view.roles;
        return absl::OkStatus();
      }));
  return view;
}

absl::StatusOr<std::vector<SodRuleView>> RoleService::ListSodRules(const Caller& caller,
                                                                   const std::string& account_id) {
  ASSIGN_OR_RETURN(
      std::string account,
      mutations_.Admit(caller, {"iam:ListSeparationOfDutiesRules", account_id, "sod-rule/*"}));
  std::vector<SodRuleView> out;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    out.clear();
    ASSIGN_OR_RETURN(auto rules, store::roles::ListSodRules(tx, account));
    for (const auto& rule : rules) {
      SodRuleView v{rule.name, {}, rule.created_at};
      for (const std::string& id : rule.role_ids) {
        auto r = store::roles::Get(tx, id);
        v.roles.push_back(r.ok() ? r->name : id);
      }
      out.push_back(std::move(v));
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::Status RoleService::DeleteSodRule(const Caller& caller, const std::string& account_id,
                                        const std::string& name) {
  return mutations_.Run(caller, OnRule("iam:DeleteSeparationOfDutiesRule", account_id, name),
      [&](store::Tx& tx, const std::string& account, audit::Event& record) -> absl::Status {
        RETURN_IF_ERROR(store::roles::DeleteSodRule(tx, account, name));
        record.Object("sod-rule", name);
        record.detail["name"] = name;
        return absl::OkStatus();
      });
}

Operation RoleService::OnRule(absl::string_view action, const std::string& account_id,
                              const std::string& rule) {
  Operation op{std::string(action), account_id, "sod-rule/" + rule};
  op.Check(text::CheckName("name", rule, kMaxRoleName));
  return op;
}

}  // namespace iam::account
