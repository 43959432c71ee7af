#include "iam/server/web_federation_routes.h"

#include "absl/strings/str_cat.h"
#include "iam/account/arn.h"
#include "iam/federation/identity_provider.h"
#include "iam/oauth/form.h"
#include "iam/server/client_address.h"
#include "iam/server/web_login_routes.h"
#include "iam/server/web_page.h"
#include "iam/web/cookies.h"

namespace iam::server {
namespace {

std::string CallbackUri(const WebRoutes& p, const std::string& account) {
  return absl::StrCat(p.tokens.AccountIssuer(account), "/idp/callback");
}

HttpResponse Start(const WebRoutes& p, const HttpRequest& req, const std::string& account,
                   const std::string& alias) {
  const std::string id = RequestIdOf(req);
  Browser b = BrowserOf(req, p, "");
  // The browser's own request, still waiting: nobody can start a login
  // for someone else's.
  auto pending = p.authorization.Pending(account, id, b.id);
  if (!pending.ok()) return PendingErrorPage(p, b, account, pending.status());
  b.locale = BrowserOf(req, p, pending->request.ui_locales).locale;
  if (!federation::CheckAlias("alias", alias).ok()) {
    return ErrorPage(p, b, account, 404, "federation_refused");
  }
  auto url = p.federation.Begin({account, alias, id, b.id, CallbackUri(p, account),
                                 pending->request.login_hint, pending->request.ui_locales});
  if (absl::IsNotFound(url.status())) return ErrorPage(p, b, account, 404, "federation_refused");
  if (absl::IsUnavailable(url.status())) {
    return ErrorPage(p, b, account, 502, "federation_unavailable");
  }
  if (!url.ok()) return ErrorPage(p, b, account, 503, "store_unavailable");
  return Redirect(p, b, *url);
}

HttpResponse Callback(const WebRoutes& p, const HttpRequest& req, const std::string& account) {
  Browser b = BrowserOf(req, p, "");
  auto params = oauth::ParseForm(req.query);
  if (!params.ok()) return ErrorPage(p, b, account, 400, "malformed_request");
  const std::string* ua = req.Header("user-agent");
  federation::CompleteRequest in;
  in.account_id = account;
  in.state = oauth::Param(*params, "state");
  in.code = oauth::Param(*params, "code");
  in.error = oauth::Param(*params, "error");
  in.browser_id = b.id;
  in.redirect_uri = CallbackUri(p, account);
  in.source_ip = ClientAddress(req, p.trusted_proxies);
  in.user_agent = ua ? ua->substr(0, 512) : "";
  // A new browser (no id cookie) cannot be the one that started.
  auto proven = b.is_new ? absl::StatusOr<federation::ProvenUser>(
                               absl::FailedPreconditionError("new browser"))
                         : p.federation.Complete(in);
  if (!proven.ok()) {
    const absl::Status& s = proven.status();
    if (absl::IsFailedPrecondition(s) || absl::IsNotFound(s)) {
      return ErrorPage(p, b, account, 400, "federation_expired");
    }
    if (absl::IsPermissionDenied(s)) return ErrorPage(p, b, account, 403, "federation_refused");
    if (absl::IsUnavailable(s)) return ErrorPage(p, b, account, 502, "federation_unavailable");
    return ErrorPage(p, b, account, 503, "store_unavailable");
  }
  auto pending = p.authorization.Pending(account, proven->request_id, b.id);
  if (!pending.ok()) return PendingErrorPage(p, b, account, pending.status());
  auth::LoginRequest login;
  login.account = account;
  login.username = proven->username;
  login.client_type = "web";
  login.source_ip = in.source_ip;
  login.user_agent = in.user_agent;
  login.device_id = b.DeviceId();
  login.device_token = b.Cookie(kDeviceCookie, p.tls);
  login.oauth_client = pending->client.view.row.client_id;
  login.federated_user_id = proven->user_id;
  login.provider = proven->provider;
  login.upstream_mfa = proven->upstream_mfa;
  auto result = p.login.LoginFederated(login);
  if (!result.ok()) return ErrorPage(p, b, account, 503, "store_unavailable");
  return ContinueSignIn(p, req, account, proven->request_id, proven->username, *result);
}

}  // namespace

void AddFederationRoutes(HttpRouter& router, const WebRoutes& p) {
  router.Get("/accounts/{account}/idp/{alias}/start",
             [p](const HttpRequest& r, const PathParams& params) {
               const std::string& account = params.at("account");
               if (!account::IsAccountId(account)) {
                 return HttpResponse::Json(404, R"({"error":"not_found"})");
               }
               return Start(p, r, account, params.at("alias"));
             });
  router.Get("/accounts/{account}/idp/callback",
             ForAccount([p](const HttpRequest& r, const std::string& a) { return Callback(p, r, a); }));
}

}  // namespace iam::server
