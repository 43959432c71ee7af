// TokenService: issues access tokens (JWT, signed by the KeyRing's current
// key) and verifies them. Verification checks the signature, the issuer
// (the service's own, or for a client's OAuth token its account's),
// the audience, the time window and, when asked, that the session is still
// alive. Verified tokens are cached by their SHA-256 until they expire, so
// repeating a verification skips the signature check; session liveness is
// cached for at most one second, which bounds how long a revocation takes to
// be seen on every replica. Thread-safe.
#ifndef IAM_TOKEN_TOKEN_SERVICE_H_
#define IAM_TOKEN_TOKEN_SERVICE_H_

#include <array>
#include <mutex>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "iam/common/clock.h"
#include "iam/common/fresh_cache.h"
#include "iam/common/store_outage.h"
#include "iam/common/random.h"
#include "iam/store/auth_records.h"
#include "iam/store/database.h"
#include "iam/token/dpop.h"
#include "iam/token/jwt.h"
#include "iam/token/key_ring.h"

namespace iam::token {

struct TokenServiceOptions {
  std::string issuer = "http://127.0.0.1:8080";
  std::string default_audience = "iam";
  size_t cache_entries = 200000;
  int64_t leeway_seconds = 30;  // clock skew accepted on nbf and exp
};

struct IssuedToken {
  std::string token;
  Claims claims;
};

struct VerifiedToken {
  Claims claims;
  bool session_checked = false;
  bool session_active = false;
  std::string session_state;  // "active", "revoked", "expired", "unknown"
};

class TokenService {
 public:
  TokenService(KeyRing* keys, store::Database* db, const Clock* clock, Random* random,
               TokenServiceOptions options);

  absl::StatusOr<IssuedToken> Issue(const store::SessionRow& session, const std::string& username,
                                    const std::string& audience, int ttl_seconds);
  // Signs claims made elsewhere (the OAuth token endpoint's) with the
  // current key.
  absl::StatusOr<std::string> Sign(const Claims& claims);
  // Signs another kind of JWT (an ID token: typ "JWT") with the current key.
  absl::StatusOr<std::string> SignJson(const nlohmann::json& payload, absl::string_view typ);
  // The payload of a JWT of that typ signed by one of this service's keys
  // (retired ones included while published); UNAUTHENTICATED otherwise.
  // Claims are the caller's to judge: an ID token given back as a logout
  // hint may have expired.
  absl::StatusOr<nlohmann::json> VerifyOwn(absl::string_view token, absl::string_view typ);
  // The issuer of an account's OAuth tokens: "<issuer>/accounts/<id>".
  std::string AccountIssuer(absl::string_view account_id) const;

  // UNAUTHENTICATED with the reason (never the token) when it does not
  // verify. With check_session, a revoked or ended session is reported in
  // the answer (session_active false), not as an error.
  absl::StatusOr<VerifiedToken> Verify(absl::string_view token, const std::string& audience,
                                       bool check_session);

  // Verify for an introspection or a revocation: any audience is
  // accepted, and the session (or, for a client's token, its revocation)
  // is always checked.
  absl::StatusOr<VerifiedToken> Inspect(absl::string_view token);

  // While the store is unreachable, session states read before may answer
  // (see StoreOutage). Set before serving.
  void SetStoreOutage(StoreOutage* outage) { outage_ = outage; }

  // Records a DPoP proof as used, on every replica: ALREADY_EXISTS when it
  // was used before.
  absl::Status RememberProof(const DpopProof& proof);

  // Forgets the cached state of a session (this replica revoked it).
  void ForgetSession(const std::string& session_id);
  // Forgets the cached revocation state of a client's token (this replica
  // revoked it).
  void ForgetToken(const std::string& jti);

  const TokenServiceOptions& options() const { return options_; }
  KeyRing& keys() { return *keys_; }

 private:
  struct CachedToken {
    Claims claims;
  };
  struct CachedSession {
    bool live = false;
    std::string state;
  };
  static constexpr size_t kShards = 16;
  struct TokenShard {
    std::mutex mu;
    absl::flat_hash_map<std::string, CachedToken> map;
  };

  absl::StatusOr<Claims> VerifySignature(absl::string_view token);
  absl::StatusOr<CachedSession> SessionState(const std::string& sid);
  // A client's token has no session: it lives until it expires unless it
  // was revoked (RFC 7009), which is read like a session's state.
  absl::StatusOr<CachedSession> RevocationState(const std::string& jti);

  KeyRing* keys_;
  store::Database* db_;
  const Clock* clock_;
  Random* random_;
  TokenServiceOptions options_;
  std::array<TokenShard, kShards> tokens_;
  FreshCache<CachedSession> sessions_;
  FreshCache<CachedSession> revocations_;
  StoreOutage* outage_ = nullptr;
};

}  // namespace iam::token

#endif  // IAM_TOKEN_TOKEN_SERVICE_H_
