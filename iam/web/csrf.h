// CSRF protection for every form: a synchronizer token that needs no
// server-side state. The browser carries a random id in an HttpOnly cookie
// (cookies.h); a form carries HMAC(key, id, purpose). Another site can
// make the browser send the cookie, but cannot read a page to learn the
// token; a token taken from one form does not fit another purpose (each
// login request has its own) or another browser. The key is derived from
// the master key, so every replica accepts every replica's tokens.
// Stateless and thread-safe.
#ifndef IAM_WEB_CSRF_H_
#define IAM_WEB_CSRF_H_

#include <string>

#include "absl/strings/string_view.h"
#include "iam/common/random.h"

namespace iam::web {

class CsrfGuard {
 public:
  // `master_key`: the service's master key; only a derived key is kept.
  explicit CsrfGuard(absl::string_view master_key);

  // A new browser id (256 bits from the CSPRNG, base64url).
  static std::string NewBrowserId(Random& random);
  // Whether a cookie value can be a browser id this guard issued the form of.
  static bool WellFormedBrowserId(absl::string_view id);

  std::string Token(absl::string_view browser_id, absl::string_view purpose) const;
  // Constant-time; false for an empty or malformed id or token.
  bool Verify(absl::string_view browser_id, absl::string_view purpose,
              absl::string_view token) const;

 private:
  std::string key_;
};

}  // namespace iam::web

#endif  // IAM_WEB_CSRF_H_
