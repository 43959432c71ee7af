#include "iam/authz/permissions_export.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "iam/common/status_macros.h"
#include "iam/store/resource_store.h"
#include "iam/store/user_store.h"

namespace iam::authz {
namespace {

std::string PolicyName(const BoundPolicy& p) { return p.arn.empty() ? p.name : p.arn; }

void AddGrants(const BoundPolicy& p, const std::string& via, std::vector<GrantLine>* out) {
  for (const policy::Statement& st : p.policy->statements) {
    GrantLine g;
    g.via = via;
    g.policy = PolicyName(p);
    g.effect = st.effect == policy::Effect::kAllow ? "Allow" : "Deny";
    for (const auto& a : st.actions) g.actions.push_back(a.source());
    for (const auto& r : st.resources) g.resources.push_back(r.source());
    g.not_action = st.not_action;
    g.not_resource = st.not_resource;
    g.conditional = !st.conditions.empty();
    g.sid = st.sid;
    out->push_back(std::move(g));
  }
}

void Describe(const std::vector<BoundPolicy>& policies, size_t begin, size_t end,
              PrincipalExport* out) {
  for (size_t i = begin; i < end; ++i) {
    const BoundPolicy& p = policies[i];
    if (absl::StartsWith(p.name, "inline:")) {
      out->inlines.push_back(p.name.substr(7));
    } else {
      out->attached.push_back(p.arn);
    }
  }
}

}  // namespace

absl::StatusOr<PermissionsExport> PermissionsExporter::Export(const account::Caller& caller,
                                                              const std::string& account_id) {
  // Recorded like a change of account data: only the access record is written.
  ASSIGN_OR_RETURN(account::Admission admission,
                   mutations_.AdmitChange(caller, account::Operation("iam:ExportPermissions",
                                                                     account_id, "",
                                                                     account::Touches::kAccountData)));
  const std::string& account = admission.account();
  ASSIGN_OR_RETURN(auto snapshot, cache_->Account(account));
  PermissionsExport out;
  out.account_id = account;
  out.exported_at = clock_.NowMs();
  std::vector<store::UserRow> users;
  std::vector<store::ResourceDocRow> resource_policies;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(users, store::users::List(tx, account, "", 1 << 30));
    ASSIGN_OR_RETURN(resource_policies,
                     store::resources::ListOfAccount(tx, store::resources::Kind::kPolicy, account));
    return absl::OkStatus();
  }));
  for (const auto& row : users) {
    ASSIGN_OR_RETURN(auto u, snapshot->User(cache_->db(), row.id, /*by_id=*/true));
    PrincipalExport e;
    e.principal = {store::PrincipalType::kUser, u->username};
    e.arn = u->arn;
    e.disabled = !u->active;
    Describe(u->policies, 0, u->own_policies, &e);
    for (size_t i = 0; i < u->policies.size(); ++i) {
      AddGrants(u->policies[i], PolicyVia(*u, i), &e.grants);
    }
    for (const GroupData* g : u->groups) e.groups.push_back(g->name);
    for (const RoleGrant& r : u->roles) {
      if (r.expires_at && *r.expires_at <= out.exported_at) continue;
      e.roles.push_back({r.role->name, r.via_group, r.expires_at});
      for (const auto& p : r.role->policies) AddGrants(p, "role:" + r.role->name, &e.grants);
    }
    e.boundary = u->boundary_name;
    out.principals.push_back(std::move(e));
  }
  for (const auto& [id, g] : snapshot->groups()) {
    PrincipalExport e;
    e.principal = {store::PrincipalType::kGroup, g.name};
    e.arn = g.arn;
    Describe(g.policies, 0, g.policies.size(), &e);
    for (const auto& p : g.policies) AddGrants(p, "group:" + g.name, &e.grants);
    out.principals.push_back(std::move(e));
  }
  for (const auto& [id, r] : snapshot->roles()) {
    PrincipalExport e;
    e.principal = {store::PrincipalType::kRole, r.name};
    e.arn = r.arn;
    Describe(r.policies, 0, r.policies.size(), &e);
    for (const auto& p : r.policies) AddGrants(p, "role:" + r.name, &e.grants);
    e.boundary = r.boundary_name;
    out.principals.push_back(std::move(e));
  }
  for (const auto& rp : resource_policies) out.resource_policies.emplace_back(rp.resource, rp.body);

  RETURN_IF_ERROR(mutations_.Commit(
      admission, [&](store::Tx&, const std::string& account, audit::Event& record) {
        record.Object("account", account);
        record.detail["principals"] = out.principals.size();
        record.detail["resource_policies"] = out.resource_policies.size();
        return absl::OkStatus();
      }));
  return out;
}

}  // namespace iam::authz
