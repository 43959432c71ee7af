#include "iam/oauth/oauth_error.h"

#include <optional>

#include "absl/strings/cord.h"

namespace iam::oauth {
namespace {

constexpr char kPayload[] = "type.iam/oauth_error";
constexpr char kReason[] = "type.iam/oauth_reason";

absl::Status Make(absl::StatusCode code, absl::string_view error, absl::string_view description) {
  absl::Status s(code, description);
  s.SetPayload(kPayload, absl::Cord(error));
  return s;
}

}  // namespace

absl::Status InvalidRequest(absl::string_view d) {
  return Make(absl::StatusCode::kInvalidArgument, "invalid_request", d);
}
absl::Status InvalidClient(absl::string_view d) {
  return Make(absl::StatusCode::kUnauthenticated, "invalid_client", d);
}
absl::Status InvalidGrant(absl::string_view d) {
  return Make(absl::StatusCode::kInvalidArgument, "invalid_grant", d);
}
absl::Status UnauthorizedClient(absl::string_view d) {
  return Make(absl::StatusCode::kPermissionDenied, "unauthorized_client", d);
}
absl::Status UnsupportedGrantType(absl::string_view d) {
  return Make(absl::StatusCode::kInvalidArgument, "unsupported_grant_type", d);
}
absl::Status InvalidScope(absl::string_view d) {
  return Make(absl::StatusCode::kInvalidArgument, "invalid_scope", d);
}
absl::Status InvalidTarget(absl::string_view d) {
  return Make(absl::StatusCode::kInvalidArgument, "invalid_target", d);
}
absl::Status InvalidDpopProof(absl::string_view d) {
  return Make(absl::StatusCode::kInvalidArgument, "invalid_dpop_proof", d);
}
absl::Status UnsupportedTokenType(absl::string_view d) {
  return Make(absl::StatusCode::kInvalidArgument, "unsupported_token_type", d);
}
absl::Status InvalidClientMetadata(absl::string_view d) {
  return Make(absl::StatusCode::kInvalidArgument, "invalid_client_metadata", d);
}
absl::Status InvalidRedirectUri(absl::string_view d) {
  return Make(absl::StatusCode::kInvalidArgument, "invalid_redirect_uri", d);
}
absl::Status InvalidToken(absl::string_view d) {
  return Make(absl::StatusCode::kUnauthenticated, "invalid_token", d);
}

absl::Status ErrorNamed(absl::string_view error, absl::string_view d) {
  return Make(absl::StatusCode::kInvalidArgument, error, d);
}

absl::Status WithReason(absl::Status status, absl::string_view reason) {
  status.SetPayload(kReason, absl::Cord(reason));
  return status;
}

std::string ReasonOf(const absl::Status& status) {
  if (auto r = status.GetPayload(kReason)) return std::string(*r);
  return std::string(status.message());
}

HttpError ToHttpError(const absl::Status& status) {
  HttpError e;
  auto code = status.GetPayload(kPayload);
  if (code) {
    e.error = std::string(*code);
    e.description = std::string(status.message());
    // RFC 6749 §5.2: 400 for all but invalid_client, which is 401 (and
    // RFC 6750's invalid_token).
    e.status = (e.error == "invalid_client" || e.error == "invalid_token") ? 401 : 400;
    return e;
  }
  if (absl::IsUnavailable(status) || absl::IsResourceExhausted(status)) {
    e.status = 503;
    e.error = "temporarily_unavailable";
    e.description = "the service cannot answer now; try again shortly";
    return e;
  }
  e.status = 500;
  e.error = "server_error";
  e.description = "the request could not be completed";
  return e;
}

}  // namespace iam::oauth
