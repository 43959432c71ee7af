// The errors of RFC 6749 §5.2 (and RFC 7009, 7591, 8693, 9449) carried in
// an absl::Status, so protocol code composes with RETURN_IF_ERROR: the
// status message is the error_description (never a secret, never the
// value sent), its payload the error code. The HTTP layer turns any status
// into the answer: an OAuth error as itself, UNAVAILABLE as 503
// temporarily_unavailable, anything else as 500 server_error.
#ifndef IAM_OAUTH_OAUTH_ERROR_H_
#define IAM_OAUTH_OAUTH_ERROR_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace iam::oauth {

absl::Status InvalidRequest(absl::string_view description);
// 401, with WWW-Authenticate when the client used HTTP Basic.
absl::Status InvalidClient(absl::string_view description);
absl::Status InvalidGrant(absl::string_view description);
absl::Status UnauthorizedClient(absl::string_view description);
absl::Status UnsupportedGrantType(absl::string_view description);
absl::Status InvalidScope(absl::string_view description);
absl::Status InvalidTarget(absl::string_view description);  // RFC 8707
absl::Status InvalidDpopProof(absl::string_view description);  // RFC 9449
absl::Status UnsupportedTokenType(absl::string_view description);  // RFC 7009
absl::Status InvalidClientMetadata(absl::string_view description);  // RFC 7591
absl::Status InvalidRedirectUri(absl::string_view description);  // RFC 7591
absl::Status InvalidToken(absl::string_view description);  // RFC 6750, 401
// Any other registered error code (the authorization endpoint's
// unsupported_response_type, login_required, consent_required,
// access_denied, request_not_supported, ...), as a 400.
absl::Status ErrorNamed(absl::string_view error, absl::string_view description);

// Adds why a request was refused, for the audit record only (the answer's
// description stays general where it must not tell the cause).
absl::Status WithReason(absl::Status status, absl::string_view reason);
// The reason, or the status message when none was added.
std::string ReasonOf(const absl::Status& status);

struct HttpError {
  int status = 500;
  std::string error = "server_error";
  std::string description;
};

// The HTTP answer for any status (see the file comment).
HttpError ToHttpError(const absl::Status& status);

}  // namespace iam::oauth

#endif  // IAM_OAUTH_OAUTH_ERROR_H_
