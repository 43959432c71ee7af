// The device authorization grant of TokenEndpoint (RFC 8628 §3.4): the
// device polls with its device code until its user allowed it in a
// browser; then the tokens of that browser session for the client, as
// the code grant issues them, once.
#include "absl/strings/str_join.h"
#include "iam/common/crypto.h"
#include "iam/common/status_macros.h"
#include "iam/oauth/authorize.h"
#include "iam/oauth/oauth_error.h"
#include "iam/oauth/token_endpoint.h"
#include "iam/store/session_store.h"
#include "iam/store/user_store.h"

namespace iam::oauth {

absl::StatusOr<nlohmann::json> TokenEndpoint::AuthorizeDevice(const TokenRequest& r) {
  if (devices_ == nullptr) return UnsupportedGrantType("the device grant is not offered");
  ASSIGN_OR_RETURN(KnownClient client, Authenticate(r));
  if (!client.view.metadata.Allows(kGrantDeviceCode)) {
    return UnauthorizedClient("the client may not use the device grant");
  }
  ASSIGN_OR_RETURN(std::vector<std::string> scopes, GrantedScopes(client.view.metadata, r.form));
  ASSIGN_OR_RETURN(DeviceStart start,
                   devices_->Start(r.account_id, client.view.row.client_id,
                                   absl::StrJoin(scopes, " "), "oauth", r.source_ip));
  const std::string page = tokens_.AccountIssuer(r.account_id) + "/device";
  return nlohmann::json{{"device_code", start.device_code},
                        {"user_code", start.user_code},
                        {"verification_uri", page},
                        {"verification_uri_complete", page + "?user_code=" + start.user_code},
                        {"expires_in", start.expires_in},
                        {"interval", start.interval}};
}

absl::StatusOr<nlohmann::json> TokenEndpoint::DeviceCode(const KnownClient& client,
                                                         const TokenRequest& r, Grant& grant) {
  if (devices_ == nullptr) return UnsupportedGrantType("the device grant is not offered");
  const std::string& device_code = Param(r.form, "device_code");
  if (device_code.empty()) return InvalidRequest("device_code is required");
  auto poll = devices_->Poll(r.account_id, client.view.row.client_id, "oauth", device_code);
  if (absl::IsNotFound(poll.status())) return InvalidGrant("the device code is not valid");
  RETURN_IF_ERROR(poll.status());
  switch (poll->kind) {
    case DevicePoll::kPending:
      return ErrorNamed("authorization_pending", "the user has not answered yet");
    case DevicePoll::kSlowDown:
      return ErrorNamed("slow_down", "poll less often: the interval has grown by 5 seconds");
    case DevicePoll::kDenied:
      return ErrorNamed("access_denied", "the user refused the device");
    case DevicePoll::kExpired:
      return ErrorNamed("expired_token", "the device code has expired or was used");
    case DevicePoll::kApproved:
      break;
  }
  const store::DeviceCodeRow& device = poll->row;
  const int64_t now = clock_.NowMs();
  store::SessionRow session;
  store::UserRow user;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(session, store::sessions::Get(tx, device.session_id));
    ASSIGN_OR_RETURN(user, store::users::Get(tx, device.user_id));
    return absl::OkStatus();
  }));
  if (!session.LiveAt(now)) return InvalidGrant("the session has ended");
  if (user.state != store::UserState::kActive) return InvalidGrant("the user is disabled");
  store::CodeRow row;
  row.client_id = client.view.row.client_id;
  row.user_id = user.id;
  row.session_id = session.id;
  row.scope = device.scope;
  row.auth_time = session.auth_time;
  row.amr = session.amr;
  row.acr = MultiFactor(session.amr) ? kAcrMfa : kAcrPassword;
  const std::string jti = crypto::Base64Url(random_.Bytes(16));
  const std::string family =
      client.view.metadata.Allows(kGrantRefreshToken) ? crypto::Base64Url(random_.Bytes(16)) : "";
  return IssueForSession(client, r, grant, row, user, session, jti, family);
}

}  // namespace iam::oauth
