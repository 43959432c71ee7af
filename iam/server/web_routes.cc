#include "iam/server/web_routes.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "iam/common/log.h"
#include "iam/oauth/form.h"
#include "iam/oauth/oauth_error.h"
#include "iam/server/client_address.h"
#include "iam/server/request_checks.h"
#include "iam/server/web_account_routes.h"
#include "iam/server/web_device_routes.h"
#include "iam/server/web_federation_routes.h"
#include "iam/server/web_login_routes.h"
#include "iam/server/web_page.h"
#include "iam/store/account_store.h"
#include "iam/store/user_store.h"
#include "iam/web/cookies.h"
#include "iam/web/page_headers.h"

namespace iam::server {
namespace {

HttpResponse Authorize(const WebRoutes& p, const HttpRequest& req, const std::string& account) {
  auto query = oauth::ParseForm(req.query);
  Browser b = BrowserOf(req, p, query.ok() ? oauth::Param(*query, "ui_locales") : "");
  if (!query.ok()) return ErrorPage(p, b, account, 400, "malformed_request");
  auto begun = p.authorization.Begin(account, *query, b.id);
  if (!begun.ok()) return ErrorPage(p, b, account, 503, "store_unavailable");
  if (!begun->error_page.empty()) return ErrorPage(p, b, account, 400, begun->error_page);
  if (!begun->error_redirect.empty()) return Redirect(p, b, begun->error_redirect);
  auto session = p.authorization.SignedIn(account, b.Cookie(SsoCookie(account), p.tls));
  if (!session.ok()) return ErrorPage(p, b, account, 503, "store_unavailable");
  auto decision = p.authorization.Decide(begun->pending, *session);
  if (!decision.ok()) return ErrorPage(p, b, account, 503, "store_unavailable");
  return Follow(p, b, begun->pending, *decision);
}

nlohmann::json ScopeLines(const WebRoutes& p, const std::string& locale,
                          const std::vector<std::string>& scopes) {
  nlohmann::json out = nlohmann::json::array();
  for (const std::string& s : scopes) {
    const bool known = s == "openid" || s == "profile" || s == "email" || s == "phone" ||
                       s == "offline_access";
    out.push_back({{"text", known ? p.pages.Message(locale, "scope_" + s)
                                  : p.pages.Message(locale, "scope_other", {{"scope", s}})}});
  }
  return out;
}

HttpResponse Consent(const WebRoutes& p, const HttpRequest& req, const std::string& account,
                     bool post) {
  const std::string id = RequestIdOf(req);
  Browser b = BrowserOf(req, p, "");
  oauth::Form form;
  if (post) {
    auto verified = VerifiedForm(p, req, b, "consent:" + id);
    if (!verified) return ErrorPage(p, b, account, 403, "form_expired");
    form = *std::move(verified);
  }
  auto pending = p.authorization.Pending(account, id, b.id);
  if (!pending.ok()) return PendingErrorPage(p, b, account, pending.status());
  b = BrowserOf(req, p, pending->request.ui_locales);
  auto session = p.authorization.SignedIn(account, b.Cookie(SsoCookie(account), p.tls));
  if (!session.ok()) return ErrorPage(p, b, account, 503, "store_unavailable");
  if (!*session) return Redirect(p, b, PagePath(account, "login", id));
  if (!post) {
    return Page(p, b, account, 200, "consent", "consent_title",
                {{"action", PagePath(account, "consent", id)},
                 {"csrf", p.csrf.Token(b.id, "consent:" + id)},
                 {"client", ClientName(*pending)},
                 {"scopes", ScopeLines(p, b.locale, pending->request.scopes)}});
  }
  if (oauth::Param(form, "decision") != "allow") {
    auto redirect = p.authorization.Refuse(*pending, "access_denied", "the user declined");
    if (!redirect.ok()) return ErrorPage(p, b, account, 503, "store_unavailable");
    return Redirect(p, b, *redirect);
  }
  if (!p.authorization.Consent(*pending, (*session)->user_id).ok()) {
    return ErrorPage(p, b, account, 503, "store_unavailable");
  }
  auto decision = p.authorization.Decide(*pending, *session);
  if (!decision.ok()) return ErrorPage(p, b, account, 503, "store_unavailable");
  return Follow(p, b, *pending, *decision);
}

// Ends the browser's sign-on to the account (if any) and says so: to the
// client's registered URI, or on a page.
HttpResponse EndSession(const WebRoutes& p, const HttpRequest& req, Browser& b,
                        const std::string& account, const oauth::LogoutRequest& lr,
                        const std::optional<store::SessionRow>& session) {
  if (session) {
    const std::string* ua = req.Header("user-agent");
    auto caller = p.authorization.CallerOf(*session, ClientAddress(req, p.trusted_proxies),
                                           ua ? ua->substr(0, 512) : "");
    absl::Status ended = caller.ok() ? p.sessions.Logout(*caller) : caller.status();
    if (ended.ok()) ended = p.authorization.ForgetSignOn(session->id);
    if (!ended.ok()) return ErrorPage(p, b, account, 503, "store_unavailable");
  }
  HttpResponse r = lr.redirect.empty()
                       ? Page(p, b, account, 200, "signed_out", "signed_out_title", {})
                       : Redirect(p, b, lr.redirect);
  r.With("Set-Cookie", web::SetCookie(SsoCookie(account), "", p.tls, 0));
  return r;
}

// GET or POST /oauth2/logout: without a hint naming this browser's
// session, the user confirms first, so that another site cannot sign them
// out by sending them here.
HttpResponse Logout(const WebRoutes& p, const HttpRequest& req, const std::string& account) {
  absl::StatusOr<oauth::Form> params =
      req.method == "POST"
          ? (IsForm(req) ? oauth::ParseForm(req.body)
                         : absl::StatusOr<oauth::Form>(absl::InvalidArgumentError("no form")))
          : oauth::ParseForm(req.query);
  Browser b = BrowserOf(req, p, params.ok() ? oauth::Param(*params, "ui_locales") : "");
  if (!params.ok()) return ErrorPage(p, b, account, 400, "malformed_request");
  auto lr = p.authorization.BeginLogout(account, *params);
  if (!lr.ok()) {
    if (absl::IsUnavailable(lr.status())) return ErrorPage(p, b, account, 503, "store_unavailable");
    return ErrorPage(p, b, account, 400, std::string(lr.status().message()));
  }
  auto session = p.authorization.SignedIn(account, b.Cookie(SsoCookie(account), p.tls));
  if (!session.ok()) return ErrorPage(p, b, account, 503, "store_unavailable");
  if (!*session || (!lr->hint_sid.empty() && lr->hint_sid == (*session)->id)) {
    return EndSession(p, req, b, account, *lr, *session);
  }
  return Page(p, b, account, 200, "logout", "logout_title",
              {{"action", absl::StrCat("/accounts/", account, "/logout")},
               {"csrf", p.csrf.Token(b.id, "logout")},
               {"account", BrandOf(p, account).name},
               {"client_id", lr->client_id},
               {"post_logout_redirect_uri", lr->post_logout_redirect_uri},
               {"state", lr->state}});
}

HttpResponse LogoutConfirmed(const WebRoutes& p, const HttpRequest& req,
                             const std::string& account) {
  Browser b = BrowserOf(req, p, "");
  auto form = VerifiedForm(p, req, b, "logout");
  if (!form) return ErrorPage(p, b, account, 403, "form_expired");
  // The form's fields are judged again: they came back from the browser.
  oauth::Form params = *form;
  params.erase("csrf");
  auto lr = p.authorization.BeginLogout(account, params);
  if (!lr.ok()) {
    if (absl::IsUnavailable(lr.status())) return ErrorPage(p, b, account, 503, "store_unavailable");
    return ErrorPage(p, b, account, 400, std::string(lr.status().message()));
  }
  auto session = p.authorization.SignedIn(account, b.Cookie(SsoCookie(account), p.tls));
  if (!session.ok()) return ErrorPage(p, b, account, 503, "store_unavailable");
  return EndSession(p, req, b, account, *lr, *session);
}

HttpResponse BearerError(const char* error, const char* description) {
  HttpResponse r = HttpResponse::Json(
      401, nlohmann::json{{"error", error}, {"error_description", description}}.dump());
  r.With("WWW-Authenticate", absl::StrCat("Bearer error=\"", error, "\""));
  return r;
}

HttpResponse UserInfo(const WebRoutes& p, const HttpRequest& req, const std::string& account) {
  if (req.HeaderCount("authorization") != 1) {
    HttpResponse r = HttpResponse::Json(401, R"({"error":"invalid_token"})");
    r.With("WWW-Authenticate", "Bearer");
    return r;
  }
  absl::string_view v = *req.Header("authorization");
  if (!absl::ConsumePrefix(&v, "Bearer ") && !absl::ConsumePrefix(&v, "bearer ")) {
    return BearerError("invalid_token", "a Bearer access token is required");
  }
  auto verified = p.tokens.Inspect(absl::StripAsciiWhitespace(v));
  if (!verified.ok()) {
    if (absl::IsUnavailable(verified.status())) {
      return HttpResponse::Json(503, R"({"error":"temporarily_unavailable"})");
    }
    return BearerError("invalid_token", "the access token is not valid");
  }
  const token::Claims& c = verified->claims;
  if (!verified->session_active || c.account != account || c.sid.empty() ||
      c.client_id.empty()) {
    return BearerError("invalid_token", "the access token is not valid");
  }
  if (!c.cnf_jkt.empty()) {
    return BearerError("invalid_token", "a DPoP-bound token needs its proof, not offered here");
  }
  const std::vector<std::string> scopes = absl::StrSplit(c.scope, ' ', absl::SkipEmpty());
  auto has = [&](const char* s) { return std::find(scopes.begin(), scopes.end(), s) != scopes.end(); };
  if (!has("openid")) {
    HttpResponse r = HttpResponse::Json(403, R"({"error":"insufficient_scope"})");
    r.With("WWW-Authenticate", "Bearer error=\"insufficient_scope\", scope=\"openid\"");
    return r;
  }
  nlohmann::json body = {{"sub", c.sub}};
  // The claims of the scopes granted, which the client had to be
  // registered for: email and phone only for clients the account allowed
  // them, in clear.
  if (has("profile") || has("email") || has("phone")) {
    std::optional<store::UserRow> row;
    absl::Status read = p.db.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
      auto user = store::users::Get(tx, c.sub);
      if (user.ok()) row = *std::move(user);
      return user.ok() || absl::IsNotFound(user.status()) ? absl::OkStatus() : user.status();
    });
    if (!read.ok()) return HttpResponse::Json(503, R"({"error":"temporarily_unavailable"})");
    if (!row || row->account_id != account) {
      return BearerError("invalid_token", "the access token is not valid");
    }
    auto view = p.users.View(*row, /*reveal=*/true);
    if (!view.ok()) return HttpResponse::Json(503, R"({"error":"temporarily_unavailable"})");
    if (has("profile")) {
      body["preferred_username"] = row->username;
      if (!row->display_name.empty()) body["name"] = row->display_name;
    }
    if (has("email") && !view->email.empty()) body["email"] = view->email;
    if (has("phone") && !view->phone.empty()) body["phone_number"] = view->phone;
  }
  return HttpResponse::Json(200, body.dump());
}

}  // namespace

Route ForAccount(AccountRoute handler) {
  return [handler = std::move(handler)](const HttpRequest& req, const PathParams& params) {
    const std::string& account = params.at("account");
    if (!IsAccountId(account)) return HttpResponse::Json(404, R"({"error":"not_found"})");
    return handler(req, account);
  };
}

void AddWebRoutes(HttpRouter& router, const WebRoutes& p) {
  router.Get("/accounts/{account}/oauth2/authorize",
             ForAccount([p](const HttpRequest& r, const std::string& a) { return Authorize(p, r, a); }));
  AddLoginRoutes(router, p);
  AddFederationRoutes(router, p);
  AddDeviceRoutes(router, p);
  AddAccountRoutes(router, p);
  router.Get("/accounts/{account}/consent", ForAccount([p](const HttpRequest& r, const std::string& a) {
               return Consent(p, r, a, false);
             }));
  router.Post("/accounts/{account}/consent", ForAccount([p](const HttpRequest& r, const std::string& a) {
                return Consent(p, r, a, true);
              }));
  auto userinfo =
      ForAccount([p](const HttpRequest& r, const std::string& a) { return UserInfo(p, r, a); });
  router.Get("/accounts/{account}/oauth2/userinfo", userinfo);
  router.Post("/accounts/{account}/oauth2/userinfo", userinfo);
  auto logout =
      ForAccount([p](const HttpRequest& r, const std::string& a) { return Logout(p, r, a); });
  router.Get("/accounts/{account}/oauth2/logout", logout);
  router.Post("/accounts/{account}/oauth2/logout", logout);
  router.Post("/accounts/{account}/logout",
              ForAccount([p](const HttpRequest& r, const std::string& a) {
                return LogoutConfirmed(p, r, a);
              }));
}

}  // namespace iam::server
