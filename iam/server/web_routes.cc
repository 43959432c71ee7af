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
#include "iam/store/account_store.h"
#include "iam/web/cookies.h"
#include "iam/web/page_headers.h"

namespace iam::server {
namespace {

constexpr char kBrowserCookie[] = "iam_browser";

// Each account's sign-on has its own cookie: a browser signed in to two
// accounts of this service keeps both.
std::string SsoCookie(const std::string& account) { return absl::StrCat("iam_sso_", account); }

// One request's browser: its cookies, its id (new when it had none) and
// the locale its pages speak.
struct Browser {
  std::map<std::string, std::string> cookies;
  std::string id;
  bool is_new = false;
  std::string locale;

  std::string Cookie(const std::string& base, bool tls) const {
    auto it = cookies.find(web::CookieName(base, tls));
    return it == cookies.end() ? "" : it->second;
  }
};

Browser BrowserOf(const HttpRequest& req, const WebRoutes& p, const std::string& ui_locales) {
  Browser b;
  // Browsers send one Cookie header; more than one is not a browser.
  if (req.HeaderCount("cookie") == 1) b.cookies = web::ParseCookies(*req.Header("cookie"));
  b.id = b.Cookie(kBrowserCookie, p.tls);
  if (!web::CsrfGuard::WellFormedBrowserId(b.id)) {
    b.id = web::CsrfGuard::NewBrowserId(p.random);
    b.is_new = true;
  }
  const std::string* accept = req.Header("accept-language");
  b.locale = p.pages.Locale(ui_locales, accept ? absl::string_view(*accept).substr(0, 512) : "");
  return b;
}

web::Branding BrandOf(const WebRoutes& p, const std::string& account) {
  web::Branding brand;
  p.db.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
        auto row = store::accounts::Get(tx, account);
        if (row.ok()) brand.name = row->display_name.empty() ? row->name : row->display_name;
        return absl::OkStatus();
      })
      .IgnoreError();
  return brand;
}

HttpResponse WithBrowser(HttpResponse r, const Browser& b, const WebRoutes& p) {
  if (b.is_new) r.With("Set-Cookie", web::SetCookie(kBrowserCookie, b.id, p.tls));
  return r;
}

HttpResponse Page(const WebRoutes& p, const Browser& b, const std::string& account, int status,
                  const std::string& page, const std::string& title_key, nlohmann::json data) {
  const std::string nonce = web::NewCspNonce(p.random);
  auto html = p.pages.Render(page, title_key, b.locale, BrandOf(p, account), data, nonce);
  HttpResponse r;
  if (!html.ok()) {
    log::Error("page failed to render", {{"page", page}, {"status", html.status().ToString()}});
    r = HttpResponse::Text(500, "the page could not be shown");
  } else {
    r.status = status;
    r.content_type = "text/html; charset=utf-8";
    r.body = *std::move(html);
  }
  for (auto& [k, v] : web::PageHeaders(nonce)) r.With(k, v);
  return WithBrowser(std::move(r), b, p);
}

HttpResponse ErrorPage(const WebRoutes& p, const Browser& b, const std::string& account,
                       int status, const std::string& message_key) {
  return Page(p, b, account, status, "error", "error_title",
              {{"message", p.pages.Message(b.locale, message_key)}});
}

HttpResponse Redirect(const WebRoutes& p, const Browser& b, const std::string& location) {
  HttpResponse r;
  r.status = 303;
  r.With("Location", location);
  r.With("Cache-Control", "no-store");
  return WithBrowser(std::move(r), b, p);
}

std::string PagePath(const std::string& account, const char* page, const std::string& request) {
  return absl::StrCat("/accounts/", account, "/", page, "?request=", oauth::FormEncode(request));
}

// The value of `request` in the query, or "".
std::string RequestIdOf(const HttpRequest& req) {
  auto q = oauth::ParseForm(req.query);
  return q.ok() ? oauth::Param(*q, "request") : "";
}

std::string ClientName(const oauth::PendingLogin& pending) {
  const std::string& name = pending.client.view.metadata.client_name;
  return name.empty() ? pending.client.view.row.client_id : name;
}

// Where a decision sends the browser.
HttpResponse Follow(const WebRoutes& p, const Browser& b, const oauth::PendingLogin& pending,
                    const oauth::Decision& d) {
  switch (d.kind) {
    case oauth::Decision::kRedirect:
      return Redirect(p, b, d.redirect);
    case oauth::Decision::kConsent:
      return Redirect(p, b, PagePath(pending.account_id, "consent", pending.id));
    case oauth::Decision::kLogin:
      break;
  }
  return Redirect(p, b, PagePath(pending.account_id, "login", pending.id));
}

HttpResponse LoginPage(const WebRoutes& p, const Browser& b, const oauth::PendingLogin& pending,
                       const std::string& username, const std::string& error_key) {
  nlohmann::json data = {
      {"action", PagePath(pending.account_id, "login", pending.id)},
      {"csrf", p.csrf.Token(b.id, "login:" + pending.id)},
      {"username", username},
      {"client", ClientName(pending)},
  };
  if (!error_key.empty()) data["error"] = p.pages.Message(b.locale, error_key);
  return Page(p, b, pending.account_id, 200, "login", "login_title", std::move(data));
}

const char* LoginMessage(auth::LoginStatus s) {
  switch (s) {
    case auth::LoginStatus::kFailed:
      return "wrong_credentials";
    case auth::LoginStatus::kLocked:
      return "locked";
    case auth::LoginStatus::kThrottled:
      return "throttled";
    case auth::LoginStatus::kSessionLimit:
      return "session_limit";
    default:
      return "login_step_unsupported";
  }
}

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
  auto decision = p.authorization.Decide(begun->pending, *session, /*fresh_login=*/false);
  if (!decision.ok()) return ErrorPage(p, b, account, 503, "store_unavailable");
  return Follow(p, b, begun->pending, *decision);
}

HttpResponse LoginGet(const WebRoutes& p, const HttpRequest& req, const std::string& account) {
  const std::string id = RequestIdOf(req);
  Browser b = BrowserOf(req, p, "");
  auto pending = p.authorization.Pending(account, id, b.id);
  if (!pending.ok()) {
    return ErrorPage(p, b, account, absl::IsNotFound(pending.status()) ? 400 : 503,
                     absl::IsNotFound(pending.status()) ? "request_ended" : "store_unavailable");
  }
  b = BrowserOf(req, p, pending->request.ui_locales);
  return LoginPage(p, b, *pending, pending->request.login_hint, "");
}

HttpResponse LoginPost(const WebRoutes& p, const HttpRequest& req, const std::string& account) {
  const std::string id = RequestIdOf(req);
  Browser b = BrowserOf(req, p, "");
  auto form = IsForm(req) ? oauth::ParseForm(req.body)
                          : absl::StatusOr<oauth::Form>(absl::InvalidArgumentError("not a form"));
  if (b.is_new || !form.ok() ||
      !p.csrf.Verify(b.id, "login:" + id, oauth::Param(*form, "csrf"))) {
    return ErrorPage(p, b, account, 403, "form_expired");
  }
  auto pending = p.authorization.Pending(account, id, b.id);
  if (!pending.ok()) {
    return ErrorPage(p, b, account, absl::IsNotFound(pending.status()) ? 400 : 503,
                     absl::IsNotFound(pending.status()) ? "request_ended" : "store_unavailable");
  }
  b = BrowserOf(req, p, pending->request.ui_locales);
  auth::LoginRequest in;
  in.account = account;
  in.username = oauth::Param(*form, "username");
  in.password = oauth::Param(*form, "password");
  in.client_type = "web";
  in.source_ip = ClientAddress(req, p.trusted_proxies);
  if (const std::string* ua = req.Header("user-agent")) in.user_agent = ua->substr(0, 512);
  auto result = p.login.Login(in);
  if (!result.ok()) {
    if (absl::IsInvalidArgument(result.status())) {
      return LoginPage(p, b, *pending, in.username, "wrong_credentials");
    }
    return ErrorPage(p, b, account, 503, "store_unavailable");
  }
  if (result->status != auth::LoginStatus::kSuccess) {
    return LoginPage(p, b, *pending, in.username, LoginMessage(result->status));
  }
  const store::SessionRow& session = result->tokens.session;
  auto sso = p.authorization.SignOn(session);
  if (!sso.ok()) return ErrorPage(p, b, account, 503, "store_unavailable");
  auto decision = p.authorization.Decide(*pending, session, /*fresh_login=*/true);
  if (!decision.ok()) return ErrorPage(p, b, account, 503, "store_unavailable");
  HttpResponse r = Follow(p, b, *pending, *decision);
  r.With("Set-Cookie", web::SetCookie(SsoCookie(account), *sso, p.tls));
  return r;
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
    auto parsed = IsForm(req) ? oauth::ParseForm(req.body)
                              : absl::StatusOr<oauth::Form>(absl::InvalidArgumentError("no form"));
    if (b.is_new || !parsed.ok() ||
        !p.csrf.Verify(b.id, "consent:" + id, oauth::Param(*parsed, "csrf"))) {
      return ErrorPage(p, b, account, 403, "form_expired");
    }
    form = *std::move(parsed);
  }
  auto pending = p.authorization.Pending(account, id, b.id);
  if (!pending.ok()) {
    return ErrorPage(p, b, account, absl::IsNotFound(pending.status()) ? 400 : 503,
                     absl::IsNotFound(pending.status()) ? "request_ended" : "store_unavailable");
  }
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
  auto decision = p.authorization.Decide(*pending, *session, /*fresh_login=*/true);
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
  auto form = IsForm(req) ? oauth::ParseForm(req.body)
                          : absl::StatusOr<oauth::Form>(absl::InvalidArgumentError("not a form"));
  if (b.is_new || !form.ok() || !p.csrf.Verify(b.id, "logout", oauth::Param(*form, "csrf"))) {
    return ErrorPage(p, b, account, 403, "form_expired");
  }
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
  if (has("profile")) body["preferred_username"] = c.username;
  return HttpResponse::Json(200, body.dump());
}

}  // namespace

void AddWebRoutes(HttpRouter& router, const WebRoutes& p) {
  auto with_account = [](auto handler) {
    return [handler](const HttpRequest& req, const PathParams& params) {
      const std::string& account = params.at("account");
      if (!IsAccountId(account)) return HttpResponse::Json(404, R"({"error":"not_found"})");
      return handler(req, account);
    };
  };
  router.Get("/accounts/{account}/oauth2/authorize",
             with_account([p](const HttpRequest& r, const std::string& a) { return Authorize(p, r, a); }));
  router.Get("/accounts/{account}/login",
             with_account([p](const HttpRequest& r, const std::string& a) { return LoginGet(p, r, a); }));
  router.Post("/accounts/{account}/login",
              with_account([p](const HttpRequest& r, const std::string& a) { return LoginPost(p, r, a); }));
  router.Get("/accounts/{account}/consent", with_account([p](const HttpRequest& r, const std::string& a) {
               return Consent(p, r, a, false);
             }));
  router.Post("/accounts/{account}/consent", with_account([p](const HttpRequest& r, const std::string& a) {
                return Consent(p, r, a, true);
              }));
  auto userinfo =
      with_account([p](const HttpRequest& r, const std::string& a) { return UserInfo(p, r, a); });
  router.Get("/accounts/{account}/oauth2/userinfo", userinfo);
  router.Post("/accounts/{account}/oauth2/userinfo", userinfo);
  auto logout =
      with_account([p](const HttpRequest& r, const std::string& a) { return Logout(p, r, a); });
  router.Get("/accounts/{account}/oauth2/logout", logout);
  router.Post("/accounts/{account}/oauth2/logout", logout);
  router.Post("/accounts/{account}/logout",
              with_account([p](const HttpRequest& r, const std::string& a) {
                return LogoutConfirmed(p, r, a);
              }));
}

}  // namespace iam::server
