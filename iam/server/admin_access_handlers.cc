// AdminService handlers of last-used data: when each principal last used
// each action, and the grants it has not used.
#include "iam/common/status_macros.h"
#include "iam/server/admin_service.h"
#include "iam/server/proto_convert.h"
#include "iam/server/serve.h"

namespace iam::server {
namespace {

// The principal a request names: a user or a role, or an OAuth client.
absl::StatusOr<authz::AccessSubject> Subject(const v1::PrincipalName& p,
                                             const std::string& client_id) {
  authz::AccessSubject who;
  who.client_id = client_id;
  if (!client_id.empty() && p.type() == v1::PrincipalName::TYPE_UNSPECIFIED && p.name().empty()) {
    return who;
  }
  switch (p.type()) {
    case v1::PrincipalName::USER:
      who.principal = {store::PrincipalType::kUser, p.name()};
      break;
    case v1::PrincipalName::ROLE:
      who.principal = {store::PrincipalType::kRole, p.name()};
      break;
    default:
      return absl::InvalidArgumentError("principal.type: USER or ROLE (or a client_id)");
  }
  return who;
}

void SetTime(int64_t ms, google::protobuf::Timestamp* out) { *out = TimestampOf(ms); }

}  // namespace

grpc::Status AdminServiceImpl::GetAccessLastUsed(grpc::ServerContext* ctx,
                                                 const v1::AccessLastUsedRequest* req,
                                                 v1::AccessLastUsedResponse* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(authz::AccessSubject who, Subject(req->principal(), req->client_id()));
    ASSIGN_OR_RETURN(authz::LastUsedReport r, access_reports_.LastUsed(c, req->account_id(), who));
    out->set_account_id(r.account_id);
    out->set_principal_arn(r.principal_arn);
    out->set_kind(r.kind);
    if (r.tracked_since) SetTime(*r.tracked_since, out->mutable_tracked_since());
    for (const authz::ServiceUse& s : r.services) {
      v1::ServiceLastUsed* o = out->add_services();
      o->set_service(s.service);
      SetTime(s.last_used_at, o->mutable_last_used_time());
      o->set_uses(s.uses);
      for (const authz::ActionUse& a : s.actions) {
        v1::ActionLastUsed* oa = o->add_actions();
        oa->set_action(a.action);
        SetTime(a.last_used_at, oa->mutable_last_used_time());
        oa->set_granted_by(a.granted_by);
        oa->set_uses(a.uses);
      }
    }
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::ListUnusedAccess(grpc::ServerContext* ctx,
                                                const v1::UnusedAccessRequest* req,
                                                v1::UnusedAccessResponse* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    std::optional<authz::AccessSubject> who;
    if (req->has_principal() || !req->client_id().empty()) {
      ASSIGN_OR_RETURN(who, Subject(req->principal(), req->client_id()));
    }
    ASSIGN_OR_RETURN(authz::UnusedReport r,
                     access_reports_.Unused(c, req->account_id(), req->days(), who));
    out->set_account_id(r.account_id);
    out->set_days(r.days);
    SetTime(r.report_time, out->mutable_report_time());
    if (r.tracking_started) SetTime(*r.tracking_started, out->mutable_tracking_started());
    for (const authz::PrincipalUnused& p : r.principals) {
      v1::PrincipalUnusedAccess* o = out->add_principals();
      o->set_kind(p.kind);
      o->set_name(p.name);
      o->set_arn(p.arn);
      SetTime(p.tracked_since, o->mutable_tracked_since());
      if (p.last_used_at) SetTime(*p.last_used_at, o->mutable_last_used_time());
      o->set_inactive(p.inactive);
      for (const authz::UnusedGrantFinding& g : p.grants) {
        v1::UnusedGrant* og = o->add_unused_grants();
        og->set_service(g.service);
        og->set_action(g.action);
        og->set_policy(g.policy);
        og->set_via(g.via);
        og->set_statement(g.statement);
        og->set_sid(g.sid);
        if (g.last_used_at) SetTime(*g.last_used_at, og->mutable_last_used_time());
      }
      for (const authz::UnusedPolicyFinding& up : p.policies) {
        v1::UnusedPolicy* op = o->add_unused_policies();
        op->set_policy(up.policy);
        op->set_via(up.via);
      }
    }
    for (const std::string& arn : r.not_judged) out->add_not_judged(arn);
    return absl::OkStatus();
  });
}

}  // namespace iam::server
