#include "iam/oauth/token_endpoint.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "iam/account/arn.h"
#include "iam/common/crypto.h"
#include "iam/common/status_macros.h"
#include "iam/oauth/oauth_error.h"
#include "iam/store/client_store.h"
#include "iam/store/session_store.h"
#include "iam/store/user_store.h"
#include "iam/token/dpop.h"

namespace iam::oauth {


absl::StatusOr<std::vector<std::string>> GrantedScopes(const ClientMetadata& client,
                                                       const Form& form) {
  auto asked = ParseScope(Param(form, "scope"));
  if (!asked.ok()) return InvalidScope("scope: not a list of scope tokens");
  if (asked->empty()) return client.scopes;
  for (const std::string& s : *asked) {
    if (!client.AllowsScope(s)) {
      return InvalidScope(absl::StrCat("the client may not ask for the scope ", s.substr(0, 128)));
    }
  }
  return *asked;
}

absl::StatusOr<std::string> GrantedAudience(const ClientMetadata& client, const Form& form,
                                            const std::string& fallback) {
  const std::string& audience = Param(form, "audience");
  const std::string& resource = Param(form, "resource");
  if (!audience.empty() && !resource.empty() && audience != resource) {
    return InvalidTarget("give audience or resource, not two different ones");
  }
  const std::string& asked = audience.empty() ? resource : audience;
  if (asked.empty()) return client.audiences.empty() ? fallback : client.audiences.front();
  if (!client.AllowsAudience(asked)) {
    return InvalidTarget("the client may not ask for tokens for that audience");
  }
  return asked;
}

absl::StatusOr<KnownClient> TokenEndpoint::Authenticate(const TokenRequest& r) {
  // An assertion may name this endpoint, the token endpoint (which some
  // libraries use for every endpoint) or the issuer.
  const std::string issuer = tokens_.AccountIssuer(r.account_id);
  const std::vector<std::string> audiences = {r.endpoint_url, issuer + "/oauth2/token", issuer};
  return clients_.Authenticate(r.account_id, r.credentials, r.source_ip, audiences);
}

absl::StatusOr<std::string> TokenEndpoint::Binding(const KnownClient& client,
                                                   const TokenRequest& r) {
  if (r.dpop_headers > 1) return InvalidDpopProof("one DPoP header, not several");
  if (r.dpop.empty()) {
    if (client.view.metadata.dpop_bound_access_tokens) {
      return InvalidDpopProof("the client's tokens must be DPoP-bound: send a DPoP proof");
    }
    return std::string();
  }
  auto proof = token::VerifyDpopProof(r.dpop, {"POST", r.endpoint_url, ""},
                                      absl::ToUnixSeconds(clock_.Now()));
  if (!proof.ok()) return InvalidDpopProof(proof.status().message());
  absl::Status seen = tokens_.RememberProof(*proof);
  if (absl::IsAlreadyExists(seen)) return InvalidDpopProof("the DPoP proof was used before");
  RETURN_IF_ERROR(seen);
  return proof->jkt;
}

absl::StatusOr<nlohmann::json> TokenEndpoint::Introspect(const TokenRequest& r) {
  ASSIGN_OR_RETURN(KnownClient client, Authenticate(r));
  if (client.view.metadata.IsPublic()) {
    return UnauthorizedClient("introspection is for confidential clients");
  }
  const std::string& token = Param(r.form, "token");
  if (token.empty()) return InvalidRequest("token is required");
  const nlohmann::json inactive = {{"active", false}};
  auto verified = tokens_.Inspect(token);
  if (!verified.ok()) {
    // Unavailable is the store's answer, not the token's.
    if (absl::IsUnavailable(verified.status())) return verified.status();
    return inactive;
  }
  const token::Claims& c = verified->claims;
  if (c.account != r.account_id || !verified->session_active) return inactive;
  nlohmann::json out = {{"active", true},
                        {"iss", c.iss},
                        {"sub", c.sub},
                        {"aud", c.aud},
                        {"exp", c.exp},
                        {"iat", c.iat},
                        {"nbf", c.nbf},
                        {"jti", c.jti},
                        {"token_type", c.cnf_jkt.empty() ? "Bearer" : "DPoP"},
                        {"username", c.username},
                        {"account", c.account}};
  if (!c.client_id.empty()) out["client_id"] = c.client_id;
  if (!c.scope.empty()) out["scope"] = c.scope;
  if (!c.sid.empty()) out["sid"] = c.sid;
  if (!c.cnf_jkt.empty()) out["cnf"] = {{"jkt", c.cnf_jkt}};
  return out;
}

absl::Status TokenEndpoint::Revoke(const TokenRequest& r) {
  ASSIGN_OR_RETURN(KnownClient client, Authenticate(r));
  const std::string& token = Param(r.form, "token");
  if (token.empty()) return InvalidRequest("token is required");
  const std::string& hint = Param(r.form, "token_type_hint");
  if (!hint.empty() && hint != "access_token" && hint != "refresh_token") {
    return UnsupportedTokenType("token_type_hint: access_token or refresh_token");
  }
  auto verified = tokens_.Inspect(token);
  if (!verified.ok()) {
    if (absl::IsUnavailable(verified.status())) return verified.status();
    return absl::OkStatus();  // RFC 7009 §2.2: an invalid token is no error
  }
  const token::Claims& c = verified->claims;
  if (c.account != r.account_id || !verified->session_active) return absl::OkStatus();
  if (c.client_id != client.view.row.client_id) {
    return UnauthorizedClient("the token was not issued to this client");
  }
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
    RETURN_IF_ERROR(store::clients::Revoke(tx, c.jti, c.account, c.exp * 1000));
    audit::Event e = audit::Event::By(account::IamArn(r.account_id, "client/" + c.client_id),
                                      r.account_id, "oauth:Revoke", "token", c.jti);
    e.source_ip = r.source_ip;
    e.detail["client_id"] = c.client_id;
    e.detail["subject"] = c.username;
    return audit_.Append(tx, e);
  }));
  tokens_.ForgetToken(c.jti);
  return absl::OkStatus();
}

absl::StatusOr<nlohmann::json> TokenEndpoint::Token(const TokenRequest& r) {
  Grant grant;
  grant.grant_type = Param(r.form, "grant_type").substr(0, 128);
  grant.client_id = r.credentials.ClaimedId().substr(0, 128);
  absl::StatusOr<nlohmann::json> out = [&]() -> absl::StatusOr<nlohmann::json> {
    if (grant.grant_type.empty()) return InvalidRequest("grant_type is required");
    ASSIGN_OR_RETURN(KnownClient client, Authenticate(r));
    grant.client_id = client.view.row.client_id;
    grant.client_row_id = client.view.row.id;
    ASSIGN_OR_RETURN(grant.jkt, Binding(client, r));
    if (grant.grant_type == kGrantClientCredentials) {
      if (!client.view.metadata.Allows(kGrantClientCredentials)) {
        return UnauthorizedClient("the client may not use the client_credentials grant");
      }
      return ClientCredentials(client, r, grant);
    }
    if (grant.grant_type == kGrantTokenExchange) {
      if (!client.view.metadata.Allows(kGrantTokenExchange)) {
        return UnauthorizedClient("the client may not use token exchange");
      }
      return Exchange(client, r, grant);
    }
    if (grant.grant_type == kGrantRefreshToken) {
      if (!client.view.metadata.Allows(kGrantRefreshToken)) {
        return UnauthorizedClient("the client may not use refresh tokens");
      }
      return Refresh(client, r, grant);
    }
    if (grant.grant_type == kGrantAuthorizationCode) {
      if (!client.view.metadata.Allows(kGrantAuthorizationCode)) {
        return UnauthorizedClient("the client may not use the authorization code grant");
      }
      return AuthorizationCode(client, r, grant);
    }
    if (grant.grant_type == kGrantDeviceCode) {
      if (!client.view.metadata.Allows(kGrantDeviceCode)) {
        return UnauthorizedClient("the client may not use the device grant");
      }
      return DeviceCode(client, r, grant);
    }
    return UnsupportedGrantType("unknown grant_type");
  }();
  Record(r, grant, out.status());
  return out;
}

token::Claims TokenEndpoint::NewClaims(const KnownClient& client, const TokenRequest& r,
                                       const std::string& subject, Grant& grant,
                                       token::Claims c) {
  c.iss = tokens_.AccountIssuer(r.account_id);
  c.sub = subject;
  c.aud = grant.audience;
  c.jti = crypto::Base64Url(random_.Bytes(16));
  c.account = r.account_id;
  c.client_id = client.view.row.client_id;
  c.scope = absl::StrJoin(grant.scopes, " ");
  c.cnf_jkt = grant.jkt;
  c.iat = c.nbf = absl::ToUnixSeconds(clock_.Now());
  grant.jti = c.jti;
  return c;
}

absl::StatusOr<nlohmann::json> TokenEndpoint::Answer(const token::Claims& c,
                                                     const Grant& grant) {
  ASSIGN_OR_RETURN(std::string jwt, tokens_.Sign(c));
  nlohmann::json body = {{"access_token", jwt},
                         {"token_type", grant.jkt.empty() ? "Bearer" : "DPoP"},
                         {"expires_in", c.exp - c.iat}};
  if (!c.scope.empty()) body["scope"] = c.scope;
  return body;
}

absl::StatusOr<nlohmann::json> TokenEndpoint::ClientCredentials(const KnownClient& client,
                                                                const TokenRequest& r,
                                                                Grant& grant) {
  const ClientMetadata& m = client.view.metadata;
  if (client.service_user_id.empty()) {
    return UnauthorizedClient("the client has no service account");
  }
  if (!client.service_account_active) {
    return UnauthorizedClient("the client's service account is disabled");
  }
  ASSIGN_OR_RETURN(grant.scopes, GrantedScopes(m, r.form));
  ASSIGN_OR_RETURN(grant.audience,
                   GrantedAudience(m, r.form, tokens_.options().default_audience));
  grant.subject = client.view.service_account;
  token::Claims c = NewClaims(client, r, client.service_user_id, grant);
  c.username = client.view.service_account;
  c.client_type = "service";
  c.auth_time = c.iat;
  c.exp = c.iat + m.access_token_ttl;
  return Answer(c, grant);
}

namespace {

constexpr char kAccessTokenType[] = "urn:ietf:params:oauth:token-type:access_token";
constexpr char kJwtTokenType[] = "urn:ietf:params:oauth:token-type:jwt";

std::vector<std::string> Split(const std::string& scope) {
  auto parsed = ParseScope(scope);
  return parsed.ok() ? *parsed : std::vector<std::string>{};
}

bool Has(const std::vector<std::string>& list, const std::string& v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

// The scopes asked, each within `allowed`; none asked: all of `allowed`.
absl::StatusOr<std::vector<std::string>> Narrowed(const std::vector<std::string>& allowed,
                                                  const Form& form) {
  auto asked = ParseScope(Param(form, "scope"));
  if (!asked.ok()) return InvalidScope("scope: not a list of scope tokens");
  if (asked->empty()) return allowed;
  for (const std::string& s : *asked) {
    if (!Has(allowed, s)) return InvalidScope(absl::StrCat("the scope ", s.substr(0, 128),
                                                           " is not granted here"));
  }
  return *asked;
}

}  // namespace

absl::StatusOr<nlohmann::json> TokenEndpoint::Exchange(const KnownClient& client,
                                                       const TokenRequest& r, Grant& grant) {
  const Form& f = r.form;
  const std::string& subject_token = Param(f, "subject_token");
  const std::string& subject_type = Param(f, "subject_token_type");
  if (subject_token.empty() || subject_type.empty()) {
    return InvalidRequest("subject_token and subject_token_type are required");
  }
  if (subject_type != kAccessTokenType && subject_type != kJwtTokenType) {
    return InvalidRequest("subject_token_type: an access token (or jwt) is what is exchanged");
  }
  const std::string& requested = Param(f, "requested_token_type");
  if (!requested.empty() && requested != kAccessTokenType && requested != kJwtTokenType) {
    return InvalidRequest("requested_token_type: access tokens only");
  }
  auto subject = tokens_.Inspect(subject_token);
  if (!subject.ok() && absl::IsUnavailable(subject.status())) return subject.status();
  if (!subject.ok() || !subject->session_active || subject->claims.account != r.account_id) {
    return InvalidGrant("the subject token is not valid here");
  }
  const token::Claims& s = subject->claims;
  token::Claims c;
  const std::string& actor_token = Param(f, "actor_token");
  if (!actor_token.empty()) {
    const std::string& actor_type = Param(f, "actor_token_type");
    if (actor_type != kAccessTokenType && actor_type != kJwtTokenType) {
      return InvalidRequest("actor_token_type: an access token (or jwt)");
    }
    auto actor = tokens_.Inspect(actor_token);
    if (!actor.ok() && absl::IsUnavailable(actor.status())) return actor.status();
    if (!actor.ok() || !actor->session_active || actor->claims.account != r.account_id) {
      return InvalidGrant("the actor token is not valid here");
    }
    c.act_sub = actor->claims.sub;
    c.act_client_id = actor->claims.client_id;
  } else if (!Param(f, "actor_token_type").empty()) {
    return InvalidRequest("actor_token_type without actor_token");
  }
  // Never more than the client may have, nor more than the subject had.
  std::vector<std::string> allowed = client.view.metadata.scopes;
  if (!s.scope.empty()) {
    const std::vector<std::string> had = Split(s.scope);
    allowed.erase(std::remove_if(allowed.begin(), allowed.end(),
                                 [&](const std::string& x) { return !Has(had, x); }),
                  allowed.end());
  }
  ASSIGN_OR_RETURN(grant.scopes, Narrowed(allowed, f));
  ASSIGN_OR_RETURN(grant.audience, GrantedAudience(client.view.metadata, f,
                                                   tokens_.options().default_audience));
  grant.subject = s.username;
  c = NewClaims(client, r, s.sub, grant, std::move(c));
  c.sid = s.sid;  // the session's end ends this token too
  c.username = s.username;
  c.client_type = s.client_type;
  c.amr = s.amr;
  c.auth_time = s.auth_time;
  c.exp = c.iat + client.view.metadata.access_token_ttl;
  ASSIGN_OR_RETURN(nlohmann::json body, Answer(c, grant));
  body["issued_token_type"] = kAccessTokenType;
  if (client.view.metadata.Allows(kGrantRefreshToken) && !c.sid.empty()) {
    ASSIGN_OR_RETURN(body["refresh_token"], NewRefreshToken(client, c));
  }
  return body;
}

absl::StatusOr<std::string> TokenEndpoint::NewRefreshToken(const KnownClient& client,
                                                           const token::Claims& access,
                                                           const std::string& family_id) {
  const std::string token = crypto::Base64Url(random_.Bytes(32));
  const int64_t now = clock_.NowMs();
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(store::SessionRow session, store::sessions::Get(tx, access.sid));
    if (!session.LiveAt(now)) return InvalidGrant("the session has ended");
    store::OAuthRefreshRow row;
    row.token_hash = SecretDigest(token);
    row.family_id = family_id.empty() ? crypto::Base64Url(random_.Bytes(16)) : family_id;
    row.account_id = access.account;
    row.client_id = client.view.row.client_id;
    row.user_id = access.sub;
    row.session_id = access.sid;
    row.scope = access.scope;
    row.audience = access.aud;
    row.created_at = now;
    row.expires_at =
        std::min(now + client.view.metadata.refresh_token_ttl * 1000, session.expires_at);
    return store::clients::InsertRefresh(tx, row);
  }));
  return token;
}

absl::StatusOr<nlohmann::json> TokenEndpoint::Refresh(const KnownClient& client,
                                                      const TokenRequest& r, Grant& grant) {
  const std::string& presented = Param(r.form, "refresh_token");
  if (presented.empty()) return InvalidRequest("refresh_token is required");
  if (presented.size() > 256) return InvalidGrant("the refresh token is not valid");
  const std::string next = crypto::Base64Url(random_.Bytes(32));
  const int64_t now = clock_.NowMs();
  bool reused = false;
  store::OAuthRefreshRow row;
  store::SessionRow session;
  store::UserRow user;
  absl::Status s = db_.Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
    reused = false;
    ASSIGN_OR_RETURN(auto found, store::clients::GetRefresh(tx, SecretDigest(presented)));
    // Another account's or client's token is not this client's to use.
    if (!found || found->account_id != r.account_id ||
        found->client_id != client.view.row.client_id) {
      return InvalidGrant("the refresh token is not valid");
    }
    row = *found;
    if (row.revoked_at || row.expires_at <= now) return InvalidGrant("the refresh token has ended");
    ASSIGN_OR_RETURN(int64_t marked, store::clients::MarkRefreshUsed(tx, row.token_hash, now));
    if (row.used_at || marked == 0) {
      // Presented twice: one of the two holders is a thief. Both lose.
      reused = true;
      RETURN_IF_ERROR(store::clients::RevokeRefreshFamily(tx, row.family_id, now));
      RETURN_IF_ERROR(
          store::sessions::Revoke(tx, row.session_id, now, "refresh token reuse").status());
      audit::Event e = audit::Event::By(
          account::IamArn(r.account_id, "client/" + row.client_id), r.account_id,
          "oauth:RefreshTokenReuse", "session", row.session_id);
      e.source_ip = r.source_ip;
      e.result = "denied";
      e.detail["client_id"] = row.client_id;
      e.detail["user_id"] = row.user_id;
      return audit_.Append(tx, e);
    }
    ASSIGN_OR_RETURN(session, store::sessions::Get(tx, row.session_id));
    if (!session.LiveAt(now)) return InvalidGrant("the session has ended");
    ASSIGN_OR_RETURN(user, store::users::Get(tx, row.user_id));
    if (user.state != store::UserState::kActive) return InvalidGrant("the user is disabled");
    store::OAuthRefreshRow rotated = row;
    rotated.token_hash = SecretDigest(next);
    rotated.created_at = now;
    rotated.used_at.reset();
    rotated.expires_at =
        std::min(now + client.view.metadata.refresh_token_ttl * 1000, session.expires_at);
    return store::clients::InsertRefresh(tx, rotated);
  });
  if (reused) {
    tokens_.ForgetSession(row.session_id);
    return WithReason(InvalidGrant("the refresh token is not valid"), "refresh token reuse");
  }
  RETURN_IF_ERROR(s);
  ASSIGN_OR_RETURN(grant.scopes, Narrowed(Split(row.scope), r.form));
  grant.audience = row.audience;
  grant.subject = user.username;
  token::Claims c = NewClaims(client, r, row.user_id, grant);
  c.sid = row.session_id;
  c.username = user.username;
  c.client_type = session.client_type;
  for (absl::string_view m : absl::StrSplit(session.amr, ',', absl::SkipEmpty())) {
    c.amr.emplace_back(m);
  }
  c.auth_time = session.auth_time / 1000;
  c.exp = std::min<int64_t>(c.iat + client.view.metadata.access_token_ttl,
                            session.expires_at / 1000);
  ASSIGN_OR_RETURN(nlohmann::json body, Answer(c, grant));
  body["refresh_token"] = next;
  return body;
}

void TokenEndpoint::Record(const TokenRequest& r, const Grant& g, const absl::Status& result) {
  if (grants_ == nullptr) return;
  audit::Event e;
  e.account_id = r.account_id;
  e.actor = g.client_id.empty() ? "anonymous"
                                : account::IamArn(r.account_id, "client/" + g.client_id);
  e.action = kTokenAction;
  e.object_type = "client";
  e.object_id = g.client_row_id.empty() ? g.client_id : g.client_row_id;
  e.source_ip = r.source_ip;
  e.result = result.ok() ? "allowed" : "denied";
  e.detail["grant_type"] = g.grant_type;
  e.detail["client_id"] = g.client_id;
  if (!g.subject.empty()) e.detail["subject"] = g.subject;
  if (!g.scopes.empty()) e.detail["scope"] = absl::StrJoin(g.scopes, " ");
  if (!g.audience.empty()) e.detail["audience"] = g.audience;
  if (!g.jti.empty() && result.ok()) e.detail["jti"] = g.jti;
  if (!g.jkt.empty()) e.detail["dpop_jkt"] = g.jkt;
  if (!result.ok()) {
    e.detail["error"] = ToHttpError(result).error;
    e.detail["reason"] = ReasonOf(result).substr(0, 200);
  }
  grants_->OfferEvent(std::move(e));
}

}  // namespace iam::oauth
