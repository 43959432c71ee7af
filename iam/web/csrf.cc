#include "iam/web/csrf.h"

#include "absl/strings/str_cat.h"
#include "iam/common/crypto.h"

namespace iam::web {

CsrfGuard::CsrfGuard(absl::string_view master_key)
    : key_(crypto::Hkdf(master_key, "iam web csrf v1", 32)) {}

std::string CsrfGuard::NewBrowserId(Random& random) { return crypto::Base64Url(random.Bytes(32)); }

bool CsrfGuard::WellFormedBrowserId(absl::string_view id) {
  if (id.size() != 43) return false;
  auto raw = crypto::FromBase64Url(id);
  return raw.ok() && raw->size() == 32;
}

std::string CsrfGuard::Token(absl::string_view browser_id, absl::string_view purpose) const {
  // Length-framed, so no (id, purpose) pair can be spelled as another.
  return crypto::Base64Url(crypto::HmacSha256(
      key_, absl::StrCat(browser_id.size(), ":", browser_id, purpose.size(), ":", purpose)));
}

bool CsrfGuard::Verify(absl::string_view browser_id, absl::string_view purpose,
                       absl::string_view token) const {
  if (!WellFormedBrowserId(browser_id) || token.size() != 43) return false;
  return crypto::ConstantTimeEquals(Token(browser_id, purpose), token);
}

}  // namespace iam::web
