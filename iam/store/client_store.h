// OAuth clients and what the token endpoint keeps beside them: initial
// access tokens for dynamic registration, access tokens revoked before
// their end, and DPoP proofs already seen. Inside a caller's transaction.
#ifndef IAM_STORE_CLIENT_STORE_H_
#define IAM_STORE_CLIENT_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "iam/store/database.h"
#include "iam/store/states.h"

namespace iam::store {

struct ClientRow {
  std::string id;
  std::string account_id;
  std::string client_id;  // unique in the account; what apps are configured with
  std::string metadata;   // JSON, see oauth/client_metadata.h
  std::optional<std::string> secret_hash;  // hex SHA-256; none for public clients
  std::optional<int64_t> secret_created_at;
  // A rotated secret still accepted until old_secret_expires_at.
  std::optional<std::string> old_secret_hash;
  std::optional<int64_t> old_secret_expires_at;
  // Hash of the RFC 7592 registration access token (registered clients).
  std::optional<std::string> registration_hash;
  std::optional<std::string> service_user_id;
  ClientState state = ClientState::kActive;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

struct InitialAccessTokenRow {
  std::string id;
  std::string account_id;
  std::string token_hash;
  std::string description;
  int64_t uses_left = 0;
  int64_t expires_at = 0;
  int64_t created_at = 0;
};

struct OAuthRefreshRow {
  std::string token_hash;
  std::string family_id;
  std::string account_id;
  std::string client_id;
  std::string user_id;
  std::string session_id;
  std::string scope;     // space-separated
  std::string audience;
  int64_t created_at = 0;
  int64_t expires_at = 0;
  std::optional<int64_t> used_at;
  std::optional<int64_t> revoked_at;
};

namespace clients {

// ALREADY_EXISTS when the account has a client of that client_id.
absl::Status Insert(Tx& tx, const ClientRow& row);
// NOT_FOUND "client not found".
absl::StatusOr<ClientRow> Get(Tx& tx, const std::string& account_id,
                              const std::string& client_id);
absl::StatusOr<ClientRow> GetById(Tx& tx, const std::string& id);
// Ordered by client_id, after `after`.
absl::StatusOr<std::vector<ClientRow>> List(Tx& tx, const std::string& account_id,
                                            const std::string& after, int limit);
// Writes metadata, state, the secrets, the registration hash and updated_at.
absl::Status Update(Tx& tx, const ClientRow& row);
absl::Status Delete(Tx& tx, const std::string& id);
// Clients and initial access tokens of a purged account (before its users).
absl::Status DeleteAllOfAccount(Tx& tx, const std::string& account_id);
// The client whose service account is that user, if any.
absl::StatusOr<std::optional<ClientRow>> OfServiceUser(Tx& tx, const std::string& user_id);

absl::Status InsertInitialAccessToken(Tx& tx, const InitialAccessTokenRow& row);
absl::StatusOr<std::vector<InitialAccessTokenRow>> ListInitialAccessTokens(
    Tx& tx, const std::string& account_id);
absl::Status DeleteInitialAccessToken(Tx& tx, const std::string& account_id,
                                      const std::string& id);
// Uses one registration of the token of that hash in that account, if it
// is unexpired and has uses left; NOT_FOUND otherwise (which is not said).
absl::Status ConsumeInitialAccessToken(Tx& tx, const std::string& account_id,
                                       const std::string& token_hash, int64_t now_ms);

// Idempotent: revoking twice is revoking once.
absl::Status Revoke(Tx& tx, const std::string& jti, const std::string& account_id,
                    int64_t expires_at_ms);
absl::StatusOr<bool> IsRevoked(Tx& tx, const std::string& jti);

// ALREADY_EXISTS when the proof was seen before: a replay.
absl::Status RememberProof(Tx& tx, const std::string& proof_hash, int64_t expires_at_ms);

absl::Status InsertRefresh(Tx& tx, const OAuthRefreshRow& row);
// nullopt for an unknown hash.
absl::StatusOr<std::optional<OAuthRefreshRow>> GetRefresh(Tx& tx, const std::string& hash);
// Marks it used if nobody did first: 1, or 0 when it was used already.
absl::StatusOr<int64_t> MarkRefreshUsed(Tx& tx, const std::string& hash, int64_t now_ms);
absl::Status RevokeRefreshFamily(Tx& tx, const std::string& family_id, int64_t now_ms);

// Forgets revocations, proofs and refresh tokens that have ended; answers
// how many.
absl::StatusOr<int64_t> PurgeEnded(Tx& tx, int64_t now_ms);

}  // namespace clients
}  // namespace iam::store

#endif  // IAM_STORE_CLIENT_STORE_H_
