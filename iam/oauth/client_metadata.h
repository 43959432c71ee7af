// ClientMetadata: what an OAuth client is registered with, under the names
// of RFC 7591 (and RFC 9449's dpop_bound_access_tokens, OpenID Connect
// Back-Channel Logout's backchannel_logout_uri), plus this service's own
// audience, allowed_cidrs, first_party and token lifetimes. One validator
// serves the admin API and dynamic registration, so both accept exactly
// the same clients. Pure: JSON in, a value or INVALID_ARGUMENT naming the
// field out.
#ifndef IAM_OAUTH_CLIENT_METADATA_H_
#define IAM_OAUTH_CLIENT_METADATA_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace iam::oauth {

inline constexpr char kGrantClientCredentials[] = "client_credentials";
inline constexpr char kGrantRefreshToken[] = "refresh_token";
inline constexpr char kGrantTokenExchange[] = "urn:ietf:params:oauth:grant-type:token-exchange";
inline constexpr char kGrantAuthorizationCode[] = "authorization_code";
inline constexpr char kGrantDeviceCode[] = "urn:ietf:params:oauth:grant-type:device_code";

inline constexpr char kAuthSecretBasic[] = "client_secret_basic";
inline constexpr char kAuthSecretPost[] = "client_secret_post";
inline constexpr char kAuthPrivateKeyJwt[] = "private_key_jwt";
inline constexpr char kAuthNone[] = "none";

// Bounds of the token lifetimes a client may set, in seconds.
inline constexpr int64_t kMinAccessTokenTtl = 60;
inline constexpr int64_t kMaxAccessTokenTtl = 24 * 3600;
inline constexpr int64_t kDefaultAccessTokenTtl = 600;
inline constexpr int64_t kMinRefreshTokenTtl = 300;
inline constexpr int64_t kMaxRefreshTokenTtl = 90 * 24 * 3600;
inline constexpr int64_t kDefaultRefreshTokenTtl = 24 * 3600;
// A client_id is a name of the account; its service account's username is
// "service-account-" followed by it, within the 64 characters of a username.
inline constexpr size_t kMaxClientIdLength = 48;

struct ClientMetadata {
  std::string client_name;
  std::string token_endpoint_auth_method = kAuthSecretBasic;
  std::vector<std::string> grant_types{kGrantClientCredentials};
  std::vector<std::string> redirect_uris;
  // Where RP-initiated logout may send the browser back (exact match).
  std::vector<std::string> post_logout_redirect_uris;
  // PKCE (S256) on every authorization request; only a confidential
  // client may turn it off.
  bool require_pkce = true;
  std::vector<std::string> scopes;     // "scope", space-separated on the wire
  std::vector<std::string> audiences;  // "audience"
  std::vector<std::string> allowed_cidrs;  // normalised
  int64_t access_token_ttl = kDefaultAccessTokenTtl;
  int64_t refresh_token_ttl = kDefaultRefreshTokenTtl;
  bool first_party = false;
  bool dpop_bound_access_tokens = false;
  std::string backchannel_logout_uri;
  std::optional<nlohmann::json> jwks;  // {"keys":[...]}, public keys only
  std::string jwks_uri;
  // RFC 7591's informational fields (client_uri, logo_uri, tos_uri,
  // policy_uri, software_id, software_version, contacts), kept as given
  // once validated: what a consent page may show.
  nlohmann::json info = nlohmann::json::object();

  bool IsPublic() const { return token_endpoint_auth_method == kAuthNone; }
  bool UsesSecret() const {
    return token_endpoint_auth_method == kAuthSecretBasic ||
           token_endpoint_auth_method == kAuthSecretPost;
  }
  bool Allows(absl::string_view grant_type) const;
  // A registered scope, or "openid" for a client of the code flow.
  bool AllowsScope(absl::string_view scope) const;
  bool AllowsAudience(absl::string_view audience) const;
  // Whether a redirect_uri presented in a request is registered: byte for
  // byte (no case folding, no normalisation, no prefix or pattern), except
  // that a registered loopback IP redirect (http://127.0.0.1/..., http://
  // [::1]/...) matches any port, since a native app learns its port only
  // when it listens (RFC 8252 §7.3).
  bool AllowsRedirectUri(absl::string_view uri) const;

  // The stored and registration-response form (RFC 7591 names).
  nlohmann::json ToJson() const;
};

// Validates a whole document; absent fields take their defaults. Fields
// this service does not know are refused rather than silently dropped
// (RFC 7591 allows ignoring them, but an administrator who misspells
// "redirect_uris" must hear about it). `field_prefix` is put before
// field names in errors ("metadata.").
absl::StatusOr<ClientMetadata> ParseClientMetadata(const nlohmann::json& doc,
                                                   absl::string_view field_prefix = "");

// A stored document, read back; INTERNAL when it no longer validates.
absl::StatusOr<ClientMetadata> LoadClientMetadata(absl::string_view stored);

// An RFC 6749 scope token (NQCHAR: %x21 / %x23-5B / %x5D-7E), at most 128.
bool IsScopeToken(absl::string_view s);
// Splits a space-separated scope parameter; INVALID_ARGUMENT for a bad token.
absl::StatusOr<std::vector<std::string>> ParseScope(absl::string_view scope);

// A redirect URI an app may register: absolute, no fragment, and https,
// or http on a loopback address (RFC 8252 §7.3), or a private-use scheme
// containing a dot (RFC 8252 §7.1).
absl::Status CheckRedirectUri(absl::string_view field, absl::string_view uri);

}  // namespace iam::oauth

#endif  // IAM_OAUTH_CLIENT_METADATA_H_
