// AdminService handlers of the upstream identity providers.
#include <google/protobuf/util/time_util.h>

#include <nlohmann/json.hpp>

#include "iam/common/status_macros.h"
#include "iam/server/admin_service.h"
#include "iam/server/serve.h"
#include "policy/json_syntax.h"

namespace iam::server {
namespace {

using google::protobuf::util::TimeUtil;

absl::StatusOr<nlohmann::json> ConfigOf(const std::string& text) {
  return policy::ParseJson(text, "config");
}

void ToProto(const federation::IdpView& v, v1::IdentityProvider* out) {
  out->set_account_id(v.account_id);
  out->set_alias(v.provider.alias);
  out->set_kind(v.provider.kind);
  out->set_config(v.provider.ToJson().dump());
  out->set_has_secret(v.has_secret);
  out->set_enabled(v.provider.enabled);
  *out->mutable_create_time() = TimeUtil::MillisecondsToTimestamp(v.created_at);
  *out->mutable_update_time() = TimeUtil::MillisecondsToTimestamp(v.updated_at);
}

}  // namespace

grpc::Status AdminServiceImpl::CreateIdentityProvider(
    grpc::ServerContext* ctx, const v1::CreateIdentityProviderRequest* req,
    v1::IdentityProvider* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(nlohmann::json config, ConfigOf(req->config()));
    ASSIGN_OR_RETURN(auto view, idps_.Create(c, req->account_id(), config, req->secret()));
    ToProto(view, out);
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::GetIdentityProvider(grpc::ServerContext* ctx,
                                                   const v1::IdentityProviderRequest* req,
                                                   v1::IdentityProvider* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auto view, idps_.Get(c, req->account_id(), req->alias()));
    ToProto(view, out);
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::ListIdentityProviders(grpc::ServerContext* ctx,
                                                     const v1::ListIdentityProvidersRequest* req,
                                                     v1::ListIdentityProvidersResponse* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auto views, idps_.List(c, req->account_id()));
    for (const auto& v : views) ToProto(v, out->add_providers());
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::UpdateIdentityProvider(
    grpc::ServerContext* ctx, const v1::UpdateIdentityProviderRequest* req,
    v1::IdentityProvider* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(nlohmann::json config, ConfigOf(req->config()));
    federation::SecretChange secret;
    if (!req->secret().empty()) secret.set = req->secret();
    secret.clear = req->clear_secret();
    ASSIGN_OR_RETURN(auto view,
                     idps_.Update(c, req->account_id(), req->alias(), config, secret));
    ToProto(view, out);
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::DeleteIdentityProvider(grpc::ServerContext* ctx,
                                                      const v1::IdentityProviderRequest* req,
                                                      v1::DeleteIdentityProviderResponse*) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    return idps_.Delete(c, req->account_id(), req->alias());
  });
}

grpc::Status AdminServiceImpl::TestIdentityProvider(grpc::ServerContext* ctx,
                                                    const v1::TestIdentityProviderRequest* req,
                                                    v1::TestIdentityProviderResponse* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(federation::LoadedIdp idp,
                     idps_.LoadForTest(c, req->account_id(), req->alias()));
    std::vector<std::string> findings;
    absl::Status probed;
    if (idp.provider.kind == "oidc") {
      if (oidc_upstream_ == nullptr) {
        return absl::FailedPreconditionError("this server does not reach upstream providers");
      }
      probed = oidc_upstream_->Probe(idp.provider.oidc, &findings);
    } else {
      probed = federated_login_.directory().Probe(idp.provider.ldap, idp.secret,
                                                  req->username(), req->password(), &findings);
    }
    // A provider that cannot be reached is what the test found, not an
    // error of the call.
    out->set_ok(probed.ok());
    for (auto& f : findings) out->add_findings(std::move(f));
    return absl::OkStatus();
  });
}

}  // namespace iam::server
