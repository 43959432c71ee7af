// OidcUpstream: this service as the relying party of an account's
// upstream OpenID Connect provider. It finds the provider's endpoints
// (discovery, cached for five minutes, its issuer checked against the
// configured one; or the explicit endpoints), builds the authorization
// request (state, nonce, PKCE S256), exchanges the code at the token
// endpoint with the client's authentication, and verifies the ID token:
// its signature against the provider's JWKS (cached, fetched again once
// when a key is not found, so a rotation is followed), the issuer, the
// audience (and azp when there are several), the expiry, the issue time
// and the nonce. Outbound requests go through the HttpFetcher, with its
// deadlines and destination rules. Thread-safe.
#ifndef IAM_FEDERATION_OIDC_UPSTREAM_H_
#define IAM_FEDERATION_OIDC_UPSTREAM_H_

#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "iam/common/clock.h"
#include "iam/common/random.h"
#include "iam/federation/identity_provider.h"
#include "iam/net/http_fetcher.h"
#include "iam/oauth/remote_key_sets.h"

namespace iam::federation {

struct OidcEndpoints {
  std::string issuer;
  std::string authorization_endpoint;
  std::string token_endpoint;
  std::string jwks_uri;
};

struct AuthorizationRequest {
  std::string redirect_uri;
  std::string state;
  std::string nonce;
  std::string code_verifier;  // empty: no PKCE
  std::string login_hint;
  std::string ui_locales;
};

class OidcUpstream {
 public:
  // Signs a client assertion (private_key_jwt) with this service's key:
  // the compact JWS of the claims given.
  using AssertionSigner = std::function<absl::StatusOr<std::string>(const nlohmann::json& claims)>;

  // `key_sets` fetches and caches the providers' JWK Sets; it must parse
  // them with oauth::UpstreamVerifyKeys. `sign` may be null: then
  // private_key_jwt clients cannot exchange codes.
  OidcUpstream(const net::HttpFetcher& fetcher, const Clock& clock, Random& random,
               oauth::RemoteKeySets& key_sets, AssertionSigner sign = nullptr)
      : fetcher_(fetcher), clock_(clock), random_(random), key_sets_(key_sets),
        sign_(std::move(sign)) {}

  // UNAVAILABLE when the provider cannot be reached or answers nonsense
  // (the message says which); the endpoints otherwise.
  absl::StatusOr<OidcEndpoints> Endpoints(const OidcSettings& settings);

  // Where to send the browser.
  static std::string AuthorizationUrl(const OidcEndpoints& endpoints, const OidcSettings& settings,
                                      const AuthorizationRequest& request);

  // What the token endpoint answers for a code.
  struct Tokens {
    std::string id_token;      // required of an OIDC provider
    std::string access_token;  // what an oauth2 login reads userinfo with
  };
  // The tokens the token endpoint answers for `code`. UNAVAILABLE when
  // the provider cannot be reached; PERMISSION_DENIED when it refuses the
  // code (its error code in the message), or answers without the token
  // the protocol needs.
  absl::StatusOr<Tokens> Exchange(const OidcEndpoints& endpoints, const OidcSettings& settings,
                                       const std::string& client_secret, const std::string& code,
                                       const std::string& redirect_uri,
                                       const std::string& code_verifier);

  // The claims of a verified ID token; PERMISSION_DENIED naming the check
  // that failed (signature, issuer, audience, expired, nonce...);
  // UNAVAILABLE when the provider's keys cannot be had.
  absl::StatusOr<nlohmann::json> VerifyIdToken(const OidcEndpoints& endpoints,
                                               const OidcSettings& settings,
                                               const std::string& id_token,
                                               const std::string& nonce);

  // oauth2: the user's claims from the userinfo endpoint. PERMISSION_DENIED
  // when it refuses the access token; UNAVAILABLE when it cannot answer.
  absl::StatusOr<nlohmann::json> UserInfo(const OidcSettings& settings,
                                          const std::string& access_token);

  // For `iamctl idp test`: discovery and keys, one finding a line; the
  // status says whether it all worked.
  absl::Status Probe(const OidcSettings& settings, std::vector<std::string>* findings);

 private:
  struct Cached {
    OidcEndpoints endpoints;
    absl::Time expires;
  };
  absl::StatusOr<OidcEndpoints> Discover(const std::string& issuer);

  const net::HttpFetcher& fetcher_;
  const Clock& clock_;
  Random& random_;
  oauth::RemoteKeySets& key_sets_;
  AssertionSigner sign_;
  std::mutex mu_;
  absl::flat_hash_map<std::string, Cached> discovered_;  // guarded by mu_
};

}  // namespace iam::federation

#endif  // IAM_FEDERATION_OIDC_UPSTREAM_H_
