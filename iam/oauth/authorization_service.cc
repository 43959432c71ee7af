#include "iam/oauth/authorization_service.h"

#include <algorithm>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "iam/common/crypto.h"
#include "iam/common/status_macros.h"
#include "iam/oauth/client_service.h"
#include "iam/oauth/device_authorization.h"
#include "iam/oauth/oauth_error.h"
#include "iam/store/device_code_store.h"
#include "iam/store/mfa_store.h"
#include "iam/store/session_store.h"
#include "iam/store/sso_store.h"
#include "iam/store/user_store.h"

namespace iam::oauth {
namespace {

bool Covers(const std::string& granted, const std::vector<std::string>& asked) {
  const std::vector<std::string> have = absl::StrSplit(granted, ' ', absl::SkipEmpty());
  return std::all_of(asked.begin(), asked.end(), [&](const std::string& s) {
    return std::find(have.begin(), have.end(), s) != have.end();
  });
}


}  // namespace

AuthorizationService::AuthorizationService(store::Database& db, const Clock& clock,
                                           Random& random, ClientAuthenticator& clients,
                                           token::TokenService& tokens)
    : db_(db), clock_(clock), random_(random), clients_(clients), tokens_(tokens) {}

std::string AuthorizationService::ErrorRedirect(const AuthorizeRequest& r,
                                                const std::string& issuer,
                                                const absl::Status& error) const {
  const HttpError e = ToHttpError(error);
  std::vector<std::pair<std::string, std::string>> params = {
      {"error", e.status >= 500 ? "server_error" : e.error}};
  if (!e.description.empty() && e.status < 500) params.emplace_back("error_description", e.description);
  if (!r.state.empty()) params.emplace_back("state", r.state);
  params.emplace_back("iss", issuer);
  return RedirectWith(r.redirect_uri, params);
}

absl::StatusOr<AuthorizationService::Begun> AuthorizationService::Begin(
    const std::string& account_id, const Form& params, const std::string& browser_id) {
  Begun out;
  auto client = clients_.Lookup(account_id, Param(params, "client_id"));
  if (!client.ok()) {
    if (absl::IsUnavailable(client.status())) return client.status();
    out.error_page = "unknown_client";
    return out;
  }
  if (absl::Status s = CheckRedirect(params, client->view.metadata); !s.ok()) {
    out.error_page = ToHttpError(s).error == "unauthorized_client" ? "client_not_allowed"
                                                                   : "bad_redirect_uri";
    return out;
  }
  const std::string issuer = tokens_.AccountIssuer(account_id);
  auto request = ParseAuthorize(params, client->view.metadata);
  if (!request.ok()) {
    AuthorizeRequest r;
    r.redirect_uri = Param(params, "redirect_uri");
    r.state = Param(params, "state").substr(0, 1024);
    out.error_redirect = ErrorRedirect(r, issuer, request.status());
    return out;
  }
  ASSIGN_OR_RETURN(out.pending,
                   Store(account_id, *std::move(request), *std::move(client), browser_id));
  return out;
}

absl::StatusOr<PendingLogin> AuthorizationService::Store(const std::string& account_id,
                                                         AuthorizeRequest request,
                                                         KnownClient client,
                                                         const std::string& browser_id) {
  const std::string id = crypto::Base64Url(random_.Bytes(32));
  const int64_t now = clock_.NowMs();
  store::AuthRequestRow row;
  row.request_hash = SecretDigest(id);
  row.account_id = account_id;
  row.client_id = request.client_id;
  row.browser_hash = SecretDigest(browser_id);
  row.params = request.ToJson().dump();
  row.created_at = now;
  row.expires_at = now + kAuthRequestTtlMs;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kWrite, [&](store::Tx& tx) {
    return store::sso::InsertAuthRequest(tx, row);
  }));
  return PendingLogin{id, account_id, std::move(request), std::move(client),
                      tokens_.AccountIssuer(account_id), now};
}

absl::StatusOr<PendingLogin> AuthorizationService::BeginDevice(const store::DeviceCodeRow& device,
                                                               const std::string& browser_id) {
  AuthorizeRequest request;
  request.client_id = device.client_id;
  request.scopes = absl::StrSplit(device.scope, ' ', absl::SkipEmpty());
  request.device_code_hash = device.device_code_hash;
  ASSIGN_OR_RETURN(KnownClient client, ClientOf(device.account_id, request));
  return Store(device.account_id, std::move(request), std::move(client), browser_id);
}

absl::StatusOr<KnownClient> AuthorizationService::ClientOf(const std::string& account_id,
                                                           const AuthorizeRequest& request) {
  const bool cli = !request.device_code_hash.empty() && request.client_id == kCliClientId;
  const bool pages = !request.return_to.empty() && request.client_id == kAccountPagesClientId;
  if (!cli && !pages) return clients_.Lookup(account_id, request.client_id);
  // iamctl and the account's pages are no registered clients: they are the
  // service's own.
  KnownClient client;
  client.view.row.client_id = request.client_id;
  client.view.metadata.client_name = cli ? "iamctl" : "";
  client.view.metadata.first_party = true;
  client.account_active = true;
  return client;
}

absl::StatusOr<PendingLogin> AuthorizationService::BeginSelfService(
    const std::string& account_id, const std::string& return_to, const std::string& browser_id) {
  AuthorizeRequest request;
  request.client_id = kAccountPagesClientId;
  request.return_to = return_to;
  ASSIGN_OR_RETURN(KnownClient client, ClientOf(account_id, request));
  return Store(account_id, std::move(request), std::move(client), browser_id);
}

absl::Status AuthorizationService::DecideDevice(const PendingLogin& p,
                                                const store::SessionRow& session, bool allow) {
  if (p.request.device_code_hash.empty()) return absl::NotFoundError("not a device sign-in");
  return db_.Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(int64_t finished,
                     store::sso::FinishAuthRequest(tx, SecretDigest(p.id), clock_.NowMs()));
    ASSIGN_OR_RETURN(auto device, store::device_codes::ByDeviceCode(tx, p.request.device_code_hash));
    if (finished == 0 || !device || device->expires_at <= clock_.NowMs()) {
      return absl::NotFoundError("this device sign-in has ended");
    }
    ASSIGN_OR_RETURN(int64_t decided,
                     store::device_codes::Decide(tx, p.request.device_code_hash,
                                                 allow ? "approved" : "denied", session.user_id,
                                                 session.id));
    if (decided == 0) return absl::NotFoundError("this device sign-in has ended");
    return absl::OkStatus();
  });
}

absl::StatusOr<PendingLogin> AuthorizationService::Pending(const std::string& account_id,
                                                           const std::string& id,
                                                           const std::string& browser_id) {
  const absl::Status gone = absl::NotFoundError("this sign-in request has ended");
  if (id.empty() || id.size() > 64 || browser_id.empty()) return gone;
  std::optional<store::AuthRequestRow> row;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(row, store::sso::GetAuthRequest(tx, SecretDigest(id)));
    return absl::OkStatus();
  }));
  if (!row || row->account_id != account_id || row->finished_at ||
      row->expires_at <= clock_.NowMs() ||
      !crypto::ConstantTimeEquals(row->browser_hash, SecretDigest(browser_id))) {
    return gone;
  }
  ASSIGN_OR_RETURN(AuthorizeRequest request, AuthorizeRequest::FromJson(row->params));
  auto client = ClientOf(account_id, request);
  if (!client.ok()) return absl::IsNotFound(client.status()) ? gone : client.status();
  return PendingLogin{id, account_id, std::move(request), *std::move(client),
                      tokens_.AccountIssuer(account_id), row->created_at};
}

absl::StatusOr<std::optional<store::SessionRow>> AuthorizationService::SignedIn(
    const std::string& account_id, const std::string& sso_cookie) {
  if (sso_cookie.empty() || sso_cookie.size() > 64) return std::nullopt;
  std::optional<store::SessionRow> out;
  const int64_t now = clock_.NowMs();
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    out.reset();
    ASSIGN_OR_RETURN(auto sso, store::sso::GetSso(tx, SecretDigest(sso_cookie)));
    if (!sso || sso->account_id != account_id) return absl::OkStatus();
    auto session = store::sessions::Get(tx, sso->session_id);
    if (absl::IsNotFound(session.status())) return absl::OkStatus();
    RETURN_IF_ERROR(session.status());
    if (!session->LiveAt(now)) return absl::OkStatus();
    ASSIGN_OR_RETURN(store::UserRow user, store::users::Get(tx, session->user_id));
    if (user.state != store::UserState::kActive) return absl::OkStatus();
    out = *std::move(session);
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<Decision> AuthorizationService::Decide(
    const PendingLogin& p, const std::optional<store::SessionRow>& session) {
  const AuthorizeRequest& r = p.request;
  const bool none = r.Prompts("none");
  auto refuse = [&](absl::string_view error, absl::string_view why) -> absl::StatusOr<Decision> {
    ASSIGN_OR_RETURN(std::string redirect, Refuse(p, error, why));
    return Decision{Decision::kRedirect, std::move(redirect)};
  };
  if (!session) {
    if (none) return refuse("login_required", "the user is not signed in");
    return Decision{Decision::kLogin, ""};
  }
  // A device is allowed by the signed-in user, every time, in so many
  // words: a code typed from someone else's screen must not go through.
  if (!r.device_code_hash.empty()) return Decision{Decision::kDevice, ""};
  if (!r.return_to.empty()) {
    RETURN_IF_ERROR(db_.Transact(store::TxMode::kWrite, [&](store::Tx& tx) {
      return store::sso::FinishAuthRequest(tx, SecretDigest(p.id), clock_.NowMs()).status();
    }));
    return Decision{Decision::kRedirect, r.return_to};
  }
  const bool fresh_login = session->auth_time >= p.created_at;
  if (!fresh_login) {
    const int64_t now = clock_.NowMs();
    const bool too_old = r.max_age && now - session->auth_time > *r.max_age * 1000;
    const bool weak = r.mfa_requested && !MultiFactor(session->amr);
    if (r.Prompts("login") || too_old || weak) {
      if (none) {
        return refuse(weak ? "interaction_required" : "login_required",
                      weak ? "a second factor is required" : "the sign-in is too old");
      }
      return Decision{Decision::kLogin, ""};
    }
  }
  // Just signed in with a password, to a request that asked for a second
  // factor (acr_values): a user who has one proves it now; one who has
  // none goes on, and the ID token's acr says what was done.
  if (fresh_login && r.mfa_requested && !MultiFactor(session->amr)) {
    std::optional<store::MfaFactorRow> factor;
    RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
      ASSIGN_OR_RETURN(factor, store::mfa::GetFactor(tx, session->user_id));
      return absl::OkStatus();
    }));
    if (factor && factor->active) {
      if (none) return refuse("interaction_required", "a second factor is required");
      return Decision{Decision::kStepUp, ""};
    }
  }
  if (!p.client.view.metadata.first_party) {
    std::optional<std::string> granted;
    RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
      ASSIGN_OR_RETURN(granted, store::sso::GetConsent(tx, p.account_id, session->user_id,
                                                       p.client.view.row.client_id));
      return absl::OkStatus();
    }));
    if (r.Prompts("consent") || !granted || !Covers(*granted, r.scopes)) {
      if (none) return refuse("consent_required", "the user has not consented");
      return Decision{Decision::kConsent, ""};
    }
  }
  ASSIGN_OR_RETURN(std::string redirect, Finish(p, *session));
  return Decision{Decision::kRedirect, std::move(redirect)};
}

absl::StatusOr<std::string> AuthorizationService::SignOn(const store::SessionRow& session) {
  const std::string cookie = crypto::Base64Url(random_.Bytes(32));
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kWrite, [&](store::Tx& tx) {
    return store::sso::InsertSso(
        tx, store::SsoRow{SecretDigest(cookie), session.id, session.account_id, clock_.NowMs()});
  }));
  return cookie;
}

absl::Status AuthorizationService::Consent(const PendingLogin& p, const std::string& user_id) {
  return db_.Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto granted, store::sso::GetConsent(tx, p.account_id, user_id,
                                                          p.client.view.row.client_id));
    // What was granted before stays granted.
    std::vector<std::string> scopes = p.request.scopes;
    if (granted) {
      for (absl::string_view s : absl::StrSplit(*granted, ' ', absl::SkipEmpty())) {
        if (std::find(scopes.begin(), scopes.end(), s) == scopes.end()) scopes.emplace_back(s);
      }
    }
    return store::sso::PutConsent(tx, p.account_id, user_id, p.client.view.row.client_id,
                                  absl::StrJoin(scopes, " "), clock_.NowMs());
  });
}

absl::StatusOr<LogoutRequest> AuthorizationService::BeginLogout(const std::string& account_id,
                                                               const Form& f) {
  LogoutRequest out;
  out.state = Param(f, "state").substr(0, 1024);
  out.ui_locales = Param(f, "ui_locales").substr(0, 256);
  out.post_logout_redirect_uri = Param(f, "post_logout_redirect_uri");
  out.client_id = Param(f, "client_id");
  const std::string issuer = tokens_.AccountIssuer(account_id);
  if (const std::string& hint = Param(f, "id_token_hint"); !hint.empty()) {
    auto id = tokens_.VerifyOwn(hint, "JWT");
    if (!id.ok()) {
      if (absl::IsUnavailable(id.status())) return id.status();
      return absl::InvalidArgumentError("logout_hint_invalid");
    }
    auto str = [&](const char* k) {
      return id->contains(k) && (*id)[k].is_string() ? (*id)[k].get<std::string>() : "";
    };
    // An expired ID token is still a fine hint; another account's is not.
    if (str("iss") != issuer || str("aud").empty()) {
      return absl::InvalidArgumentError("logout_hint_invalid");
    }
    if (!out.client_id.empty() && out.client_id != str("aud")) {
      return absl::InvalidArgumentError("logout_hint_invalid");
    }
    out.client_id = str("aud");
    out.hint_sid = str("sid");
  }
  if (out.post_logout_redirect_uri.empty()) return out;
  // Never an open redirect: the URI must be the client's, and the client
  // must be known from the hint or client_id.
  if (out.client_id.empty()) return absl::InvalidArgumentError("bad_logout_redirect");
  auto client = clients_.Lookup(account_id, out.client_id);
  if (!client.ok()) {
    if (absl::IsUnavailable(client.status())) return client.status();
    return absl::InvalidArgumentError("unknown_client");
  }
  const auto& allowed = client->view.metadata.post_logout_redirect_uris;
  if (std::find(allowed.begin(), allowed.end(), out.post_logout_redirect_uri) == allowed.end()) {
    return absl::InvalidArgumentError("bad_logout_redirect");
  }
  std::vector<std::pair<std::string, std::string>> params;
  if (!out.state.empty()) params.emplace_back("state", out.state);
  out.redirect = RedirectWith(out.post_logout_redirect_uri, params);
  return out;
}

absl::StatusOr<account::Caller> AuthorizationService::CallerOf(const store::SessionRow& session,
                                                               const std::string& source_ip,
                                                               const std::string& user_agent) {
  account::Caller c;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(store::UserRow user, store::users::Get(tx, session.user_id));
    c.username = user.username;
    return absl::OkStatus();
  }));
  c.account_id = session.account_id;
  c.user_id = session.user_id;
  c.session_id = session.id;
  c.auth_time = session.auth_time / 1000;
  c.source_ip = source_ip;
  c.user_agent = user_agent;
  for (absl::string_view m : absl::StrSplit(session.amr, ',', absl::SkipEmpty())) {
    c.amr.emplace_back(m);
  }
  return c;
}

absl::Status AuthorizationService::ForgetSignOn(const std::string& session_id) {
  return db_.Transact(store::TxMode::kWrite, [&](store::Tx& tx) {
    return store::sso::DeleteSsoOfSession(tx, session_id);
  });
}

absl::StatusOr<std::string> AuthorizationService::Refuse(const PendingLogin& p,
                                                         absl::string_view error,
                                                         absl::string_view description) {
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kWrite, [&](store::Tx& tx) {
    return store::sso::FinishAuthRequest(tx, SecretDigest(p.id), clock_.NowMs()).status();
  }));
  return ErrorRedirect(p.request, p.issuer, ErrorNamed(error, description));
}

absl::StatusOr<std::string> AuthorizationService::Finish(const PendingLogin& p,
                                                         const store::SessionRow& session) {
  const std::string code = crypto::Base64Url(random_.Bytes(32));
  const int64_t now = clock_.NowMs();
  store::CodeRow row;
  row.code_hash = SecretDigest(code);
  row.account_id = p.account_id;
  row.client_id = p.client.view.row.client_id;
  row.user_id = session.user_id;
  row.session_id = session.id;
  row.redirect_uri = p.request.redirect_uri;
  row.scope = absl::StrJoin(p.request.scopes, " ");
  row.nonce = p.request.nonce;
  row.code_challenge = p.request.code_challenge;
  row.auth_time = session.auth_time;
  row.amr = session.amr;
  row.acr = MultiFactor(session.amr) ? kAcrMfa : kAcrPassword;
  row.created_at = now;
  row.expires_at = now + kCodeTtlMs;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(int64_t finished, store::sso::FinishAuthRequest(tx, SecretDigest(p.id), now));
    if (finished == 0) return absl::NotFoundError("this sign-in request has ended");
    return store::sso::InsertCode(tx, row);
  }));
  std::vector<std::pair<std::string, std::string>> params = {{"code", code}};
  if (!p.request.state.empty()) params.emplace_back("state", p.request.state);
  params.emplace_back("iss", p.issuer);
  return RedirectWith(p.request.redirect_uri, params);
}

}  // namespace iam::oauth
