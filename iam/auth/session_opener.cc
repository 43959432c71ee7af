#include "iam/auth/session_opener.h"

#include "iam/common/status_macros.h"
#include "iam/mfa/device_service.h"
#include "iam/store/credential_store.h"
#include "iam/store/login_store.h"
#include "iam/store/policy_store.h"
#include "iam/store/user_store.h"

namespace iam::auth {

audit::Event LoginEvent(const std::string& account_id, const store::UserRow* user,
                        const LoginOrigin& origin, const std::string& result,
                        const std::string& reason) {
  audit::Event e =
      audit::Event::By(user ? account::UserArn(account_id, user->username) : "anonymous",
                       account_id, "sts:Login", "user", user ? user->id : "");
  e.source_ip = origin.source_ip;
  e.user_agent = origin.user_agent;
  e.result = result;
  e.detail["username"] = origin.username;
  e.detail["client_type"] = origin.client_type;
  e.detail["device_id"] = origin.device_id;
  if (!origin.oauth_client.empty()) e.detail["client"] = origin.oauth_client;
  if (!origin.provider.empty()) e.detail["provider"] = origin.provider;
  if (!reason.empty()) e.detail["reason"] = reason;
  return e;
}

absl::StatusOr<LoginResult> SessionOpener::OpenInTx(store::Tx& tx, const store::UserRow& user,
                                                    const LoginOrigin& origin,
                                                    const OpenRequest& request) {
  LoginResult out;
  const int64_t now = clock_.NowMs();
  ASSIGN_OR_RETURN(store::LoginStateRow state,
                   store::login::LockLoginState(tx, user.id, user.account_id));
  // Disabled between the password check and now.
  ASSIGN_OR_RETURN(store::UserRow fresh, store::users::Get(tx, user.id));
  if (fresh.state != store::UserState::kActive) {
    RETURN_IF_ERROR(audit_.Append(
        tx, LoginEvent(user.account_id, &user, origin, "failure", "user disabled")));
    out.status = LoginStatus::kFailed;
    return out;
  }
  ASSIGN_OR_RETURN(
      session::SessionPolicy policy,
      store::account_policies::Load<session::SessionPolicy>(tx, user.account_id, "session"));
  session::NewSession n{user.account_id,    user.id,          user.username,
                        origin.client_type, origin.device_id, origin.source_ip,
                        origin.user_agent,  request.amr,      now};
  ASSIGN_OR_RETURN(session::OpenOutcome outcome, sessions_.OpenInTx(tx, policy, n));
  if (std::holds_alternative<session::LimitReached>(outcome)) {
    RETURN_IF_ERROR(audit_.Append(
        tx, LoginEvent(user.account_id, &user, origin, "failure", "session limit reached")));
    out.status = LoginStatus::kSessionLimit;
    return out;
  }
  const session::OpenedSession* opened = &std::get<session::OpenedSession>(outcome);
  ASSIGN_OR_RETURN(auto pw, store::passwords::Get(tx, user.id));
  if (pw && !request.rehash.empty()) {
    pw->hash = request.rehash;
    RETURN_IF_ERROR(store::passwords::Put(tx, *pw));
  }
  out.password_at_risk = pw && pw->at_risk_since.has_value();
  if (devices_ != nullptr) {
    ASSIGN_OR_RETURN(mfa::MfaPolicy mfa_policy,
                     store::account_policies::Load<mfa::MfaPolicy>(tx, user.account_id, "mfa"));
    ASSIGN_OR_RETURN(
        out.device_token,
        devices_->LearnInTx(tx, user, {origin.device_id, origin.source_ip, origin.user_agent},
                                mfa_policy, request.remember_device));
  }
  if (state.last_at) {
    out.previous =
        PreviousLogin{true, *state.last_at, state.last_ip, state.last_device, state.last_client};
  }
  state.last_at = now;
  state.last_ip = origin.source_ip;
  state.last_device = origin.device_id;
  state.last_client = origin.client_type;
  RETURN_IF_ERROR(store::login::RecordLogin(tx, state));
  audit::Event e = LoginEvent(user.account_id, &user, origin, "success", "");
  e.detail["amr"] = request.amr;
  if (!request.risk.empty()) e.detail["risk"] = request.risk;
  if (out.password_at_risk) e.detail["password_at_risk"] = true;
  RETURN_IF_ERROR(audit_.Append(tx, e));
  out.status = LoginStatus::kSuccess;
  out.evicted_sessions = opened->evicted;
  out.tokens.session = opened->row;
  out.tokens.refresh_token = opened->refresh_token;
  out.tokens.access_expires_at = policy.access_token_ttl_seconds;  // the TTL, until signed
  return out;
}

absl::StatusOr<LoginResult> SessionOpener::Sign(const std::string& username,
                                                const std::string& audience, LoginResult out) {
  if (out.status != LoginStatus::kSuccess) return out;
  for (const auto& id : out.evicted_sessions) sessions_.ForgetSession(id);
  session::OpenedSession opened{out.tokens.session, out.tokens.refresh_token, {}};
  ASSIGN_OR_RETURN(out.tokens,
                   sessions_.Tokens(opened, username, audience,
                                         static_cast<int>(out.tokens.access_expires_at)));
  return out;
}

}  // namespace iam::auth
