// AuthService's login through a browser (auth/device_login.h): iamctl
// asks for a code, its user allows it on the account's /device page, and
// the polling command line gets a session of its own.
#include "iam/server/auth_service.h"
#include "iam/server/grpc_status.h"

namespace iam::server {

grpc::Status AuthServiceImpl::StartDeviceLogin(grpc::ServerContext* ctx,
                                               const v1::StartDeviceLoginRequest* req,
                                               v1::StartDeviceLoginResponse* out) {
  auto ip = authn_->SourceIp(ctx, "");
  if (!ip.ok()) return ToGrpc(ip.status());
  auto started = device_login_->Start(req->account(), *ip);
  if (!started.ok()) return ToGrpc(started.status());
  const std::string page = tokens_->AccountIssuer(started->account_id) + "/device";
  out->set_account_id(started->account_id);
  out->set_device_code(started->start.device_code);
  out->set_user_code(started->start.user_code);
  out->set_verification_uri(page);
  out->set_verification_uri_complete(page + "?user_code=" + started->start.user_code);
  out->set_expires_in_seconds(started->start.expires_in);
  out->set_interval_seconds(started->start.interval);
  return grpc::Status::OK;
}

grpc::Status AuthServiceImpl::FinishDeviceLogin(grpc::ServerContext* ctx,
                                                const v1::FinishDeviceLoginRequest* req,
                                                v1::FinishDeviceLoginResponse* out) {
  auto ip = authn_->SourceIp(ctx, "");
  if (!ip.ok()) return ToGrpc(ip.status());
  if (req->device_id().size() > 128 || req->audience().size() > 256) {
    return ToGrpc(absl::InvalidArgumentError("device_id or audience: too long"));
  }
  auth::DeviceLoginOrigin origin{*ip, Authenticator::UserAgent(ctx), req->device_id(),
                                 req->audience()};
  auto finished = device_login_->Finish(req->account_id(), req->device_code(), origin);
  if (absl::IsNotFound(finished.status())) {
    return ToGrpc(absl::InvalidArgumentError("device_code: not valid for this account"));
  }
  if (!finished.ok()) return ToGrpc(finished.status());
  switch (finished->kind) {
    case oauth::DevicePoll::kPending:
      out->set_state(v1::DEVICE_LOGIN_STATE_PENDING);
      break;
    case oauth::DevicePoll::kSlowDown:
      out->set_state(v1::DEVICE_LOGIN_STATE_SLOW_DOWN);
      break;
    case oauth::DevicePoll::kDenied:
      out->set_state(v1::DEVICE_LOGIN_STATE_DENIED);
      break;
    case oauth::DevicePoll::kExpired:
      out->set_state(v1::DEVICE_LOGIN_STATE_EXPIRED);
      break;
    case oauth::DevicePoll::kApproved:
      out->set_state(v1::DEVICE_LOGIN_STATE_DONE);
      FillLogin(finished->login, out->mutable_login());
      break;
  }
  return grpc::Status::OK;
}

}  // namespace iam::server
