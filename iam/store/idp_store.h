// Upstream identity providers, the federated identities that link their
// users to users here, and the browser logins in flight through an
// upstream provider. Inside a caller's transaction.
#ifndef IAM_STORE_IDP_STORE_H_
#define IAM_STORE_IDP_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "iam/store/database.h"

namespace iam::store {

struct IdentityProviderRow {
  std::string account_id;
  std::string alias;
  std::string kind;           // "oidc" or "ldap"
  std::string config;         // JSON, without the secret
  std::string sealed_secret;  // "" when there is none
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

struct FederatedIdentityRow {
  std::string account_id;
  std::string provider;  // the provider's alias
  std::string subject;   // the upstream's stable identifier of the user
  std::string user_id;
  int64_t created_at = 0;
  int64_t last_login_at = 0;
};

struct UpstreamLoginRow {
  std::string state_hash;  // SHA-256 of the state sent upstream
  std::string account_id;
  std::string provider;
  std::string request_id;    // the pending login it continues
  std::string browser_hash;  // the browser that must bring the answer back
  std::string nonce;
  std::string code_verifier;
  int64_t created_at = 0;
  int64_t expires_at = 0;
};

namespace idps {

// ALREADY_EXISTS when the account has a provider of that alias.
absl::Status Insert(Tx& tx, const IdentityProviderRow& row);
// NOT_FOUND when there is none.
absl::StatusOr<IdentityProviderRow> Get(Tx& tx, const std::string& account_id,
                                        const std::string& alias);
absl::StatusOr<std::vector<IdentityProviderRow>> List(Tx& tx, const std::string& account_id);
// Every account's providers of a kind ("ldap"), for the periodic sync.
absl::StatusOr<std::vector<IdentityProviderRow>> ListOfKind(Tx& tx, const std::string& kind);
// NOT_FOUND when there is none.
absl::Status Update(Tx& tx, const IdentityProviderRow& row);
// Deletes the provider and its federated identities (the users stay);
// NOT_FOUND when there is none.
absl::Status Delete(Tx& tx, const std::string& account_id, const std::string& alias);
absl::Status DeleteAllOfAccount(Tx& tx, const std::string& account_id);

// ALREADY_EXISTS when the subject or the user is linked already.
absl::Status Link(Tx& tx, const FederatedIdentityRow& row);
absl::StatusOr<std::optional<FederatedIdentityRow>> FindLink(Tx& tx, const std::string& account_id,
                                                            const std::string& provider,
                                                            const std::string& subject);
absl::StatusOr<std::vector<FederatedIdentityRow>> LinksOfUser(Tx& tx, const std::string& user_id);
absl::StatusOr<std::vector<FederatedIdentityRow>> LinksOfProvider(Tx& tx,
                                                                  const std::string& account_id,
                                                                  const std::string& provider);
absl::Status Touch(Tx& tx, const std::string& account_id, const std::string& provider,
                   const std::string& subject, int64_t now);
absl::Status DeleteLinksOfUser(Tx& tx, const std::string& user_id);

absl::Status PutUpstreamLogin(Tx& tx, const UpstreamLoginRow& row);
// Takes the row (deletes it) so that an answer is used once: nullopt when
// there is none (never sent, used already, or purged).
absl::StatusOr<std::optional<UpstreamLoginRow>> TakeUpstreamLogin(Tx& tx,
                                                                  const std::string& state_hash);
absl::StatusOr<int64_t> PurgeUpstreamLogins(Tx& tx, int64_t now);

}  // namespace idps
}  // namespace iam::store

#endif  // IAM_STORE_IDP_STORE_H_
