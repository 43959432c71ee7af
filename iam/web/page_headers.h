// The headers every page carries: a Content-Security-Policy that allows
// nothing but the page's own nonce'd style and scripts and same-origin
// images, forms and requests, and that no other origin may frame the page
// (frame-ancestors 'none', and X-Frame-Options for older browsers);
// nosniff; no Referer (a page URL may carry a login request id); and no
// caching, since pages carry CSRF tokens, codes and personal data.
#ifndef IAM_WEB_PAGE_HEADERS_H_
#define IAM_WEB_PAGE_HEADERS_H_

#include <string>
#include <utility>
#include <vector>

#include "iam/common/random.h"

namespace iam::web {

// A fresh nonce for one response's inline style and scripts.
std::string NewCspNonce(Random& random);

// `extra_origin`: a hosted challenge's origin ("https://host"), whose
// script and frames the login page may load; "" for none.
std::vector<std::pair<std::string, std::string>> PageHeaders(const std::string& csp_nonce,
                                                             const std::string& extra_origin = "");

}  // namespace iam::web

#endif  // IAM_WEB_PAGE_HEADERS_H_
