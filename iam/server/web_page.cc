#include "iam/server/web_page.h"

#include "absl/strings/str_cat.h"
#include "iam/common/crypto.h"
#include "iam/common/log.h"
#include "iam/oauth/form.h"
#include "iam/server/request_checks.h"
#include "iam/store/account_store.h"
#include "iam/store/policy_store.h"
#include "iam/web/cookies.h"
#include "iam/web/page_headers.h"

namespace iam::server {

std::string SsoCookie(const std::string& account) { return absl::StrCat("iam_sso_", account); }

std::string Browser::Cookie(const std::string& base, bool tls) const {
  auto it = cookies.find(web::CookieName(base, tls));
  return it == cookies.end() ? "" : it->second;
}

std::string Browser::DeviceId() const {
  return absl::StrCat("browser-",
                      crypto::Hex(crypto::Sha256(absl::StrCat("device|", id))).substr(0, 24));
}

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
  p.db.Transact(store::TxMode::kRead,
                [&](store::Tx& tx) -> absl::Status {
                  auto row = store::accounts::Get(tx, account);
                  if (!row.ok()) return absl::OkStatus();
                  // A stored document that no longer parses shows the
                  // default colours rather than no page.
                  auto colours =
                      store::account_policies::Load<web::BrandingPolicy>(tx, account, "branding");
                  brand = web::Branding::Of(
                      row->display_name.empty() ? row->name : row->display_name,
                      colours.ok() ? *colours : web::BrandingPolicy{});
                  return absl::OkStatus();
                })
      .IgnoreError();
  return brand;
}

namespace {

HttpResponse WithBrowser(HttpResponse r, const Browser& b, const WebRoutes& p) {
  if (b.is_new) r.With("Set-Cookie", web::SetCookie(kBrowserCookie, b.id, p.tls));
  return r;
}

}  // namespace

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
  for (auto& [k, v] : web::PageHeaders(nonce, p.challenge_origin)) r.With(k, v);
  return WithBrowser(std::move(r), b, p);
}

HttpResponse ErrorPage(const WebRoutes& p, const Browser& b, const std::string& account, int status,
                       const std::string& message_key) {
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

HttpResponse PendingErrorPage(const WebRoutes& p, const Browser& b, const std::string& account,
                              const absl::Status& status) {
  const bool ended = absl::IsNotFound(status);
  return ErrorPage(p, b, account, ended ? 400 : 503, ended ? "request_ended" : "store_unavailable");
}

std::string PagePath(const std::string& account, const char* page, const std::string& request) {
  return absl::StrCat("/accounts/", account, "/", page, "?request=", oauth::FormEncode(request));
}

std::string RequestIdOf(const HttpRequest& req) {
  auto q = oauth::ParseForm(req.query);
  return q.ok() ? oauth::Param(*q, "request") : "";
}

std::optional<oauth::Form> VerifiedForm(const WebRoutes& p, const HttpRequest& req,
                                        const Browser& b, const std::string& purpose) {
  if (b.is_new || !IsForm(req)) return std::nullopt;
  auto form = oauth::ParseForm(req.body);
  if (!form.ok() || !p.csrf.Verify(b.id, purpose, oauth::Param(*form, "csrf"))) {
    return std::nullopt;
  }
  return *std::move(form);
}

std::string ClientName(const oauth::PendingLogin& pending) {
  const std::string& name = pending.client.view.metadata.client_name;
  return name.empty() ? pending.client.view.row.client_id : name;
}

HttpResponse Follow(const WebRoutes& p, const Browser& b, const oauth::PendingLogin& pending,
                    const oauth::Decision& d) {
  switch (d.kind) {
    case oauth::Decision::kRedirect:
      return Redirect(p, b, d.redirect);
    case oauth::Decision::kConsent:
      return Redirect(p, b, PagePath(pending.account_id, "consent", pending.id));
    case oauth::Decision::kDevice:
      return Redirect(p, b, PagePath(pending.account_id, "device/confirm", pending.id));
    case oauth::Decision::kStepUp:
      return Redirect(p, b, PagePath(pending.account_id, "stepup", pending.id));
    case oauth::Decision::kLogin:
      break;
  }
  return Redirect(p, b, PagePath(pending.account_id, "login", pending.id));
}

}  // namespace iam::server
