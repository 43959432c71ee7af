// ClientService: the OAuth clients of an account, their secrets, their
// service accounts, and the initial access tokens that gate dynamic
// registration. Every change runs through Mutations (admin authorization
// as iam:CreateClient..., one audit record, one transaction).
//
// A confidential client's secret is 256 bits from the CSPRNG, returned once
// and stored as its SHA-256 (a secret of that entropy needs no slow hash:
// guessing one is as hard as guessing the hash). A rotation keeps the old
// secret valid for a grace period of the caller's choosing, so the apps
// using it can be updated without an outage.
//
// A client allowed the client_credentials grant acts as its own principal:
// a user of kind `service`, named "service-account-<client_id>", created
// with it and deleted with it. Policies, groups, roles, boundaries and tags
// attach to it as to any user, and the decisions for its tokens are that
// user's. It has no password and cannot log in.
// Thread-safe.
#ifndef IAM_OAUTH_CLIENT_SERVICE_H_
#define IAM_OAUTH_CLIENT_SERVICE_H_

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "absl/time/time.h"
#include "iam/account/caller.h"
#include "iam/account/common.h"
#include "iam/account/mutation.h"
#include "iam/common/clock.h"
#include "iam/common/random.h"
#include "iam/oauth/client_metadata.h"
#include "iam/store/client_store.h"
#include "iam/store/logout_store.h"

namespace iam::oauth {

struct ClientView {
  store::ClientRow row;
  ClientMetadata metadata;
  std::string service_account;  // the username, or empty
  bool has_old_secret = false;  // a rotated secret still in its grace period
};

struct IssuedClient {
  ClientView client;
  std::string client_secret;  // shown once; empty for clients without one
  // RFC 7592's token for managing a registered client; dynamic
  // registration only.
  std::string registration_access_token;
};

struct IssuedInitialAccessToken {
  store::InitialAccessTokenRow row;
  std::string token;  // shown once
};

inline constexpr absl::Duration kMaxSecretGrace = absl::Hours(24 * 7);
inline constexpr absl::Duration kMaxInitialAccessTokenTtl = absl::Hours(24 * 30);

// "<client_id>" -> "service-account-<client_id>".
std::string ServiceAccountName(absl::string_view client_id);
// The display name a client's service account is created with.
std::string ServiceAccountDisplayName(absl::string_view client_id);
// SHA-256 of a client secret or an opaque token, hex.
std::string SecretDigest(absl::string_view secret);
// Whether a rotated secret is still in its grace period.
bool OldSecretLive(const store::ClientRow& row, int64_t now_ms);

class ClientService {
 public:
  ClientService(store::Database& db, const Clock& clock, Random& random,
                const account::Mutations& mutations)
      : db_(db), clock_(clock), random_(random), mutations_(mutations) {}

  absl::StatusOr<IssuedClient> Create(const account::Caller& caller, const std::string& account_id,
                                      const std::string& client_id,
                                      const nlohmann::json& metadata);
  absl::StatusOr<ClientView> Get(const account::Caller& caller, const std::string& account_id,
                                 const std::string& client_id);
  absl::StatusOr<account::Listing<ClientView>> List(const account::Caller& caller,
                                                    const std::string& account_id, int page_size,
                                                    const std::string& page_token);
  // Replaces the metadata when given (a whole document, validated as at
  // creation) and enables or disables the client when asked. Changing the
  // authentication method to or from one with a secret issues or drops the
  // secret: the answer then carries the new one.
  absl::StatusOr<IssuedClient> Update(const account::Caller& caller,
                                      const std::string& account_id, const std::string& client_id,
                                      const std::optional<nlohmann::json>& metadata,
                                      std::optional<bool> enabled);
  // Removes the client, its service account and all bound to it.
  absl::Status Delete(const account::Caller& caller, const std::string& account_id,
                      const std::string& client_id);
  // A new secret; the current one stays valid for `grace` (0: ends now).
  absl::StatusOr<IssuedClient> RotateSecret(const account::Caller& caller,
                                            const std::string& account_id,
                                            const std::string& client_id, absl::Duration grace);

  absl::StatusOr<IssuedInitialAccessToken> CreateInitialAccessToken(
      const account::Caller& caller, const std::string& account_id,
      const std::string& description, absl::Duration ttl, int uses);
  // A client's back-channel logout deliveries, newest first.
  absl::StatusOr<std::vector<store::LogoutDeliveryRow>> ListLogoutDeliveries(
      const account::Caller& caller, const std::string& account_id, const std::string& client_id,
      int limit);
  absl::StatusOr<std::vector<store::InitialAccessTokenRow>> ListInitialAccessTokens(
      const account::Caller& caller, const std::string& account_id);
  absl::Status DeleteInitialAccessToken(const account::Caller& caller,
                                        const std::string& account_id, const std::string& id);

  // Dynamic registration (RFC 7591/7592), authorized by tokens rather than
  // a caller: the initial access token to register, the client's
  // registration access token to read, replace or delete it. A token that
  // does not fit answers UNAUTHENTICATED, whatever the reason.
  absl::StatusOr<IssuedClient> Register(const std::string& account_id,
                                        const std::string& initial_access_token,
                                        const nlohmann::json& metadata,
                                        const std::string& source_ip);
  absl::StatusOr<ClientView> ReadRegistered(const std::string& account_id,
                                            const std::string& client_id,
                                            const std::string& registration_token);
  absl::StatusOr<IssuedClient> ReplaceRegistered(const std::string& account_id,
                                                 const std::string& client_id,
                                                 const std::string& registration_token,
                                                 const nlohmann::json& metadata,
                                                 const std::string& source_ip);
  absl::Status DeleteRegistered(const std::string& account_id, const std::string& client_id,
                                const std::string& registration_token,
                                const std::string& source_ip);

  // For the token endpoint: the client as stored, without authorization.
  absl::StatusOr<ClientView> Load(const std::string& account_id, const std::string& client_id);

 private:
  ClientView ViewOf(store::ClientRow row, ClientMetadata metadata, std::string service_account);
  // Makes the row's secrets fit its authentication method: a new secret
  // (returned, to be shown once) when the method takes one and the row
  // has none; no secrets at all when the method takes none.
  std::string FitSecret(store::ClientRow& row, const ClientMetadata& metadata);
  // Inside a change: the service account for a client that needs one.
  absl::StatusOr<std::string> EnsureServiceAccount(store::Tx& tx, const std::string& account,
                                                   store::ClientRow& row);
  absl::StatusOr<ClientView> ReadView(store::Tx& tx, store::ClientRow row);
  absl::StatusOr<store::ClientRow> Registered(store::Tx& tx, const std::string& account_id,
                                              const std::string& client_id,
                                              const std::string& registration_token);

  store::Database& db_;
  const Clock& clock_;
  Random& random_;
  const account::Mutations& mutations_;
};

}  // namespace iam::oauth

#endif  // IAM_OAUTH_CLIENT_SERVICE_H_
