// What every browser-facing route shares: the browser a request comes
// from (its cookies, its id, its language), pages rendered with the page
// headers, redirects, and the path of a sign-in request's pages.
#ifndef IAM_SERVER_WEB_PAGE_H_
#define IAM_SERVER_WEB_PAGE_H_

#include <map>
#include <string>

#include "iam/oauth/authorization_service.h"
#include "iam/server/http_server.h"
#include "iam/server/web_routes.h"

namespace iam::server {

inline constexpr char kBrowserCookie[] = "iam_browser";
// A remembered device's token ("remember this device").
inline constexpr char kDeviceCookie[] = "iam_device";

// Each account's sign-on has its own cookie: a browser signed in to two
// accounts of this service keeps both.
std::string SsoCookie(const std::string& account);

// One request's browser: its cookies, its id (new when it had none) and
// the locale its pages speak.
struct Browser {
  std::map<std::string, std::string> cookies;
  std::string id;
  bool is_new = false;
  std::string locale;

  std::string Cookie(const std::string& base, bool tls) const;
  // The device id the login engine knows this browser by (device binding,
  // "remember this device"): derived from its id, not the id itself.
  std::string DeviceId() const;
};

Browser BrowserOf(const HttpRequest& req, const WebRoutes& p, const std::string& ui_locales);

web::Branding BrandOf(const WebRoutes& p, const std::string& account);

HttpResponse Page(const WebRoutes& p, const Browser& b, const std::string& account, int status,
                  const std::string& page, const std::string& title_key, nlohmann::json data);
HttpResponse ErrorPage(const WebRoutes& p, const Browser& b, const std::string& account, int status,
                       const std::string& message_key);
HttpResponse Redirect(const WebRoutes& p, const Browser& b, const std::string& location);
// The error page for a failed Pending(): ended (400) or the store (503).
HttpResponse PendingErrorPage(const WebRoutes& p, const Browser& b, const std::string& account,
                              const absl::Status& status);

// "/accounts/<account>/<page>?request=<id>".
std::string PagePath(const std::string& account, const char* page, const std::string& request);
// The value of `request` in the query, or "".
std::string RequestIdOf(const HttpRequest& req);
// The form of a POST, verified against this browser's CSRF token for
// `purpose`; nullopt when it is not a form, the browser is new, or the
// token is missing or wrong.
std::optional<oauth::Form> VerifiedForm(const WebRoutes& p, const HttpRequest& req,
                                        const Browser& b, const std::string& purpose);

std::string ClientName(const oauth::PendingLogin& pending);

// Where a decision sends the browser.
HttpResponse Follow(const WebRoutes& p, const Browser& b, const oauth::PendingLogin& pending,
                    const oauth::Decision& d);

}  // namespace iam::server

#endif  // IAM_SERVER_WEB_PAGE_H_
