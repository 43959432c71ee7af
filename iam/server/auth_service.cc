#include "iam/server/auth_service.h"

#include <google/protobuf/util/time_util.h>

#include "absl/strings/str_split.h"
#include "iam/common/status_macros.h"
#include "iam/server/grpc_status.h"

namespace iam::server {
namespace {

using google::protobuf::util::TimeUtil;

v1::LoginStatus ToProto(auth::LoginStatus s) {
  switch (s) {
    case auth::LoginStatus::kSuccess: return v1::LOGIN_STATUS_SUCCESS;
    case auth::LoginStatus::kFailed: return v1::LOGIN_STATUS_FAILED;
    case auth::LoginStatus::kLocked: return v1::LOGIN_STATUS_LOCKED;
    case auth::LoginStatus::kThrottled: return v1::LOGIN_STATUS_THROTTLED;
    case auth::LoginStatus::kChallengeRequired: return v1::LOGIN_STATUS_CHALLENGE_REQUIRED;
    case auth::LoginStatus::kPasswordChangeRequired:
      return v1::LOGIN_STATUS_PASSWORD_CHANGE_REQUIRED;
    case auth::LoginStatus::kMfaRequired: return v1::LOGIN_STATUS_MFA_REQUIRED;
    case auth::LoginStatus::kSessionLimit: return v1::LOGIN_STATUS_SESSION_LIMIT_REACHED;
  }
  return v1::LOGIN_STATUS_UNSPECIFIED;
}

// What the caller is told: the same words for every reason a login fails.
const char* Message(auth::LoginStatus s) {
  switch (s) {
    case auth::LoginStatus::kSuccess: return "logged in";
    case auth::LoginStatus::kFailed: return "invalid username or password";
    case auth::LoginStatus::kLocked: return "too many failed attempts: try again later";
    case auth::LoginStatus::kThrottled: return "too many failed attempts from this source";
    case auth::LoginStatus::kChallengeRequired: return "solve the challenge and try again";
    case auth::LoginStatus::kPasswordChangeRequired: return "the password must be changed";
    case auth::LoginStatus::kMfaRequired: return "a second factor is required";
    case auth::LoginStatus::kSessionLimit: return "too many sessions: log out of one first";
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
  auto result = login_.Login(in);
  if (!result.ok()) return ToGrpc(result.status());
  out->set_status(ToProto(result->status));
  out->set_message(Message(result->status));
  out->set_retry_after_ms(result->retry_after_ms);
  if (result->status == auth::LoginStatus::kSuccess) {
    FillTokens(result->tokens, absl::ToUnixSeconds(clock_->Now()), out->mutable_tokens());
    if (result->previous.present) {
      auto* p = out->mutable_previous_login();
      *p->mutable_time() = TimeUtil::MillisecondsToTimestamp(result->previous.at);
      p->set_source_ip(result->previous.source_ip);
      p->set_device_id(result->previous.device_id);
      p->set_client_type(result->previous.client_type);
    }
    for (const auto& id : result->evicted_sessions) out->add_evicted_session_ids(id);
  }
  return grpc::Status::OK;
}

grpc::Status AuthServiceImpl::Refresh(grpc::ServerContext* ctx, const v1::RefreshRequest* req,
                                      v1::TokenResponse* out) {
  auto pair = sessions_->Refresh(req->refresh_token(), req->audience(),
                                 PeerAddress(ctx->peer()), Authenticator::UserAgent(ctx));
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

grpc::Status AuthServiceImpl::IssueToken(grpc::ServerContext* ctx,
                                         const v1::IssueTokenRequest* req,
                                         v1::IssueTokenResponse* out) {
  auto caller = authn_->Authenticate(ctx);
  if (!caller.ok()) return ToGrpc(caller.status());
  auto issued = sessions_->IssueForAudience(*caller, req->audience());
  if (!issued.ok()) return ToGrpc(issued.status());
  out->set_access_token(issued->token);
  *out->mutable_expire_time() = TimeUtil::SecondsToTimestamp(issued->claims.exp);
  return grpc::Status::OK;
}

grpc::Status AuthServiceImpl::VerifyToken(grpc::ServerContext*, const v1::VerifyTokenRequest* req,
                                          v1::VerifyTokenResponse* out) {
  if (req->audience().size() > 256) {
    return ToGrpc(absl::InvalidArgumentError("audience: longer than 256 bytes"));
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
