#include "iam/authz/account_snapshot.h"

#include "absl/strings/str_cat.h"
#include "iam/account/caller.h"
#include "iam/authz/builtin_policies.h"
#include "iam/common/status_macros.h"
#include "iam/common/text.h"
#include "iam/store/account_store.h"
#include "iam/store/authz_version_store.h"
#include "iam/store/group_store.h"
#include "iam/store/iam_policy_store.h"
#include "iam/store/policy_store.h"
#include "iam/store/role_store.h"
#include "iam/store/user_store.h"

namespace iam::authz {
namespace {

using account::ManagedPolicyArn;
using account::RoleArn;

// Appends the policies named by attachments and inline rows of one principal.
absl::Status Collect(const AccountSnapshot& snap, const std::vector<store::AttachmentRow>& attached,
                     const std::vector<store::InlinePolicyRow>& inlines, const std::string& owner,
                     std::vector<BoundPolicy>* out) {
  for (const auto& a : attached) {
    if (const BoundPolicy* p = snap.FindPolicy(a.policy_id)) out->push_back(*p);
  }
  for (const auto& i : inlines) {
    ASSIGN_OR_RETURN(PolicyPtr p, ParseStored(i.document, absl::StrCat(owner, "/inline/", i.name)));
    out->push_back(BoundPolicy{absl::StrCat("inline:", i.name), "", std::move(p)});
  }
  return absl::OkStatus();
}

template <typename Row>
absl::flat_hash_map<std::string, std::vector<Row>> ByPrincipal(const std::vector<Row>& rows,
                                                               store::PrincipalType type) {
  absl::flat_hash_map<std::string, std::vector<Row>> out;
  for (const Row& r : rows) {
    if (r.principal.type == type) out[r.principal.id].push_back(r);
  }
  return out;
}

}  // namespace

absl::StatusOr<PolicyPtr> ParseStored(const std::string& document, const std::string& label) {
  policy::ParseOptions opts;
  opts.kind = policy::PolicyKind::kIdentity;
  opts.max_size = policy::kStoredPolicyLimit;
  opts.stored = true;
  opts.label = label;
  auto parsed = policy::ParsePolicy(document, opts);
  if (!parsed.ok()) {
    return absl::DataLossError(absl::StrCat("stored policy ", label, " does not parse"));
  }
  return std::make_shared<const policy::Policy>(*std::move(parsed));
}

std::string PolicyVia(const UserAuthz& user, size_t i) {
  std::string via = "user";
  if (i < user.own_policies) return via;
  for (const GroupData* g : user.groups) {
    for (const auto& gp : g->policies) {
      if (gp.policy == user.policies[i].policy) via = "group:" + g->name;
    }
  }
  return via;
}

SetPtr CompileAll(const std::vector<const BoundPolicy*>& policies) {
  std::vector<policy::Policy> copies;
  copies.reserve(policies.size());
  for (const BoundPolicy* p : policies) copies.push_back(*p->policy);
  return policy::PolicySet::Compile(std::move(copies));
}

const BoundPolicy* AccountSnapshot::FindPolicy(const std::string& policy_id) const {
  auto it = policies_.find(policy_id);
  return it == policies_.end() ? nullptr : &it->second;
}

absl::StatusOr<std::shared_ptr<const AccountSnapshot>> AccountSnapshot::Load(
    store::Database& db, const std::string& account_id, const AccountSnapshot* previous) {
  auto snap = std::shared_ptr<AccountSnapshot>(new AccountSnapshot());
  snap->account_id_ = account_id;
  for (const BuiltinPolicy& b : BuiltinPolicies()) {
    ASSIGN_OR_RETURN(PolicyPtr p, ParseStored(b.document, absl::StrCat("builtin/", b.name)));
    snap->policies_[BuiltinId(b.name)] = BoundPolicy{BuiltinId(b.name), BuiltinArn(b.name), p};
  }
  RETURN_IF_ERROR(db.ReadCommitted([&](store::Tx& tx) -> absl::Status {
    // The version first: data read after it is at least as new, so a change
    // racing this load is picked up again at the next poll, never missed.
    ASSIGN_OR_RETURN(snap->version_, store::authz_versions::Read(tx, account_id));
    ASSIGN_OR_RETURN(store::AccountRow account, store::accounts::Get(tx, account_id));
    snap->state_ = account.state;
    ASSIGN_OR_RETURN(snap->audit_policy_,
                     store::account_policies::Load<audit::AuditPolicy>(tx, account_id, "audit"));
    ASSIGN_OR_RETURN(auto defaults, store::iam_policies::ListDefaults(tx, account_id));
    for (auto& [row, document] : defaults) {
      PolicyPtr parsed;
      if (previous != nullptr) {
        auto v = previous->policy_versions_.find(row.id);
        const BoundPolicy* old = previous->FindPolicy(row.id);
        if (v != previous->policy_versions_.end() && v->second == row.default_version && old) {
          parsed = old->policy;
        }
      }
      if (!parsed) {
        ASSIGN_OR_RETURN(parsed, ParseStored(document, absl::StrCat("policy/", row.name, "@v",
                                                                    row.default_version)));
      }
      snap->policies_[row.id] =
          BoundPolicy{row.name, ManagedPolicyArn(account_id, row.name), parsed};
      snap->policy_versions_[row.id] = row.default_version;
    }
    ASSIGN_OR_RETURN(auto attachments,
                     store::iam_policies::ListAttachmentsOfAccount(tx, account_id));
    ASSIGN_OR_RETURN(auto inlines, store::iam_policies::ListInlineOfAccount(tx, account_id));
    ASSIGN_OR_RETURN(auto boundaries, store::iam_policies::ListBoundariesOfAccount(tx, account_id));
    ASSIGN_OR_RETURN(auto assignments, store::roles::ListAssignmentsOfAccount(tx, account_id));
    ASSIGN_OR_RETURN(auto groups, store::groups::List(tx, account_id, "", 1 << 30));
    ASSIGN_OR_RETURN(auto roles, store::roles::List(tx, account_id, "", 1 << 30));

    auto group_attached = ByPrincipal(attachments, store::PrincipalType::kGroup);
    auto group_inline = ByPrincipal(inlines, store::PrincipalType::kGroup);
    for (const auto& g : groups) {
      GroupData data{g.id, g.name, account::GroupArn(account_id, g.name), {}, {}};
      RETURN_IF_ERROR(Collect(*snap, group_attached[g.id], group_inline[g.id],
                              absl::StrCat("group/", g.name), &data.policies));
      snap->groups_[g.id] = std::move(data);
    }
    for (const auto& a : assignments) {
      if (a.principal.type != store::PrincipalType::kGroup) continue;
      auto it = snap->groups_.find(a.principal.id);
      if (it != snap->groups_.end()) it->second.roles.emplace_back(a.role_id, a.expires_at);
    }
    auto role_attached = ByPrincipal(attachments, store::PrincipalType::kRole);
    auto role_inline = ByPrincipal(inlines, store::PrincipalType::kRole);
    for (const auto& r : roles) {
      CompiledRole role{r.id, r.name, RoleArn(account_id, r.name), {}, nullptr, nullptr, ""};
      RETURN_IF_ERROR(Collect(*snap, role_attached[r.id], role_inline[r.id],
                              absl::StrCat("role/", r.name), &role.policies));
      std::vector<const BoundPolicy*> ptrs;
      for (const auto& p : role.policies) ptrs.push_back(&p);
      role.identity = CompileAll(ptrs);
      snap->roles_[r.id] = std::move(role);
    }
    for (const auto& b : boundaries) {
      if (b.principal.type != store::PrincipalType::kRole) continue;
      auto it = snap->roles_.find(b.principal.id);
      const BoundPolicy* p = snap->FindPolicy(b.policy_id);
      if (it != snap->roles_.end() && p != nullptr) {
        it->second.boundary = CompileAll({p});
        it->second.boundary_name = p->arn.empty() ? p->name : p->arn;
      }
    }
    return absl::OkStatus();
  }));
  return std::shared_ptr<const AccountSnapshot>(std::move(snap));
}

absl::StatusOr<std::shared_ptr<const UserAuthz>> AccountSnapshot::User(store::Database& db,
                                                                       const std::string& key,
                                                                       bool by_id) const {
  const std::string memo = by_id ? "#" + key : text::AsciiLower(key);
  {
    absl::MutexLock lock(&mu_);
    auto it = users_.find(memo);
    if (it != users_.end()) return it->second;
  }
  ASSIGN_OR_RETURN(auto user, LoadUser(db, key, by_id));
  absl::MutexLock lock(&mu_);
  if (users_.size() >= kMaxCachedUsers) users_.clear();
  users_[memo] = user;
  return user;
}

absl::StatusOr<std::shared_ptr<const UserAuthz>> AccountSnapshot::LoadUser(store::Database& db,
                                                                           const std::string& key,
                                                                           bool by_id) const {
  auto u = std::make_shared<UserAuthz>();
  std::vector<store::AttachmentRow> attached;
  std::vector<store::InlinePolicyRow> inlines;
  std::optional<store::BoundaryRow> boundary;
  std::vector<store::RoleAssignmentRow> assignments;
  std::vector<store::TagRow> tags;
  std::vector<store::GroupRow> groups;
  RETURN_IF_ERROR(db.ReadCommitted([&](store::Tx& tx) -> absl::Status {
    store::UserRow row;
    if (by_id) {
      ASSIGN_OR_RETURN(row, store::users::Get(tx, key));
      if (row.account_id != account_id_) return absl::NotFoundError("user not found");
    } else {
      ASSIGN_OR_RETURN(row, store::users::GetByUsername(tx, account_id_, key));
    }
    u->id = row.id;
    u->username = row.username;
    u->arn = account::UserArn(account_id_, row.username);
    u->active = row.state == store::UserState::kActive;
    u->admin = row.is_admin;
    const store::PrincipalRef ref{store::PrincipalType::kUser, row.id};
    ASSIGN_OR_RETURN(groups, store::groups::ListGroupsOfUser(tx, row.id));
    ASSIGN_OR_RETURN(attached, store::iam_policies::ListAttachmentsOf(tx, ref));
    ASSIGN_OR_RETURN(inlines, store::iam_policies::ListInline(tx, ref));
    ASSIGN_OR_RETURN(boundary, store::iam_policies::GetBoundary(tx, ref));
    ASSIGN_OR_RETURN(assignments, store::roles::ListAssignmentsOf(tx, ref));
    ASSIGN_OR_RETURN(tags, store::iam_policies::ListTags(tx, ref));
    return absl::OkStatus();
  }));
  // The admin flag is the user's direct attachment of AdministratorAccess.
  if (u->admin) u->policies.push_back(*FindPolicy(BuiltinId(kAdministratorAccess)));
  RETURN_IF_ERROR(
      Collect(*this, attached, inlines, absl::StrCat("user/", u->username), &u->policies));
  u->own_policies = u->policies.size();
  for (const auto& a : assignments) {
    auto it = roles_.find(a.role_id);
    if (it != roles_.end()) u->roles.push_back(RoleGrant{&it->second, a.expires_at, ""});
  }
  for (const auto& g : groups) {
    auto it = groups_.find(g.id);
    if (it == groups_.end()) continue;  // created after this snapshot
    const GroupData& data = it->second;
    u->groups.push_back(&data);
    u->policies.insert(u->policies.end(), data.policies.begin(), data.policies.end());
    for (const auto& [role_id, expires] : data.roles) {
      auto r = roles_.find(role_id);
      if (r != roles_.end()) u->roles.push_back(RoleGrant{&r->second, expires, data.name});
    }
  }
  std::vector<const BoundPolicy*> ptrs;
  for (const auto& p : u->policies) ptrs.push_back(&p);
  u->identity = CompileAll(ptrs);
  if (boundary) {
    if (const BoundPolicy* p = FindPolicy(boundary->policy_id)) {
      u->boundary = CompileAll({p});
      u->boundary_name = p->arn.empty() ? p->name : p->arn;
    }
  }
  for (const auto& t : tags) u->tags.emplace_back(t.key, t.value);
  policy::Context& keys = u->principal_keys;
  keys.Set("aws:username", {u->username}, false);
  keys.Set("aws:userid", {u->id}, false);
  keys.Set("aws:PrincipalAccount", {account_id_}, false);
  keys.Set("aws:PrincipalArn", {u->arn}, false);
  keys.Set("aws:PrincipalType", {"User"}, false);
  for (const auto& [k, v] : u->tags) keys.Set("aws:PrincipalTag/" + k, {v}, false);
  for (const GroupData* g : u->groups) u->group_arns.push_back(g->arn);
  return std::shared_ptr<const UserAuthz>(std::move(u));
}

}  // namespace iam::authz
