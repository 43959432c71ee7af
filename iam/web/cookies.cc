#include "iam/web/cookies.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace iam::web {

std::string CookieName(absl::string_view base, bool tls) {
  return tls ? absl::StrCat("__Host-", base) : std::string(base);
}

std::string SetCookie(absl::string_view base, absl::string_view value, bool tls,
                      std::optional<int64_t> max_age_seconds) {
  std::string out = absl::StrCat(CookieName(base, tls), "=", value, "; Path=/; HttpOnly; SameSite=Lax");
  if (tls) out.append("; Secure");
  if (max_age_seconds) absl::StrAppend(&out, "; Max-Age=", *max_age_seconds);
  return out;
}

std::map<std::string, std::string> ParseCookies(absl::string_view header) {
  std::map<std::string, std::string> out;
  std::set<std::string> repeated;
  size_t n = 0;
  for (absl::string_view pair : absl::StrSplit(header, ';', absl::SkipWhitespace())) {
    if (++n > 64) break;
    pair = absl::StripAsciiWhitespace(pair);
    const size_t eq = pair.find('=');
    if (eq == absl::string_view::npos || eq == 0) continue;
    std::string name(absl::StripAsciiWhitespace(pair.substr(0, eq)));
    std::string value(absl::StripAsciiWhitespace(pair.substr(eq + 1)));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    if (repeated.count(name) > 0) continue;
    if (!out.emplace(name, value).second) {
      out.erase(name);
      repeated.insert(name);
    }
  }
  return out;
}

}  // namespace iam::web
