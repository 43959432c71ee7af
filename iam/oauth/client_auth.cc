#include "iam/oauth/client_auth.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"
#include "iam/common/cidr.h"
#include "iam/common/crypto.h"
#include "iam/common/status_macros.h"
#include "iam/oauth/client_keys.h"
#include "iam/oauth/oauth_error.h"
#include "iam/store/account_store.h"
#include "iam/store/client_store.h"
#include "iam/store/user_store.h"
#include "iam/token/jwt.h"

namespace iam::oauth {
namespace {

constexpr char kJwtBearerAssertion[] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
// An assertion may not claim a longer life than this (RFC 7523 leaves it
// to the server); the store remembers its jti that long.
constexpr int64_t kMaxAssertionLifetime = 600;
constexpr int64_t kLeeway = 30;

absl::Status Refused(absl::string_view reason) {
  // One description for every cause: which one it was is not the
  // caller's to learn; the audit record says.
  return WithReason(InvalidClient("client authentication failed"), reason);
}

}  // namespace

absl::StatusOr<ClientCredentials> CredentialsOf(const std::string* authorization,
                                                int authorization_headers, const Form& form) {
  ClientCredentials c;
  c.client_id = Param(form, "client_id");
  c.client_secret = Param(form, "client_secret");
  c.assertion_type = Param(form, "client_assertion_type");
  c.assertion = Param(form, "client_assertion");
  if (authorization_headers > 1) return InvalidRequest("more than one Authorization header");
  if (authorization != nullptr) {
    absl::string_view value = *authorization;
    if (!absl::ConsumePrefix(&value, "Basic ") && !absl::ConsumePrefix(&value, "basic ")) {
      return InvalidClient("the token endpoint takes HTTP Basic client authentication only");
    }
    auto decoded = crypto::FromBase64(std::string(absl::StripAsciiWhitespace(value)));
    if (!decoded.ok()) return InvalidClient("the Basic credentials are not base64");
    const size_t colon = decoded->find(':');
    if (colon == std::string::npos) return InvalidClient("the Basic credentials lack a ':'");
    // RFC 6749 §2.3.1: both parts are form-encoded before base64.
    auto id = FormDecode(decoded->substr(0, colon));
    auto secret = FormDecode(decoded->substr(colon + 1));
    if (!id.ok() || !secret.ok()) return InvalidClient("the Basic credentials are malformed");
    c.basic = true;
    c.basic_id = *std::move(id);
    c.basic_secret = *std::move(secret);
  }
  const int methods = (c.basic ? 1 : 0) + (c.client_secret.empty() ? 0 : 1) +
                      (c.assertion.empty() && c.assertion_type.empty() ? 0 : 1);
  if (methods > 1) return InvalidClient("use one client authentication method, not several");
  if (c.basic && !c.client_id.empty() && c.client_id != c.basic_id) {
    return InvalidClient("client_id differs from the authenticated client");
  }
  if (c.ClaimedId().empty()) {
    // An assertion names its client in iss; the id is read from it later.
    if (c.assertion.empty()) return InvalidClient("no client authentication");
  }
  return c;
}

ClientAuthenticator::ClientAuthenticator(store::Database& db, const Clock& clock,
                                         RemoteKeySets* key_sets)
    : db_(db), clock_(clock), key_sets_(key_sets), cache_(&clock, absl::Seconds(1), 100000) {}

absl::StatusOr<KnownClient> ClientAuthenticator::Find(const std::string& account_id,
                                                      const std::string& client_id) {
  const std::string key = absl::StrCat(account_id, "/", client_id);
  if (auto cached = cache_.Get(key)) return *cached;
  const uint64_t generation = cache_.Generation();
  KnownClient known;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    auto row = store::clients::Get(tx, account_id, client_id);
    if (absl::IsNotFound(row.status())) return Refused("unknown client");
    RETURN_IF_ERROR(row.status());
    ASSIGN_OR_RETURN(ClientMetadata m, LoadClientMetadata(row->metadata));
    ASSIGN_OR_RETURN(store::AccountRow account, store::accounts::Get(tx, account_id));
    known.account_active = account.state == store::AccountState::kActive;
    known.service_account_active = false;
    known.service_user_id.clear();
    std::string username;
    if (row->service_user_id) {
      ASSIGN_OR_RETURN(store::UserRow u, store::users::Get(tx, *row->service_user_id));
      known.service_account_active = u.state == store::UserState::kActive;
      known.service_user_id = u.id;
      username = u.username;
    }
    known.view = ClientView{*row, std::move(m), username, false};
    known.view.has_old_secret = OldSecretLive(*row, clock_.NowMs());
    return absl::OkStatus();
  }));
  cache_.Put(key, known, generation);
  return known;
}

absl::StatusOr<KnownClient> ClientAuthenticator::Lookup(const std::string& account_id,
                                                        const std::string& client_id) {
  const absl::Status unknown = absl::NotFoundError("no such application");
  if (client_id.empty() || client_id.size() > 128) return unknown;
  auto known = Find(account_id, client_id);
  if (!known.ok()) {
    return ToHttpError(known.status()).error == "invalid_client" ? unknown : known.status();
  }
  if (known->view.row.state != store::ClientState::kActive || !known->account_active) {
    return unknown;
  }
  return known;
}

absl::Status ClientAuthenticator::CheckSecret(const KnownClient& client,
                                              const std::string& secret) const {
  if (secret.empty() || secret.size() > 512) return Refused("no secret");
  const std::string digest = SecretDigest(secret);
  const store::ClientRow& row = client.view.row;
  bool match = row.secret_hash && crypto::ConstantTimeEquals(*row.secret_hash, digest);
  // The previous secret, during its grace period. Both are compared, so
  // the time taken does not say which one matched.
  const bool old_live = OldSecretLive(row, clock_.NowMs());
  const bool old_match =
      row.old_secret_hash && crypto::ConstantTimeEquals(*row.old_secret_hash, digest);
  match = match || (old_live && old_match);
  return match ? absl::OkStatus() : Refused("wrong secret");
}

absl::Status ClientAuthenticator::CheckAssertion(const KnownClient& client,
                                                 const std::string& assertion,
                                                 const std::vector<std::string>& audiences) {
  const ClientMetadata& m = client.view.metadata;
  auto jws = token::ParseJws(assertion);
  if (!jws.ok()) return Refused("malformed assertion");
  auto verifies = [&](const VerifyKeys& keys) {
    for (const auto& key : keys) {
      if (!jws->kid.empty() && !key->kid().empty() && key->kid() != jws->kid) continue;
      if (jws->alg != token::AlgName(key->alg())) continue;
      if (key->Verify(jws->signing_input, jws->signature)) return true;
    }
    return false;
  };
  bool verified = false;
  if (m.jwks) {
    ASSIGN_OR_RETURN(VerifyKeys keys, ClientVerifyKeys(*m.jwks));
    verified = verifies(keys);
  } else {
    if (key_sets_ == nullptr) return Refused("this server does not fetch jwks_uri key sets");
    auto keys = key_sets_->Keys(m.jwks_uri);
    if (!keys.ok()) return Refused(absl::StrCat("jwks_uri: ", keys.status().message()));
    verified = verifies(*keys);
    if (!verified) {
      // The client may have rotated its keys since the set was cached.
      keys = key_sets_->Keys(m.jwks_uri, /*refresh=*/true);
      verified = keys.ok() && verifies(*keys);
    }
  }
  if (!verified) return Refused("assertion signature");
  const nlohmann::json& p = jws->payload;
  const std::string& id = client.view.row.client_id;
  auto str = [&](const char* k) {
    return p.contains(k) && p[k].is_string() ? p[k].get<std::string>() : std::string();
  };
  if (str("iss") != id || str("sub") != id) return Refused("assertion iss or sub");
  bool aud_ok = false;
  auto aud_matches = [&](const nlohmann::json& a) {
    if (!a.is_string()) return false;
    const std::string v = a.get<std::string>();
    for (const auto& want : audiences) {
      if (v == want) return true;
    }
    return false;
  };
  if (p.contains("aud")) {
    if (p["aud"].is_array()) {
      for (const auto& a : p["aud"]) aud_ok = aud_ok || aud_matches(a);
    } else {
      aud_ok = aud_matches(p["aud"]);
    }
  }
  if (!aud_ok) return Refused("assertion audience");
  const int64_t now = absl::ToUnixSeconds(clock_.Now());
  if (!p.contains("exp") || !p["exp"].is_number_integer()) return Refused("assertion exp");
  const int64_t exp = p["exp"].get<int64_t>();
  if (exp + kLeeway <= now || exp > now + kMaxAssertionLifetime) {
    return Refused("assertion expired or too long-lived");
  }
  if (p.contains("nbf") && (!p["nbf"].is_number_integer() || p["nbf"].get<int64_t>() - kLeeway > now)) {
    return Refused("assertion not yet valid");
  }
  const std::string jti = str("jti");
  if (jti.empty() || jti.size() > 256) return Refused("assertion jti");
  // Once, on every replica: the store refuses a second insert.
  const std::string seen = crypto::Hex(crypto::Sha256(absl::StrCat("assertion:", id, ":", jti)));
  absl::Status s = db_.Transact(store::TxMode::kWrite, [&](store::Tx& tx) {
    return store::clients::RememberProof(tx, seen, (exp + kLeeway) * 1000);
  });
  if (absl::IsAlreadyExists(s)) {
    return WithReason(InvalidClient("the client assertion was used before"), "assertion replay");
  }
  return s;
}

absl::StatusOr<KnownClient> ClientAuthenticator::Authenticate(
    const std::string& account_id, const ClientCredentials& c, const std::string& source_ip,
    const std::vector<std::string>& audiences) {
  std::string client_id = c.ClaimedId();
  if (client_id.empty() && !c.assertion.empty()) {
    // The client named by the assertion's issuer (RFC 7523 §3).
    auto jws = token::ParseJws(c.assertion);
    if (!jws.ok() || !jws->payload.contains("iss") || !jws->payload["iss"].is_string()) {
      return Refused("malformed assertion");
    }
    client_id = jws->payload["iss"].get<std::string>();
  }
  if (client_id.empty() || client_id.size() > 128) return Refused("no client_id");
  ASSIGN_OR_RETURN(KnownClient known, Find(account_id, client_id));
  const ClientMetadata& m = known.view.metadata;
  const std::string& method = m.token_endpoint_auth_method;
  if (method == kAuthSecretBasic) {
    if (!c.basic) return Refused("registered for client_secret_basic");
    RETURN_IF_ERROR(CheckSecret(known, c.basic_secret));
  } else if (method == kAuthSecretPost) {
    if (c.basic || c.client_secret.empty()) return Refused("registered for client_secret_post");
    RETURN_IF_ERROR(CheckSecret(known, c.client_secret));
  } else if (method == kAuthPrivateKeyJwt) {
    if (c.assertion_type != kJwtBearerAssertion || c.assertion.empty()) {
      return Refused("registered for private_key_jwt");
    }
    RETURN_IF_ERROR(CheckAssertion(known, c.assertion, audiences));
  } else {  // none: a public client says who it is and proves nothing
    if (c.basic || !c.client_secret.empty() || !c.assertion.empty()) {
      return Refused("a public client sent credentials");
    }
  }
  if (known.view.row.state != store::ClientState::kActive) return Refused("client disabled");
  if (!known.account_active) return Refused("account not active");
  if (!m.allowed_cidrs.empty()) {
    auto ip = IpAddress::Parse(source_ip);
    bool inside = false;
    for (const std::string& cidr : m.allowed_cidrs) {
      auto net = Cidr::Parse(cidr);
      if (ip && net.ok() && net->Contains(*ip)) inside = true;
    }
    if (!inside) return Refused("source address outside the client's allowlist");
  }
  return known;
}

}  // namespace iam::oauth
