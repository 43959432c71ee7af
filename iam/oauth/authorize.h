// The authorization endpoint's request (RFC 6749 §4.1.1, OpenID Connect
// Core §3.1.2.1, RFC 7636), judged in the order that keeps redirects safe:
// first who the client is and whether the redirect_uri is registered for
// it, byte for byte; any fault there is shown to the user and never sent
// to the URI. Only then the rest, whose faults go back to the client at
// its redirect_uri (with state and iss, RFC 9207).
//
// Offered: response_type=code only, response_mode query; PKCE with S256
// only (plain is refused), required unless a confidential client turned it
// off; prompt none, login, consent (select_account is accepted and means
// nothing: one browser holds one user); max_age; login_hint; ui_locales;
// acr_values. Request objects (request, request_uri) are refused by name.
// Pure.
#ifndef IAM_OAUTH_AUTHORIZE_H_
#define IAM_OAUTH_AUTHORIZE_H_

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "iam/oauth/client_metadata.h"
#include "iam/oauth/form.h"

namespace iam::oauth {

// The authentication context classes this service asserts in "acr": a
// password alone, or a password and a second factor.
inline constexpr char kAcrPassword[] = "urn:iam:acr:pwd";
inline constexpr char kAcrMfa[] = "urn:iam:acr:mfa";

struct AuthorizeRequest {
  std::string client_id;
  std::string redirect_uri;
  std::vector<std::string> scopes;
  std::string state;
  std::string nonce;
  std::string code_challenge;  // S256; empty when PKCE is off for the client
  std::vector<std::string> prompt;
  std::optional<int64_t> max_age;  // seconds
  std::string login_hint;
  std::string ui_locales;
  bool mfa_requested = false;  // acr_values asked for kAcrMfa
  // Set for the sign-in that approves a device (device_authorization.h):
  // the hash of its device code. Such a request ends on the device
  // confirmation page, never in a redirect.
  std::string device_code_hash;
  // Set for the sign-in to the account's own pages (self-service): where
  // the browser goes once signed in, a path of this service.
  std::string return_to;

  bool Prompts(absl::string_view p) const;
  bool OpenId() const;  // "openid" among the scopes: an ID token is due

  nlohmann::json ToJson() const;
  static absl::StatusOr<AuthorizeRequest> FromJson(absl::string_view stored);
};

// Step one: the client_id and redirect_uri of `params` against the
// client's registration. INVALID_ARGUMENT (invalid_request, or
// unauthorized_client when the client may not use the code flow) with a
// description fit for the error page.
absl::Status CheckRedirect(const Form& params, const ClientMetadata& client);

// Step two, once CheckRedirect passed: the whole request, or an OAuth
// error for the redirect.
absl::StatusOr<AuthorizeRequest> ParseAuthorize(const Form& params, const ClientMetadata& client);

// The redirect that answers a request: `redirect_uri` with the query
// parameters added after any it has (RFC 6749 §3.1.2), each form-encoded.
std::string RedirectWith(const std::string& redirect_uri,
                         const std::vector<std::pair<std::string, std::string>>& params);

// Whether a session's amr (comma-separated) shows more than a password.
bool MultiFactor(const std::string& amr);

// Whether a PKCE code_verifier (RFC 7636 §4.1: 43 to 128 of
// [A-Za-z0-9-._~]) hashes to the challenge (S256), in constant time.
bool VerifyPkce(absl::string_view code_verifier, absl::string_view code_challenge);

}  // namespace iam::oauth

#endif  // IAM_OAUTH_AUTHORIZE_H_
