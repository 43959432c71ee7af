// What the browser login keeps between requests: /authorize requests
// waiting for a login, the browser sessions of single sign-on,
// authorization codes, and consents. Inside a caller's transaction.
// Secrets (request ids, cookies, codes) are stored as their SHA-256 only.
#ifndef IAM_STORE_SSO_STORE_H_
#define IAM_STORE_SSO_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "iam/store/database.h"

namespace iam::store {

struct AuthRequestRow {
  std::string request_hash;
  std::string account_id;
  std::string client_id;
  std::string browser_hash;
  std::string params;  // JSON, see oauth/authorize.h
  int64_t created_at = 0;
  int64_t expires_at = 0;
  std::optional<int64_t> finished_at;
};

struct SsoRow {
  std::string token_hash;
  std::string session_id;
  std::string account_id;
  int64_t created_at = 0;
};

struct CodeRow {
  std::string code_hash;
  std::string account_id;
  std::string client_id;
  std::string user_id;
  std::string session_id;
  std::string redirect_uri;
  std::string scope;  // space-separated
  std::string nonce;
  std::string code_challenge;  // S256
  int64_t auth_time = 0;       // ms
  std::string amr;             // comma-separated
  std::string acr;
  int64_t created_at = 0;
  int64_t expires_at = 0;
  std::optional<int64_t> used_at;
  std::optional<std::string> access_jti;
  std::optional<std::string> refresh_family;
};

namespace sso {

absl::Status InsertAuthRequest(Tx& tx, const AuthRequestRow& row);
absl::StatusOr<std::optional<AuthRequestRow>> GetAuthRequest(Tx& tx, const std::string& hash);
// 1 when this call finished it, 0 when it had finished already.
absl::StatusOr<int64_t> FinishAuthRequest(Tx& tx, const std::string& hash, int64_t now_ms);

absl::Status InsertSso(Tx& tx, const SsoRow& row);
absl::StatusOr<std::optional<SsoRow>> GetSso(Tx& tx, const std::string& hash);
absl::Status DeleteSsoOfSession(Tx& tx, const std::string& session_id);

absl::Status InsertCode(Tx& tx, const CodeRow& row);
absl::StatusOr<std::optional<CodeRow>> GetCode(Tx& tx, const std::string& hash);
// Marks the code used and records what its exchange issued: 1 when this
// call used it, 0 when it had been used already (a replay).
absl::StatusOr<int64_t> UseCode(Tx& tx, const std::string& hash, int64_t now_ms,
                                const std::string& access_jti, const std::string& refresh_family);
// The clients that were given a code or a refresh token of a session: the
// ones back-channel logout tells when it ends.
absl::StatusOr<std::vector<std::string>> ClientsOfSession(Tx& tx, const std::string& session_id);

// The scopes a user granted a client ("" when none were).
absl::StatusOr<std::optional<std::string>> GetConsent(Tx& tx, const std::string& account_id,
                                                      const std::string& user_id,
                                                      const std::string& client_id);
absl::Status PutConsent(Tx& tx, const std::string& account_id, const std::string& user_id,
                        const std::string& client_id, const std::string& scope, int64_t now_ms);
absl::Status DeleteConsent(Tx& tx, const std::string& account_id, const std::string& user_id,
                           const std::string& client_id);

// Everything of a deleted user, of a deleted client, of a purged account.
absl::Status DeleteOfUser(Tx& tx, const std::string& user_id);
absl::Status DeleteOfClient(Tx& tx, const std::string& account_id, const std::string& client_id);
absl::Status DeleteAllOfAccount(Tx& tx, const std::string& account_id);
// Requests and codes past their end, and sign-ons of sessions that ended
// before `now_ms`.
absl::StatusOr<int64_t> PurgeEnded(Tx& tx, int64_t now_ms);

}  // namespace sso
}  // namespace iam::store

#endif  // IAM_STORE_SSO_STORE_H_
