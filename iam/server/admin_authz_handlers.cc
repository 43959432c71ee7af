// AdminService handlers of the authorization calls: policies, roles,
// boundaries, tags, resource policies, ACLs and the permissions export.
#include <google/protobuf/util/time_util.h>

#include <nlohmann/json.hpp>

#include "iam/common/status_macros.h"
#include "iam/server/admin_service.h"
#include "iam/server/policy_findings.h"
#include "iam/server/proto_convert.h"
#include "iam/server/serve.h"

namespace iam::server {
namespace {

using google::protobuf::util::TimeUtil;


absl::StatusOr<account::PrincipalName> Principal(const v1::PrincipalName& p) {
  switch (p.type()) {
    case v1::PrincipalName::USER:
      return account::PrincipalName{store::PrincipalType::kUser, p.name()};
    case v1::PrincipalName::GROUP:
      return account::PrincipalName{store::PrincipalType::kGroup, p.name()};
    case v1::PrincipalName::ROLE:
      return account::PrincipalName{store::PrincipalType::kRole, p.name()};
    default:
      return absl::InvalidArgumentError("principal.type: USER, GROUP or ROLE");
  }
}

void ToProto(const account::PrincipalName& p, v1::PrincipalName* out) {
  out->set_type(p.type == store::PrincipalType::kUser    ? v1::PrincipalName::USER
                : p.type == store::PrincipalType::kGroup ? v1::PrincipalName::GROUP
                                                         : v1::PrincipalName::ROLE);
  out->set_name(p.name);
}

void ToProto(const authz::ManagedPolicyView& v, v1::ManagedPolicy* out) {
  out->set_name(v.name);
  out->set_arn(v.arn);
  out->set_description(v.description);
  out->set_builtin(v.builtin);
  out->set_default_version(v.default_version);
  if (v.created_at) *out->mutable_create_time() = TimestampOf(v.created_at);
  if (v.updated_at) *out->mutable_update_time() = TimestampOf(v.updated_at);
  out->set_attachment_count(v.attachment_count);
  out->set_document(v.document);
}

void ToProto(const authz::PolicyVersionView& v, v1::PolicyVersion* out) {
  out->set_version(v.version);
  out->set_is_default(v.is_default);
  out->set_document(v.document);
  if (v.created_at) *out->mutable_create_time() = TimestampOf(v.created_at);
}

void ToProto(const account::RoleAssignmentView& a, v1::RoleAssignment* out) {
  out->set_role(a.role);
  ToProto(a.principal, out->mutable_principal());
  if (a.expires_at) *out->mutable_expire_time() = TimestampOf(*a.expires_at);
  *out->mutable_assign_time() = TimestampOf(a.assigned_at);
  out->set_assigned_by(a.assigned_by);
  out->set_expired(a.expired);
}

void ToProto(const account::RoleView& r, v1::Role* out) {
  out->set_name(r.row.name);
  out->set_arn(r.arn);
  out->set_description(r.row.description);
  *out->mutable_create_time() = TimestampOf(r.row.created_at);
  for (const auto& a : r.assignments) ToProto(a, out->add_assignments());
}

void ToProto(const account::HeldRole& h, v1::HeldRole* out) {
  out->set_role(h.role);
  out->set_via_group(h.via_group);
  if (h.expires_at) *out->mutable_expire_time() = TimestampOf(*h.expires_at);
}

void ToProto(const account::SodRuleView& r, v1::SodRule* out) {
  out->set_name(r.name);
  for (const auto& role : r.roles) out->add_roles(role);
  *out->mutable_create_time() = TimestampOf(r.created_at);
}

void ToProto(const authz::ResourceDocView& v, v1::ResourcePolicy* out) {
  out->set_resource(v.resource);
  out->set_document(v.body);
  *out->mutable_update_time() = TimestampOf(v.updated_at);
}

void ToProto(const authz::ResourceDocView& v, v1::ResourceAcl* out) {
  out->set_resource(v.resource);
  *out->mutable_update_time() = TimestampOf(v.updated_at);
  auto j = nlohmann::json::parse(v.body, nullptr, false);
  if (!j.is_object()) return;
  out->set_owner(j.value("owner", ""));
  out->set_target(j.value("target", "object"));
  out->set_canned(j.value("canned", ""));
  for (const auto& g : j.value("grants", nlohmann::json::array())) {
    v1::AclGrant* o = out->add_grants();
    const auto& ge = g["grantee"];
    o->set_grantee_type(ge.value("type", ""));
    o->set_grantee(ge.contains("uri") ? ge.value("uri", "") : ge.value("id", ""));
    o->set_permission(g.value("permission", ""));
  }
}

template <typename Out>
void AddTags(const std::vector<std::pair<std::string, std::string>>& tags, Out* out) {
  for (const auto& [k, v] : tags) {
    v1::Tag* t = out->add_tags();
    t->set_key(k);
    t->set_value(v);
  }
}

absl::Status Tags(authz::PolicyAdminService& svc, const account::Caller& c,
                  const std::string& account, const account::PrincipalName& p,
                  v1::PrincipalTags* out) {
  ASSIGN_OR_RETURN(auto tags, svc.ListTags(c, account, p));
  AddTags(tags, out);
  return absl::OkStatus();
}

absl::Status PolicyTags(authz::PolicyAdminService& svc, const account::Caller& c,
                        const std::string& account, const std::string& policy,
                        v1::PolicyTags* out) {
  ASSIGN_OR_RETURN(auto tags, svc.ListPolicyTags(c, account, policy));
  AddTags(tags, out);
  return absl::OkStatus();
}

}  // namespace

grpc::Status AdminServiceImpl::CreatePolicy(grpc::ServerContext* ctx,
                                            const v1::CreatePolicyRequest* req,
                                            v1::ManagedPolicy* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auto v, policies_.Create(c, req->account_id(), req->name(), req->description(),
                                              req->document()));
    ToProto(v, out);
    AddFindings(req->document(), policy::PolicyKind::kIdentity, out->mutable_findings());
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::GetPolicy(grpc::ServerContext* ctx, const v1::GetPolicyRequest* req,
                                         v1::ManagedPolicy* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auto v, policies_.Get(c, req->account_id(), req->policy()));
    ToProto(v, out);
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::ListPolicies(grpc::ServerContext* ctx,
                                            const v1::ListPoliciesRequest* req,
                                            v1::ListPoliciesResponse* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auto page, policies_.List(c, req->account_id(), req->page_size(),
                                               req->page_token(), req->include_builtin()));
    for (const auto& v : page.items) ToProto(v, out->add_policies());
    out->set_next_page_token(page.next_page_token);
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::DeletePolicy(grpc::ServerContext* ctx,
                                            const v1::DeletePolicyRequest* req,
                                            v1::DeletePolicyResponse*) {
  return Serve(*this, ctx, [&](const account::Caller& c) {
    return policies_.Delete(c, req->account_id(), req->policy());
  });
}

grpc::Status AdminServiceImpl::CreatePolicyVersion(grpc::ServerContext* ctx,
                                                   const v1::CreatePolicyVersionRequest* req,
                                                   v1::PolicyVersion* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auto v, policies_.CreateVersion(c, req->account_id(), req->policy(),
                                                     req->document(), req->set_as_default()));
    ToProto(v, out);
    AddFindings(req->document(), policy::PolicyKind::kIdentity, out->mutable_findings());
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::GetPolicyVersion(grpc::ServerContext* ctx,
                                                const v1::PolicyVersionRequest* req,
                                                v1::PolicyVersion* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auto v,
                     policies_.GetVersion(c, req->account_id(), req->policy(), req->version()));
    ToProto(v, out);
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::ListPolicyVersions(grpc::ServerContext* ctx,
                                                  const v1::GetPolicyRequest* req,
                                                  v1::ListPolicyVersionsResponse* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auto versions, policies_.ListVersions(c, req->account_id(), req->policy()));
    for (const auto& v : versions) ToProto(v, out->add_versions());
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::SetDefaultPolicyVersion(grpc::ServerContext* ctx,
                                                       const v1::PolicyVersionRequest* req,
                                                       v1::PolicyVersionResponse*) {
  return Serve(*this, ctx, [&](const account::Caller& c) {
    return policies_.SetDefaultVersion(c, req->account_id(), req->policy(), req->version());
  });
}

grpc::Status AdminServiceImpl::DeletePolicyVersion(grpc::ServerContext* ctx,
                                                   const v1::PolicyVersionRequest* req,
                                                   v1::PolicyVersionResponse*) {
  return Serve(*this, ctx, [&](const account::Caller& c) {
    return policies_.DeleteVersion(c, req->account_id(), req->policy(), req->version());
  });
}

grpc::Status AdminServiceImpl::AttachPolicy(grpc::ServerContext* ctx,
                                            const v1::AttachPolicyRequest* req,
                                            v1::AttachPolicyResponse*) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auto p, Principal(req->principal()));
    return policies_.Attach(c, req->account_id(), req->policy(), p);
  });
}

grpc::Status AdminServiceImpl::DetachPolicy(grpc::ServerContext* ctx,
                                            const v1::AttachPolicyRequest* req,
                                            v1::AttachPolicyResponse*) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auto p, Principal(req->principal()));
    return policies_.Detach(c, req->account_id(), req->policy(), p);
  });
}

grpc::Status AdminServiceImpl::ListPrincipalPolicies(grpc::ServerContext* ctx,
                                                     const v1::PrincipalRequest* req,
                                                     v1::PrincipalPolicies* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auto p, Principal(req->principal()));
    ASSIGN_OR_RETURN(auto listed, policies_.ListOf(c, req->account_id(), p));
    for (const auto& v : listed.attached) ToProto(v, out->add_attached());
    for (const auto& n : listed.inline_names) out->add_inline_policy_names(n);
    if (listed.boundary) ToProto(*listed.boundary, out->mutable_permissions_boundary());
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::PutInlinePolicy(grpc::ServerContext* ctx,
                                               const v1::InlinePolicyRequest* req,
                                               v1::InlinePolicyResponse* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auto p, Principal(req->principal()));
    RETURN_IF_ERROR(
        policies_.PutInline(c, req->account_id(), p, req->policy_name(), req->document()));
    AddFindings(req->document(), policy::PolicyKind::kIdentity, out->mutable_findings());
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::GetInlinePolicy(grpc::ServerContext* ctx,
                                               const v1::InlinePolicyRequest* req,
                                               v1::InlinePolicy* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auto p, Principal(req->principal()));
    ASSIGN_OR_RETURN(auto v, policies_.GetInline(c, req->account_id(), p, req->policy_name()));
    out->set_policy_name(v.name);
    out->set_document(v.document);
    *out->mutable_update_time() = TimestampOf(v.updated_at);
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::DeleteInlinePolicy(grpc::ServerContext* ctx,
                                                  const v1::InlinePolicyRequest* req,
                                                  v1::InlinePolicyResponse*) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auto p, Principal(req->principal()));
    return policies_.DeleteInline(c, req->account_id(), p, req->policy_name());
  });
}

grpc::Status AdminServiceImpl::PutPermissionsBoundary(grpc::ServerContext* ctx,
                                                      const v1::PermissionsBoundaryRequest* req,
                                                      v1::PermissionsBoundaryResponse*) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auto p, Principal(req->principal()));
    return policies_.SetBoundary(c, req->account_id(), p, req->policy());
  });
}

grpc::Status AdminServiceImpl::DeletePermissionsBoundary(grpc::ServerContext* ctx,
                                                         const v1::PermissionsBoundaryRequest* req,
                                                         v1::PermissionsBoundaryResponse*) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auto p, Principal(req->principal()));
    return policies_.ClearBoundary(c, req->account_id(), p);
  });
}

grpc::Status AdminServiceImpl::TagPrincipal(grpc::ServerContext* ctx,
                                            const v1::TagPrincipalRequest* req,
                                            v1::PrincipalTags* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auto p, Principal(req->principal()));
    std::vector<std::pair<std::string, std::string>> tags;
    for (const auto& t : req->tags()) tags.emplace_back(t.key(), t.value());
    RETURN_IF_ERROR(policies_.Tag(c, req->account_id(), p, tags));
    return Tags(policies_, c, req->account_id(), p, out);
  });
}

grpc::Status AdminServiceImpl::UntagPrincipal(grpc::ServerContext* ctx,
                                              const v1::UntagPrincipalRequest* req,
                                              v1::PrincipalTags* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auto p, Principal(req->principal()));
    RETURN_IF_ERROR(
        policies_.Untag(c, req->account_id(), p, {req->keys().begin(), req->keys().end()}));
    return Tags(policies_, c, req->account_id(), p, out);
  });
}

grpc::Status AdminServiceImpl::ListPrincipalTags(grpc::ServerContext* ctx,
                                                 const v1::PrincipalRequest* req,
                                                 v1::PrincipalTags* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auto p, Principal(req->principal()));
    return Tags(policies_, c, req->account_id(), p, out);
  });
}

grpc::Status AdminServiceImpl::TagPolicy(grpc::ServerContext* ctx,
                                         const v1::TagPolicyRequest* req, v1::PolicyTags* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    std::vector<std::pair<std::string, std::string>> tags;
    for (const auto& t : req->tags()) tags.emplace_back(t.key(), t.value());
    RETURN_IF_ERROR(policies_.TagPolicy(c, req->account_id(), req->policy(), tags));
    return PolicyTags(policies_, c, req->account_id(), req->policy(), out);
  });
}

grpc::Status AdminServiceImpl::UntagPolicy(grpc::ServerContext* ctx,
                                           const v1::UntagPolicyRequest* req,
                                           v1::PolicyTags* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    RETURN_IF_ERROR(policies_.UntagPolicy(c, req->account_id(), req->policy(),
                                          {req->keys().begin(), req->keys().end()}));
    return PolicyTags(policies_, c, req->account_id(), req->policy(), out);
  });
}

grpc::Status AdminServiceImpl::ListPolicyTags(grpc::ServerContext* ctx,
                                              const v1::GetPolicyRequest* req,
                                              v1::PolicyTags* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    return PolicyTags(policies_, c, req->account_id(), req->policy(), out);
  });
}

grpc::Status AdminServiceImpl::CreateRole(grpc::ServerContext* ctx,
                                          const v1::CreateRoleRequest* req, v1::Role* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auto r, roles_.Create(c, req->account_id(), req->name(), req->description()));
    ToProto(r, out);
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::GetRole(grpc::ServerContext* ctx, const v1::RoleRequest* req,
                                       v1::Role* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auto r, roles_.Get(c, req->account_id(), req->name()));
    ToProto(r, out);
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::ListRoles(grpc::ServerContext* ctx, const v1::ListRolesRequest* req,
                                         v1::ListRolesResponse* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auto page,
                     roles_.List(c, req->account_id(), req->page_size(), req->page_token()));
    for (const auto& r : page.items) ToProto(r, out->add_roles());
    out->set_next_page_token(page.next_page_token);
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::DeleteRole(grpc::ServerContext* ctx, const v1::RoleRequest* req,
                                          v1::DeleteRoleResponse*) {
  return Serve(*this, ctx, [&](const account::Caller& c) {
    return roles_.Delete(c, req->account_id(), req->name());
  });
}

grpc::Status AdminServiceImpl::AssignRole(grpc::ServerContext* ctx,
                                          const v1::AssignRoleRequest* req,
                                          v1::RoleAssignment* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auto p, Principal(req->principal()));
    account::AssignmentExpiry expiry;
    if (req->has_expire_time()) {
      expiry.at_ms = TimeUtil::TimestampToMilliseconds(req->expire_time());
    }
    expiry.duration_seconds = req->duration_seconds();
    ASSIGN_OR_RETURN(auto a, roles_.Assign(c, req->account_id(), req->role(), p, expiry));
    ToProto(a, out);
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::UnassignRole(grpc::ServerContext* ctx,
                                            const v1::UnassignRoleRequest* req,
                                            v1::UnassignRoleResponse*) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auto p, Principal(req->principal()));
    return roles_.Unassign(c, req->account_id(), req->role(), p);
  });
}

grpc::Status AdminServiceImpl::ListUserRoles(grpc::ServerContext* ctx,
                                             const v1::ListUserRolesRequest* req,
                                             v1::ListUserRolesResponse* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auto held, roles_.ListHeld(c, req->account_id(), req->username()));
    for (const auto& h : held) ToProto(h, out->add_roles());
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::CreateSodRule(grpc::ServerContext* ctx,
                                             const v1::CreateSodRuleRequest* req,
                                             v1::SodRule* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auto r, roles_.CreateSodRule(c, req->account_id(), req->name(),
                                                  {req->roles().begin(), req->roles().end()}));
    ToProto(r, out);
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::ListSodRules(grpc::ServerContext* ctx, const v1::SodRuleRequest* req,
                                            v1::ListSodRulesResponse* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auto rules, roles_.ListSodRules(c, req->account_id()));
    for (const auto& r : rules) ToProto(r, out->add_rules());
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::DeleteSodRule(grpc::ServerContext* ctx,
                                             const v1::SodRuleRequest* req,
                                             v1::DeleteSodRuleResponse*) {
  return Serve(*this, ctx, [&](const account::Caller& c) {
    return roles_.DeleteSodRule(c, req->account_id(), req->name());
  });
}

grpc::Status AdminServiceImpl::PutResourcePolicy(grpc::ServerContext* ctx,
                                                 const v1::ResourcePolicyRequest* req,
                                                 v1::ResourcePolicy* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auto v,
                     resources_.PutPolicy(c, req->account_id(), req->resource(), req->document()));
    ToProto(v, out);
    AddFindings(req->document(), policy::PolicyKind::kResource, out->mutable_findings());
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::GetResourcePolicy(grpc::ServerContext* ctx,
                                                 const v1::ResourcePolicyRequest* req,
                                                 v1::ResourcePolicy* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auto v, resources_.GetPolicy(c, req->account_id(), req->resource()));
    ToProto(v, out);
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::DeleteResourcePolicy(grpc::ServerContext* ctx,
                                                    const v1::ResourcePolicyRequest* req,
                                                    v1::DeleteResourcePolicyResponse*) {
  return Serve(*this, ctx, [&](const account::Caller& c) {
    return resources_.DeletePolicy(c, req->account_id(), req->resource());
  });
}

grpc::Status AdminServiceImpl::PutResourceAcl(grpc::ServerContext* ctx,
                                              const v1::PutResourceAclRequest* req,
                                              v1::ResourceAcl* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    authz::AclInput in{req->target(), req->canned(), {}};
    for (const auto& g : req->grants()) {
      in.grants.push_back({g.grantee_type(), g.grantee(), g.permission()});
    }
    ASSIGN_OR_RETURN(auto v, resources_.PutAcl(c, req->account_id(), req->resource(), in));
    ToProto(v, out);
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::GetResourceAcl(grpc::ServerContext* ctx,
                                              const v1::GetResourceAclRequest* req,
                                              v1::ResourceAcl* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auto v, resources_.GetAcl(c, req->account_id(), req->resource()));
    ToProto(v, out);
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::DeleteResourceAcl(grpc::ServerContext* ctx,
                                                 const v1::GetResourceAclRequest* req,
                                                 v1::DeleteResourceAclResponse*) {
  return Serve(*this, ctx, [&](const account::Caller& c) {
    return resources_.DeleteAcl(c, req->account_id(), req->resource());
  });
}

grpc::Status AdminServiceImpl::ExportPermissions(grpc::ServerContext* ctx,
                                                 const v1::ExportPermissionsRequest* req,
                                                 v1::ExportPermissionsResponse* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auto exported, exporter_.Export(c, req->account_id()));
    out->set_account_id(exported.account_id);
    *out->mutable_export_time() = TimestampOf(exported.exported_at);
    for (const auto& p : exported.principals) {
      v1::PrincipalPermissions* o = out->add_principals();
      ToProto(p.principal, o->mutable_principal());
      o->set_arn(p.arn);
      o->set_disabled(p.disabled);
      for (const auto& g : p.groups) o->add_groups(g);
      for (const auto& r : p.roles) ToProto(r, o->add_roles());
      for (const auto& a : p.attached) o->add_attached_policies(a);
      for (const auto& i : p.inlines) o->add_inline_policies(i);
      o->set_permissions_boundary(p.boundary);
      for (const auto& g : p.grants) {
        v1::PermissionGrant* pg = o->add_grants();
        pg->set_via(g.via);
        pg->set_policy(g.policy);
        pg->set_effect(g.effect);
        for (const auto& a : g.actions) pg->add_actions(a);
        for (const auto& r : g.resources) pg->add_resources(r);
        pg->set_not_action(g.not_action);
        pg->set_not_resource(g.not_resource);
        pg->set_conditional(g.conditional);
        pg->set_sid(g.sid);
      }
    }
    for (const auto& [resource, document] : exported.resource_policies) {
      v1::ResourcePolicy* rp = out->add_resource_policies();
      rp->set_resource(resource);
      rp->set_document(document);
    }
    return absl::OkStatus();
  });
}

}  // namespace iam::server
