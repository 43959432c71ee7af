#include "iam/token/token_service.h"

#include "absl/strings/str_split.h"
#include "iam/common/crypto.h"
#include "iam/common/status_macros.h"
#include "iam/token/claim_rules.h"
#include "iam/token/jwt.h"
#include "iam/store/client_store.h"
#include "iam/store/session_store.h"

namespace iam::token {
namespace {

constexpr absl::Duration kSessionStaleAfter = absl::Seconds(1);
// A revoked client token must read as inactive everywhere within a second
// of the revocation's answer; half a second of cache leaves room for the
// read itself.
constexpr absl::Duration kRevocationStaleAfter = absl::Milliseconds(500);


}  // namespace

TokenService::TokenService(KeyRing* keys, store::Database* db, const Clock* clock,
                           Random* random, TokenServiceOptions options)
    : keys_(keys),
      db_(db),
      clock_(clock),
      random_(random),
      options_(std::move(options)),
      sessions_(clock, kSessionStaleAfter, options_.cache_entries),
      revocations_(clock, kRevocationStaleAfter, options_.cache_entries) {}

absl::StatusOr<IssuedToken> TokenService::Issue(const store::SessionRow& s,
                                                const std::string& username,
                                                const std::string& audience, int ttl_seconds) {
  ASSIGN_OR_RETURN(auto key, keys_->Signer());
  const int64_t now = absl::ToUnixSeconds(clock_->Now());
  Claims c;
  c.iss = options_.issuer;
  c.sub = s.user_id;
  c.aud = audience.empty() ? options_.default_audience : audience;
  c.jti = crypto::Base64Url(random_->Bytes(16));
  c.sid = s.id;
  c.account = s.account_id;
  c.username = username;
  c.client_type = s.client_type;
  for (absl::string_view m : absl::StrSplit(s.amr, ',', absl::SkipEmpty())) c.amr.emplace_back(m);
  c.iat = c.nbf = now;
  // Never beyond the session's own end.
  c.exp = std::min<int64_t>(now + ttl_seconds, s.expires_at / 1000);
  c.auth_time = s.auth_time / 1000;
  ASSIGN_OR_RETURN(std::string jwt, SignJwt(c, *key));
  return IssuedToken{std::move(jwt), std::move(c)};
}

absl::StatusOr<std::string> TokenService::Sign(const Claims& claims) {
  ASSIGN_OR_RETURN(auto key, keys_->Signer());
  return SignJwt(claims, *key);
}

absl::StatusOr<std::string> TokenService::SignJson(const nlohmann::json& payload,
                                                   absl::string_view typ) {
  ASSIGN_OR_RETURN(auto key, keys_->Signer());
  return SignJws(payload, typ, *key);
}

absl::StatusOr<nlohmann::json> TokenService::VerifyOwn(absl::string_view token,
                                                       absl::string_view typ) {
  ASSIGN_OR_RETURN(ParsedJwt jws, ParseJws(token));
  if (!jws.header.contains("typ") || !jws.header["typ"].is_string() ||
      jws.header["typ"].get<std::string>() != typ || jws.kid.empty()) {
    return TokenRefused("not a token of that type");
  }
  auto key = keys_->Find(jws.kid);
  if (!key.ok()) {
    if (absl::IsNotFound(key.status())) return TokenRefused("signed by an unknown key");
    return key.status();
  }
  if (jws.alg != AlgName((*key)->alg())) return TokenRefused("algorithm mismatch");
  if (!(*key)->Verify(jws.signing_input, jws.signature)) return TokenRefused("bad signature");
  return jws.payload;
}

std::string TokenService::AccountIssuer(absl::string_view account_id) const {
  return absl::StrCat(options_.issuer, "/accounts/", account_id);
}

absl::StatusOr<Claims> TokenService::VerifySignature(absl::string_view token) {
  const std::string digest = crypto::Sha256(token);
  TokenShard& shard = tokens_[static_cast<unsigned char>(digest[0]) % kShards];
  {
    std::lock_guard<std::mutex> lock(shard.mu);
    auto it = shard.map.find(digest);
    if (it != shard.map.end()) return it->second.claims;
  }
  ASSIGN_OR_RETURN(ParsedJwt jwt, ParseJwt(token));
  auto key = keys_->Find(jwt.kid);
  if (!key.ok()) {
    if (absl::IsNotFound(key.status())) return TokenRefused("signed by an unknown key");
    return key.status();
  }
  // The key's algorithm decides; a token naming another one is refused.
  if (jwt.alg != AlgName((*key)->alg())) return TokenRefused("algorithm mismatch");
  if (!(*key)->Verify(jwt.signing_input, jwt.signature)) return TokenRefused("bad signature");
  ASSIGN_OR_RETURN(Claims claims, Claims::FromJson(jwt.payload));
  std::lock_guard<std::mutex> lock(shard.mu);
  if (shard.map.size() >= options_.cache_entries / kShards) {
    const int64_t now = absl::ToUnixSeconds(clock_->Now());
    for (auto it = shard.map.begin(); it != shard.map.end();) {
      if (it->second.claims.exp <= now) {
        shard.map.erase(it++);
      } else {
        ++it;
      }
    }
    if (shard.map.size() >= options_.cache_entries / kShards) shard.map.clear();
  }
  shard.map[digest] = CachedToken{claims};
  return claims;
}

absl::StatusOr<TokenService::CachedSession> TokenService::SessionState(const std::string& sid) {
  if (auto cached = sessions_.Get(sid)) return *cached;
  const uint64_t generation = sessions_.Generation();
  const absl::Time now = clock_->Now();
  CachedSession state{false, "unknown"};
  absl::Status s = db_->Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    auto row = store::sessions::Get(tx, sid);
    if (absl::IsNotFound(row.status())) return absl::OkStatus();
    RETURN_IF_ERROR(row.status());
    const int64_t ms = ToUnixMillisUtc(now);
    state.live = row->LiveAt(ms);
    state.state = state.live ? "active" : row->revoked_at ? "revoked" : "expired";
    return absl::OkStatus();
  });
  if (outage_ != nullptr) {
    if (auto stale = outage_->StaleAnswer(s, sessions_, sid)) return *stale;
  }
  RETURN_IF_ERROR(s);
  sessions_.Put(sid, state, generation);
  return state;
}

absl::StatusOr<VerifiedToken> TokenService::Inspect(absl::string_view token) {
  ASSIGN_OR_RETURN(Claims c, VerifySignature(token));
  const std::string aud = c.aud;
  return Verify(token, aud, /*check_session=*/true);
}

void TokenService::ForgetSession(const std::string& session_id) {
  sessions_.Forget(session_id);
}

absl::Status TokenService::RememberProof(const DpopProof& proof) {
  return db_->Transact(store::TxMode::kWrite, [&](store::Tx& tx) {
    return store::clients::RememberProof(tx, ProofReplayKey(proof), proof.remember_until * 1000);
  });
}

void TokenService::ForgetToken(const std::string& jti) { revocations_.Forget(jti); }

absl::StatusOr<TokenService::CachedSession> TokenService::RevocationState(const std::string& jti) {
  if (auto cached = revocations_.Get(jti)) return *cached;
  const uint64_t generation = revocations_.Generation();
  CachedSession state{true, "active"};
  absl::Status s = db_->Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(bool revoked, store::clients::IsRevoked(tx, jti));
    state = revoked ? CachedSession{false, "revoked"} : CachedSession{true, "active"};
    return absl::OkStatus();
  });
  if (outage_ != nullptr) {
    if (auto stale = outage_->StaleAnswer(s, revocations_, jti)) return *stale;
  }
  RETURN_IF_ERROR(s);
  revocations_.Put(jti, state, generation);
  return state;
}

absl::StatusOr<VerifiedToken> TokenService::Verify(absl::string_view token,
                                                   const std::string& audience,
                                                   bool check_session) {
  ASSIGN_OR_RETURN(Claims c, VerifySignature(token));
  // A client's token is its account's; a login's is the service's.
  const std::string issuer =
      c.client_id.empty() ? options_.issuer : AccountIssuer(c.account);
  RETURN_IF_ERROR(CheckClaims(
      c,
      ClaimRules{issuer, audience.empty() ? options_.default_audience : audience,
                 options_.leeway_seconds},
      absl::ToUnixSeconds(clock_->Now())));
  VerifiedToken out;
  out.claims = std::move(c);
  if (check_session) {
    ASSIGN_OR_RETURN(CachedSession s, out.claims.sid.empty() ? RevocationState(out.claims.jti)
                                                             : SessionState(out.claims.sid));
    // A client's token bound to a user's session ends with the session,
    // and also alone: revoked (RFC 7009) or issued by a replayed code.
    if (s.live && !out.claims.sid.empty() && !out.claims.client_id.empty()) {
      ASSIGN_OR_RETURN(CachedSession revoked, RevocationState(out.claims.jti));
      if (!revoked.live) s = revoked;
    }
    out.session_checked = true;
    out.session_active = s.live;
    out.session_state = s.state;
  }
  return out;
}

}  // namespace iam::token
