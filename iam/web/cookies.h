// Cookies of the web pages. Under TLS every cookie is named with the
// __Host- prefix and set Secure, Path=/ and without Domain, so no other
// host or path, and no plain-http page, can set or shadow it; without TLS
// (a developer's loopback run) browsers refuse that prefix, so the bare
// name is used. All are HttpOnly and SameSite=Lax: sent on a top-level
// navigation back from an application, never on another site's POST.
#ifndef IAM_WEB_COOKIES_H_
#define IAM_WEB_COOKIES_H_

#include <map>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace iam::web {

// The name a cookie takes on a listener with or without TLS.
std::string CookieName(absl::string_view base, bool tls);

// A Set-Cookie value. `max_age_seconds`: nullopt for a session cookie,
// 0 to delete.
std::string SetCookie(absl::string_view base, absl::string_view value, bool tls,
                      std::optional<int64_t> max_age_seconds = std::nullopt);

// The cookies of a Cookie header. A name sent twice is dropped entirely:
// which of two values a browser meant cannot be known, and a shadowing
// cookie set by a sibling host is how fixation starts.
std::map<std::string, std::string> ParseCookies(absl::string_view header);

}  // namespace iam::web

#endif  // IAM_WEB_COOKIES_H_
