// application/x-www-form-urlencoded bodies and the parameters of an OAuth
// request (RFC 6749 §3.2: none may be repeated; RFC 6749 Appendix B for
// the encoding). Values must be UTF-8. Pure.
#ifndef IAM_OAUTH_FORM_H_
#define IAM_OAUTH_FORM_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace iam::oauth {

using Form = std::map<std::string, std::string>;

// invalid_request for a malformed escape, invalid UTF-8, a repeated
// parameter, more than 64 parameters, or a name or value past 8 KiB.
absl::StatusOr<Form> ParseForm(absl::string_view body);

// Decodes one form-encoded component ('+' is a space); nullopt-like error
// for a malformed escape.
absl::StatusOr<std::string> FormDecode(absl::string_view text);
std::string FormEncode(absl::string_view text);

// The value of a parameter, or "" when absent.
inline const std::string& Param(const Form& form, const std::string& name) {
  static const std::string kEmpty;
  auto it = form.find(name);
  return it == form.end() ? kEmpty : it->second;
}

}  // namespace iam::oauth

#endif  // IAM_OAUTH_FORM_H_
