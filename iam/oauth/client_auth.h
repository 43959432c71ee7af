// ClientAuthenticator: who the client at a token endpoint is. It takes the
// credentials of exactly one method (RFC 6749 §2.3: HTTP Basic or the
// client_secret form parameters; RFC 7523: a private_key_jwt assertion;
// or, for a public client, client_id alone), and requires the method the
// client registered (keys registered as a set, or fetched from the client's
// jwks_uri and cached). Secrets are compared as SHA-256 digests in constant
// time; a rotated secret is accepted until its grace period ends. An
// assertion's jti is accepted once, on every replica (the store remembers
// it until it expires). A disabled client, a disabled service account, a
// suspended account and a source address outside the client's allowlist
// are refused too. Every failure is invalid_client with a description that
// does not say whether the client exists.
//
// Clients are cached for at most a second, and dropped at once when this
// replica, or (through the authorization version) another, changes any.
// Thread-safe.
#ifndef IAM_OAUTH_CLIENT_AUTH_H_
#define IAM_OAUTH_CLIENT_AUTH_H_

#include <string>

#include "iam/common/clock.h"
#include "iam/common/fresh_cache.h"
#include "iam/oauth/client_service.h"
#include "iam/oauth/form.h"
#include "iam/oauth/remote_key_sets.h"
#include "iam/store/database.h"

namespace iam::oauth {

struct ClientCredentials {
  bool basic = false;  // an Authorization: Basic header was sent
  std::string basic_id;
  std::string basic_secret;
  std::string client_id;      // form
  std::string client_secret;  // form
  std::string assertion_type;
  std::string assertion;

  // The client_id the request claims, whichever way it came.
  const std::string& ClaimedId() const { return basic ? basic_id : client_id; }
};

// From the Authorization header (null when absent; `authorization_headers`
// is how many were sent) and the form. invalid_request for a malformed
// header, invalid_client for more than one method.
absl::StatusOr<ClientCredentials> CredentialsOf(const std::string* authorization,
                                                int authorization_headers, const Form& form);

// Where a client stands once its account, service account and state are
// read: what the token endpoint needs, cached as one value.
struct KnownClient {
  ClientView view;
  bool account_active = false;
  bool service_account_active = false;
  std::string service_user_id;
};

class ClientAuthenticator {
 public:
  // `key_sets`: where the keys of clients that registered a jwks_uri are
  // fetched; null refuses their assertions.
  ClientAuthenticator(store::Database& db, const Clock& clock, RemoteKeySets* key_sets = nullptr);

  // `audiences`: what an assertion's aud may be (the token endpoint's URL
  // and the issuer).
  absl::StatusOr<KnownClient> Authenticate(const std::string& account_id,
                                           const ClientCredentials& credentials,
                                           const std::string& source_ip,
                                           const std::vector<std::string>& audiences);

  // A client as the authorization endpoint sees it: named in the request,
  // not authenticated. NOT_FOUND for an unknown or disabled client or an
  // account that is not active (one answer for all).
  absl::StatusOr<KnownClient> Lookup(const std::string& account_id, const std::string& client_id);

  // Forgets every cached client (a change to clients was made).
  void Clear() { cache_.Clear(); }

 private:
  absl::StatusOr<KnownClient> Find(const std::string& account_id, const std::string& client_id);
  absl::Status CheckSecret(const KnownClient& client, const std::string& secret) const;
  absl::Status CheckAssertion(const KnownClient& client, const std::string& assertion,
                              const std::vector<std::string>& audiences);

  store::Database& db_;
  const Clock& clock_;
  RemoteKeySets* const key_sets_;
  FreshCache<KnownClient> cache_;
};

}  // namespace iam::oauth

#endif  // IAM_OAUTH_CLIENT_AUTH_H_
