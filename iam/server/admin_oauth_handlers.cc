// AdminService handlers of the OAuth clients and the initial access tokens
// of dynamic registration.
#include <google/protobuf/util/time_util.h>

#include <nlohmann/json.hpp>

#include "iam/account/arn.h"
#include "iam/common/status_macros.h"
#include "iam/server/admin_service.h"
#include "iam/server/proto_convert.h"
#include "iam/server/serve.h"
#include "policy/json_syntax.h"

namespace iam::server {
namespace {

absl::StatusOr<nlohmann::json> MetadataOf(const std::string& text) {
  if (text.empty()) return nlohmann::json::object();
  return policy::ParseJson(text, "metadata");
}

void ToProto(const oauth::ClientView& v, v1::OAuthClient* out) {
  out->set_account_id(v.row.account_id);
  out->set_client_id(v.row.client_id);
  out->set_metadata(v.metadata.ToJson().dump());
  out->set_state(store::Name(v.row.state));
  out->set_service_account(v.service_account);
  if (!v.service_account.empty()) {
    out->set_service_account_arn(account::UserArn(v.row.account_id, v.service_account));
  }
  out->set_has_secret(v.row.secret_hash.has_value());
  if (v.row.secret_created_at) *out->mutable_secret_create_time() = TimestampOf(*v.row.secret_created_at);
  out->set_old_secret_active(v.has_old_secret);
  if (v.has_old_secret) *out->mutable_old_secret_expire_time() = TimestampOf(*v.row.old_secret_expires_at);
  out->set_registered(v.row.registration_hash.has_value());
  *out->mutable_create_time() = TimestampOf(v.row.created_at);
  *out->mutable_update_time() = TimestampOf(v.row.updated_at);
}

void ToProto(const oauth::IssuedClient& issued, v1::IssuedClient* out) {
  ToProto(issued.client, out->mutable_client());
  out->set_client_secret(issued.client_secret);
}

void ToProto(const store::InitialAccessTokenRow& row, v1::InitialAccessToken* out) {
  out->set_id(row.id);
  out->set_account_id(row.account_id);
  out->set_description(row.description);
  out->set_uses_left(row.uses_left);
  *out->mutable_expire_time() = TimestampOf(row.expires_at);
  *out->mutable_create_time() = TimestampOf(row.created_at);
}

}  // namespace

grpc::Status AdminServiceImpl::CreateClient(grpc::ServerContext* ctx,
                                            const v1::CreateClientRequest* req,
                                            v1::IssuedClient* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(nlohmann::json metadata, MetadataOf(req->metadata()));
    ASSIGN_OR_RETURN(auto issued,
                     clients_.Create(c, req->account_id(), req->client_id(), metadata));
    ToProto(issued, out);
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::GetClient(grpc::ServerContext* ctx, const v1::ClientRequest* req,
                                         v1::OAuthClient* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auto view, clients_.Get(c, req->account_id(), req->client_id()));
    ToProto(view, out);
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::ListClients(grpc::ServerContext* ctx,
                                           const v1::ListClientsRequest* req,
                                           v1::ListClientsResponse* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auto page,
                     clients_.List(c, req->account_id(), req->page_size(), req->page_token()));
    for (const auto& v : page.items) ToProto(v, out->add_clients());
    out->set_next_page_token(page.next_page_token);
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::UpdateClient(grpc::ServerContext* ctx,
                                            const v1::UpdateClientRequest* req,
                                            v1::IssuedClient* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    std::optional<nlohmann::json> metadata;
    if (!req->metadata().empty()) {
      ASSIGN_OR_RETURN(metadata, MetadataOf(req->metadata()));
    }
    std::optional<bool> enabled;
    if (req->has_enabled()) enabled = req->enabled();
    ASSIGN_OR_RETURN(auto issued,
                     clients_.Update(c, req->account_id(), req->client_id(), metadata, enabled));
    ToProto(issued, out);
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::DeleteClient(grpc::ServerContext* ctx,
                                            const v1::ClientRequest* req,
                                            v1::DeleteClientResponse*) {
  return Serve(*this, ctx, [&](const account::Caller& c) {
    return clients_.Delete(c, req->account_id(), req->client_id());
  });
}

grpc::Status AdminServiceImpl::RotateClientSecret(grpc::ServerContext* ctx,
                                                  const v1::RotateClientSecretRequest* req,
                                                  v1::IssuedClient* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auto issued, clients_.RotateSecret(c, req->account_id(), req->client_id(),
                                                        absl::Seconds(req->grace_seconds())));
    ToProto(issued, out);
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::CreateInitialAccessToken(
    grpc::ServerContext* ctx, const v1::CreateInitialAccessTokenRequest* req,
    v1::IssuedInitialAccessToken* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    const int64_t ttl = req->ttl_seconds() == 0 ? 86400 : req->ttl_seconds();
    const int uses = req->uses() == 0 ? 1 : req->uses();
    ASSIGN_OR_RETURN(auto issued, clients_.CreateInitialAccessToken(
                                      c, req->account_id(), req->description(),
                                      absl::Seconds(ttl), uses));
    ToProto(issued.row, out->mutable_token());
    out->set_secret(issued.token);
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::ListInitialAccessTokens(
    grpc::ServerContext* ctx, const v1::ListInitialAccessTokensRequest* req,
    v1::ListInitialAccessTokensResponse* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auto rows, clients_.ListInitialAccessTokens(c, req->account_id()));
    for (const auto& r : rows) ToProto(r, out->add_tokens());
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::ListLogoutDeliveries(grpc::ServerContext* ctx,
                                                    const v1::ListLogoutDeliveriesRequest* req,
                                                    v1::ListLogoutDeliveriesResponse* out) {
  return Serve(*this, ctx, [&](const account::Caller& c) -> absl::Status {
    ASSIGN_OR_RETURN(auto rows, clients_.ListLogoutDeliveries(c, req->account_id(),
                                                              req->client_id(),
                                                              req->page_size()));
    for (const store::LogoutDeliveryRow& r : rows) {
      v1::LogoutDelivery* d = out->add_deliveries();
      d->set_session_id(r.session_id);
      d->set_user_id(r.user_id);
      d->set_uri(r.uri);
      d->set_state(r.delivered_at ? "delivered" : r.failed_at ? "failed" : "pending");
      d->set_attempts(r.attempts);
      *d->mutable_create_time() = TimestampOf(r.created_at);
      if (!r.delivered_at && !r.failed_at) {
        *d->mutable_next_attempt_time() = TimestampOf(r.next_attempt_at);
      }
      if (r.delivered_at || r.failed_at) {
        *d->mutable_finish_time() =
            TimestampOf(r.delivered_at ? *r.delivered_at : *r.failed_at);
      }
      d->set_last_error(r.last_error);
    }
    return absl::OkStatus();
  });
}

grpc::Status AdminServiceImpl::DeleteInitialAccessToken(
    grpc::ServerContext* ctx, const v1::DeleteInitialAccessTokenRequest* req,
    v1::DeleteInitialAccessTokenResponse*) {
  return Serve(*this, ctx, [&](const account::Caller& c) {
    return clients_.DeleteInitialAccessToken(c, req->account_id(), req->id());
  });
}

}  // namespace iam::server
