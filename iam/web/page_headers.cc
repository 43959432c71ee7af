#include "iam/web/page_headers.h"

#include "absl/strings/str_cat.h"
#include "iam/common/crypto.h"

namespace iam::web {

std::string NewCspNonce(Random& random) { return crypto::Base64Url(random.Bytes(16)); }

std::vector<std::pair<std::string, std::string>> PageHeaders(const std::string& csp_nonce,
                                                             const std::string& extra_origin) {
  const std::string extra = extra_origin.empty() ? "" : absl::StrCat(" ", extra_origin);
  return {
      {"Content-Security-Policy",
       absl::StrCat("default-src 'none'; script-src 'nonce-", csp_nonce, "'", extra,
                    "; style-src 'nonce-", csp_nonce,
                    "'; img-src 'self' data:; connect-src 'self'", extra,
                    extra.empty() ? "" : absl::StrCat("; frame-src", extra),
                    "; base-uri 'none'; frame-ancestors 'none'")},
      {"X-Frame-Options", "DENY"},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "no-referrer"},
      {"Cache-Control", "no-store"},
      {"Pragma", "no-cache"},
  };
}

}  // namespace iam::web
