// Which of the available locales a page is shown in: the first of the
// request's ui_locales (OpenID Connect: space-separated, in preference
// order) that is available, else the best of Accept-Language (by q, then
// order), else the fallback. A tag matches an available locale exactly
// (case-insensitively), or by RFC 4647 lookup: "zh-Hans-SG" is tried as
// itself, "zh-Hans", then "zh", and a bare language matches the available
// locale of that language ("zh" -> "zh-CN"). Malformed tags are skipped.
#ifndef IAM_WEB_LOCALE_H_
#define IAM_WEB_LOCALE_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace iam::web {

std::string NegotiateLocale(absl::string_view ui_locales, absl::string_view accept_language,
                            const std::vector<std::string>& available,
                            const std::string& fallback);

}  // namespace iam::web

#endif  // IAM_WEB_LOCALE_H_
