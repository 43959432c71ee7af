#include "iam/server/auth_service.h"

#include <google/protobuf/util/time_util.h>

#include "absl/strings/str_split.h"
#include "iam/common/status_macros.h"
#include "iam/server/grpc_status.h"
#include "iam/server/serve.h"

namespace iam::server {
namespace {

using google::protobuf::util::TimeUtil;

v1::LoginStatus ToProto(auth::LoginStatus s) {
  switch (s) {
    case auth::LoginStatus::kSuccess:
      return v1::LOGIN_STATUS_SUCCESS;
    case auth::LoginStatus::kFailed:
      return v1::LOGIN_STATUS_FAILED;
    case auth::LoginStatus::kLocked:
      return v1::LOGIN_STATUS_LOCKED;
    case auth::LoginStatus::kThrottled:
      return v1::LOGIN_STATUS_THROTTLED;
    case auth::LoginStatus::kChallengeRequired:
      return v1::LOGIN_STATUS_CHALLENGE_REQUIRED;
    case auth::LoginStatus::kPasswordChangeRequired:
      return v1::LOGIN_STATUS_PASSWORD_CHANGE_REQUIRED;
    case auth::LoginStatus::kMfaRequired:
      return v1::LOGIN_STATUS_MFA_REQUIRED;
    case auth::LoginStatus::kSessionLimit:
      return v1::LOGIN_STATUS_SESSION_LIMIT_REACHED;
    case auth::LoginStatus::kDeviceApprovalRequired:
      return v1::LOGIN_STATUS_DEVICE_APPROVAL_REQUIRED;
  }
  return v1::LOGIN_STATUS_UNSPECIFIED;
}

// What the caller is told: the same words for every reason a login fails.
const char* Message(auth::LoginStatus s) {
  switch (s) {
    case auth::LoginStatus::kSuccess:
      return "logged in";
    case auth::LoginStatus::kFailed:
      return "invalid username or password";
    case auth::LoginStatus::kLocked:
      return "too many failed attempts: try again later";
    case auth::LoginStatus::kThrottled:
      return "too many failed attempts from this source";
    case auth::LoginStatus::kChallengeRequired:
      return "solve the challenge and try again";
    case auth::LoginStatus::kPasswordChangeRequired:
      return "the password must be changed";
    case auth::LoginStatus::kMfaRequired:
      return "a second factor is required";
    case auth::LoginStatus::kSessionLimit:
      return "too many sessions: log out of one first";
    case auth::LoginStatus::kDeviceApprovalRequired:
      return "this device is waiting for an administrator's approval";
  }
  return "";
}

void FillTokens(const session::TokenPair& t, int64_t now_s, v1::Tokens* out) {
  out->set_access_token(t.access_token);
  out->set_token_type("Bearer");
  *out->mutable_access_token_expire_time() = TimeUtil::SecondsToTimestamp(t.access_expires_at);
  out->set_expires_in_seconds(t.access_expires_at - now_s);
  out->set_refresh_token(t.refresh_token);
  out->set_session_id(t.session.id);
}

std::string SessionState(const store::SessionRow& s, int64_t now) {
  if (s.revoked_at) return "revoked";
  return s.LiveAt(now) ? "active" : "expired";
}

}  // namespace

grpc::Status AuthServiceImpl::Login(grpc::ServerContext* ctx, const v1::LoginRequest* req,
                                    v1::LoginResponse* out) {
  auto ip = authn_->SourceIp(ctx, req->client_ip());
  if (!ip.ok()) return ToGrpc(ip.status());
  auth::LoginRequest in;
  in.account = req->account();
  in.username = req->username();
  in.password = req->password();
  in.new_password = req->new_password();
  in.client_type = req->client_type().empty() ? "web" : req->client_type();
  in.device_id = req->device_id();
  in.source_ip = *ip;
  in.user_agent = Authenticator::UserAgent(ctx);
  in.challenge_proof = req->challenge_proof();
  in.audience = req->audience();
  in.device_token = req->device_token();
  auto result = login_.Login(in);
  if (!result.ok()) return ToGrpc(result.status());
  FillLogin(*result, out);
  return grpc::Status::OK;
}

void AuthServiceImpl::FillLogin(const auth::LoginResult& result, v1::LoginResponse* out) const {
  out->set_status(ToProto(result.status));
  out->set_message(Message(result.status));
  out->set_retry_after_ms(result.retry_after_ms);
  if (result.status == auth::LoginStatus::kMfaRequired) {
    out->set_mfa_ticket(result.mfa_ticket);
    *out->mutable_mfa_ticket_expire_time() =
        TimeUtil::MillisecondsToTimestamp(result.mfa_ticket_expires_at);
    out->set_enrollment_required(result.enrollment_required);
    if (result.enrollment_required) out->set_message("enrol a second factor to continue");
  }
  if (result.status == auth::LoginStatus::kChallengeRequired) {
    auto* c = out->mutable_challenge();
    c->set_kind(result.challenge.kind);
    c->set_puzzle(result.challenge.puzzle);
    c->set_bits(result.challenge.bits);
    c->set_script_url(result.challenge.script_url);
    c->set_site_key(result.challenge.site_key);
  }
  if (result.status == auth::LoginStatus::kSuccess) {
    FillTokens(result.tokens, absl::ToUnixSeconds(clock_->Now()), out->mutable_tokens());
    if (result.previous.present) {
      auto* p = out->mutable_previous_login();
      *p->mutable_time() = TimeUtil::MillisecondsToTimestamp(result.previous.at);
      p->set_source_ip(result.previous.source_ip);
      p->set_device_id(result.previous.device_id);
      p->set_client_type(result.previous.client_type);
    }
    for (const auto& id : result.evicted_sessions) out->add_evicted_session_ids(id);
    out->set_device_token(result.device_token);
  }
  if (result.password_at_risk) {
    out->set_password_at_risk(true);
    out->set_message(result.status == auth::LoginStatus::kSuccess
                         ? "logged in; your password is on a list of breached or common "
                           "passwords: change it"
                         : "your password is on a list of breached or common passwords: "
                           "change it to continue");
  }
}

grpc::Status AuthServiceImpl::Refresh(grpc::ServerContext* ctx, const v1::RefreshRequest* req,
                                      v1::TokenResponse* out) {
  auto pair = sessions_->Refresh(req->refresh_token(), req->audience(), PeerAddress(ctx->peer()),
                                 Authenticator::UserAgent(ctx));
  if (!pair.ok()) return ToGrpc(pair.status());
  FillTokens(*pair, absl::ToUnixSeconds(clock_->Now()), out->mutable_tokens());
  return grpc::Status::OK;
}

grpc::Status AuthServiceImpl::Logout(grpc::ServerContext* ctx, const v1::LogoutRequest*,
                                     v1::LogoutResponse*) {
  auto caller = authn_->Authenticate(ctx);
  if (!caller.ok()) return ToGrpc(caller.status());
  return ToGrpc(sessions_->Logout(*caller));
}

grpc::Status AuthServiceImpl::ChangePassword(grpc::ServerContext* ctx,
                                             const v1::ChangePasswordRequest* req,
                                             v1::ChangePasswordResponse*) {
  auto caller = authn_->Authenticate(ctx);
  if (!caller.ok()) return ToGrpc(caller.status());
  return ToGrpc(passwords_.ChangeOwn(*caller, req->old_password(), req->new_password()));
}

grpc::Status AuthServiceImpl::IssueToken(grpc::ServerContext* ctx, const v1::IssueTokenRequest* req,
                                         v1::IssueTokenResponse* out) {
  auto caller = authn_->Authenticate(ctx);
  if (!caller.ok()) return ToGrpc(caller.status());
  auto issued = sessions_->IssueForAudience(*caller, req->audience());
  if (!issued.ok()) return ToGrpc(issued.status());
  out->set_access_token(issued->token);
  *out->mutable_expire_time() = TimeUtil::SecondsToTimestamp(issued->claims.exp);
  return grpc::Status::OK;
}

grpc::ServerUnaryReactor* AuthServiceImpl::VerifyToken(grpc::CallbackServerContext* ctx,
                                                       const v1::VerifyTokenRequest* req,
                                                       v1::VerifyTokenResponse* out) {
  return Answer(ctx, Verify(*req, out));
}

grpc::Status AuthServiceImpl::Verify(const v1::VerifyTokenRequest& request,
                                     v1::VerifyTokenResponse* out) const {
  const v1::VerifyTokenRequest* req = &request;
  if (req->audience().size() > 256) {
    return ToGrpc(absl::InvalidArgumentError("audience: longer than 256 bytes"));
  }
  // Online verification answers from memory through a short store outage;
  // past its grace period it fails closed. Offline needs no store.
  if (!req->offline() && outage_ != nullptr && outage_->FailClosed()) {
    return ToGrpc(absl::UnavailableError(
        "the store has been unreachable for longer than the outage grace period"));
  }
  auto v = tokens_->Verify(req->token(), req->audience(), !req->offline());
  if (!v.ok()) {
    if (!absl::IsUnauthenticated(v.status())) return ToGrpc(v.status());
    // An invalid token is an answer, not an error of the call.
    out->set_valid(false);
    out->set_reason(std::string(v.status().message()));
    return grpc::Status::OK;
  }
  const token::Claims& c = v->claims;
  out->set_valid(!v->session_checked || v->session_active);
  if (!out->valid()) out->set_reason("token: session " + v->session_state);
  out->set_subject(c.sub);
  out->set_account_id(c.account);
  out->set_username(c.username);
  out->set_session_id(c.sid);
  out->set_audience(c.aud);
  for (const auto& m : c.amr) out->add_amr(m);
  *out->mutable_auth_time() = TimeUtil::SecondsToTimestamp(c.auth_time);
  *out->mutable_expire_time() = TimeUtil::SecondsToTimestamp(c.exp);
  *out->mutable_issue_time() = TimeUtil::SecondsToTimestamp(c.iat);
  out->set_session_state(v->session_state);
  out->set_client_type(c.client_type);
  out->set_issuer(c.iss);
  out->set_token_id(c.jti);
  const bool mfa = std::find(c.amr.begin(), c.amr.end(), "mfa") != c.amr.end();
  out->set_mfa_present(mfa);
  out->set_mfa_age_seconds(
      mfa ? std::max<int64_t>(0, absl::ToUnixSeconds(clock_->Now()) - c.auth_time) : -1);
  return grpc::Status::OK;
}

grpc::Status AuthServiceImpl::GetJwks(grpc::ServerContext*, const v1::GetJwksRequest*,
                                      v1::GetJwksResponse* out) {
  auto jwks = tokens_->keys().Jwks();
  if (!jwks.ok()) return ToGrpc(jwks.status());
  out->set_jwks_json(jwks->dump());
  return grpc::Status::OK;
}

grpc::Status AuthServiceImpl::ListSessions(grpc::ServerContext* ctx,
                                           const v1::ListSessionsRequest* req,
                                           v1::ListSessionsResponse* out) {
  auto caller = authn_->Authenticate(ctx);
  if (!caller.ok()) return ToGrpc(caller.status());
  auto rows = sessions_->List(*caller, req->account_id(), req->username(), req->include_ended());
  if (!rows.ok()) return ToGrpc(rows.status());
  const int64_t now = ToUnixMillisUtc(clock_->Now());
  for (const auto& s : *rows) {
    v1::Session* p = out->add_sessions();
    p->set_id(s.id);
    p->set_account_id(s.account_id);
    p->set_user_id(s.user_id);
    p->set_client_type(s.client_type);
    p->set_device_id(s.device_id);
    p->set_source_ip(s.source_ip);
    p->set_user_agent(s.user_agent);
    *p->mutable_create_time() = TimeUtil::MillisecondsToTimestamp(s.created_at);
    *p->mutable_last_seen_time() = TimeUtil::MillisecondsToTimestamp(s.last_seen_at);
    *p->mutable_expire_time() = TimeUtil::MillisecondsToTimestamp(s.expires_at);
    *p->mutable_idle_expire_time() = TimeUtil::MillisecondsToTimestamp(s.idle_expires_at);
    p->set_state(SessionState(s, now));
    p->set_revoke_reason(s.revoke_reason);
    for (absl::string_view m : absl::StrSplit(s.amr, ',', absl::SkipEmpty())) {
      p->add_amr(std::string(m));
    }
  }
  return grpc::Status::OK;
}

grpc::Status AuthServiceImpl::RevokeSession(grpc::ServerContext* ctx,
                                            const v1::RevokeSessionRequest* req,
                                            v1::RevokeSessionResponse*) {
  auto caller = authn_->Authenticate(ctx);
  if (!caller.ok()) return ToGrpc(caller.status());
  return ToGrpc(sessions_->Revoke(*caller, req->account_id(), req->session_id()));
}

}  // namespace iam::server

namespace iam::server {

grpc::Status AuthServiceImpl::VerifyMfa(grpc::ServerContext* ctx, const v1::VerifyMfaRequest* req,
                                        v1::LoginResponse* out) {
  auth::MfaAnswer a{req->ticket(),
                    req->code(),
                    req->recovery_code(),
                    req->remember_device(),
                    PeerAddress(ctx->peer()),
                    Authenticator::UserAgent(ctx),
                    ""};
  auto result = mfa_login_.Verify(a);
  if (!result.ok()) return ToGrpc(result.status());
  FillLogin(*result, out);
  return grpc::Status::OK;
}

grpc::Status AuthServiceImpl::BeginTotpEnrollment(grpc::ServerContext* ctx,
                                                  const v1::BeginTotpEnrollmentRequest* req,
                                                  v1::BeginTotpEnrollmentResponse* out) {
  absl::StatusOr<mfa::Enrollment> e;
  if (!req->ticket().empty()) {
    e = mfa_login_.BeginEnrollment(req->ticket());
  } else {
    auto caller = authn_->Authenticate(ctx);
    if (!caller.ok()) return ToGrpc(caller.status());
    e = mfa_->Begin(*caller);
  }
  if (!e.ok()) return ToGrpc(e.status());
  out->set_otpauth_uri(e->otpauth_uri);
  out->set_secret(e->secret_base32);
  out->set_algorithm(mfa::TotpAlgorithmName(e->params.algorithm));
  out->set_digits(e->params.digits);
  out->set_period_seconds(e->params.period);
  return grpc::Status::OK;
}

grpc::Status AuthServiceImpl::ConfirmTotpEnrollment(grpc::ServerContext* ctx,
                                                    const v1::ConfirmTotpEnrollmentRequest* req,
                                                    v1::ConfirmTotpEnrollmentResponse* out) {
  if (!req->ticket().empty()) {
    auth::MfaAnswer a{req->ticket(),
                      req->code(),
                      "",
                      req->remember_device(),
                      PeerAddress(ctx->peer()),
                      Authenticator::UserAgent(ctx),
                      ""};
    auto result = mfa_login_.ConfirmEnrollment(a);
    if (!result.ok()) return ToGrpc(result.status());
    FillLogin(*result, out->mutable_login());
    for (const auto& c : result->recovery_codes) out->add_recovery_codes(c);
    return grpc::Status::OK;
  }
  auto caller = authn_->Authenticate(ctx);
  if (!caller.ok()) return ToGrpc(caller.status());
  auto codes = mfa_->Confirm(*caller, req->code());
  if (!codes.ok()) return ToGrpc(codes.status());
  for (const auto& c : *codes) out->add_recovery_codes(c);
  return grpc::Status::OK;
}

grpc::Status AuthServiceImpl::RegenerateRecoveryCodes(grpc::ServerContext* ctx,
                                                      const v1::RegenerateRecoveryCodesRequest* req,
                                                      v1::RegenerateRecoveryCodesResponse* out) {
  auto caller = authn_->Authenticate(ctx);
  if (!caller.ok()) return ToGrpc(caller.status());
  auto codes = mfa_->RegenerateRecoveryCodes(*caller, req->code());
  if (!codes.ok()) return ToGrpc(codes.status());
  for (const auto& c : *codes) out->add_recovery_codes(c);
  return grpc::Status::OK;
}

grpc::Status AuthServiceImpl::GetMfaStatus(grpc::ServerContext* ctx,
                                           const v1::GetMfaStatusRequest* req, v1::MfaStatus* out) {
  auto caller = authn_->Authenticate(ctx);
  if (!caller.ok()) return ToGrpc(caller.status());
  auto st = mfa_->Status(*caller, req->account_id(), req->username());
  if (!st.ok()) return ToGrpc(st.status());
  out->set_enrolled(st->enrolled);
  out->set_pending(st->pending);
  out->set_algorithm(st->algorithm);
  out->set_digits(st->digits);
  out->set_period_seconds(st->period);
  if (st->confirmed_at) {
    *out->mutable_confirm_time() = TimeUtil::MillisecondsToTimestamp(st->confirmed_at);
  }
  out->set_recovery_codes_left(st->recovery_codes_left);
  out->set_policy_mode(st->mode);
  out->set_required(st->required);
  out->set_consecutive_failures(st->consecutive_failures);
  return grpc::Status::OK;
}

grpc::Status AuthServiceImpl::StepUp(grpc::ServerContext* ctx, const v1::StepUpRequest* req,
                                     v1::StepUpResponse* out) {
  auto caller = authn_->Authenticate(ctx);
  if (!caller.ok()) return ToGrpc(caller.status());
  auto t = mfa_login_.StepUp(*caller, req->code(), req->recovery_code(), req->audience());
  if (!t.ok()) return ToGrpc(t.status());
  out->set_access_token(t->access_token);
  *out->mutable_expire_time() = TimeUtil::SecondsToTimestamp(t->access_expires_at);
  *out->mutable_auth_time() = TimeUtil::MillisecondsToTimestamp(t->session.auth_time);
  return grpc::Status::OK;
}

grpc::Status AuthServiceImpl::ListDevices(grpc::ServerContext* ctx,
                                          const v1::ListDevicesRequest* req,
                                          v1::ListDevicesResponse* out) {
  auto caller = authn_->Authenticate(ctx);
  if (!caller.ok()) return ToGrpc(caller.status());
  auto devices = devices_->List(*caller, req->account_id(), req->username());
  if (!devices.ok()) return ToGrpc(devices.status());
  const int64_t now = absl::ToUnixMillis(clock_->Now());
  for (const auto& d : *devices) {
    v1::Device* p = out->add_devices();
    p->set_device_id(d.device_id);
    p->set_state(store::Name(d.state));
    p->set_trusted(!d.token_hash.empty() && d.trusted_until > now);
    if (d.trusted_until > 0) {
      *p->mutable_trusted_until() = TimeUtil::MillisecondsToTimestamp(d.trusted_until);
    }
    *p->mutable_first_seen_time() = TimeUtil::MillisecondsToTimestamp(d.first_seen_at);
    *p->mutable_last_seen_time() = TimeUtil::MillisecondsToTimestamp(d.last_seen_at);
    p->set_last_ip(d.last_ip);
    p->set_user_agent(d.user_agent);
    p->set_approved_by(d.approved_by);
    if (d.approved_at)
      *p->mutable_approve_time() = TimeUtil::MillisecondsToTimestamp(*d.approved_at);
  }
  return grpc::Status::OK;
}

grpc::Status AuthServiceImpl::RevokeDevice(grpc::ServerContext* ctx,
                                           const v1::RevokeDeviceRequest* req,
                                           v1::RevokeDeviceResponse*) {
  auto caller = authn_->Authenticate(ctx);
  if (!caller.ok()) return ToGrpc(caller.status());
  return ToGrpc(devices_->Revoke(*caller, req->account_id(), req->username(), req->device_id()));
}

}  // namespace iam::server
