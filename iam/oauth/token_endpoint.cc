#include "iam/oauth/token_endpoint.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "iam/account/arn.h"
#include "iam/common/crypto.h"
#include "iam/common/status_macros.h"
#include "iam/oauth/oauth_error.h"
#include "iam/store/client_store.h"

namespace iam::oauth {

struct TokenEndpoint::Grant {
  std::string grant_type;
  std::string client_id;
  std::string client_row_id;
  std::string subject;  // the username the token is for
  std::vector<std::string> scopes;
  std::string audience;
  std::string jti;
};

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
    if (grant.grant_type == kGrantClientCredentials) {
      if (!client.view.metadata.Allows(kGrantClientCredentials)) {
        return UnauthorizedClient("the client may not use the client_credentials grant");
      }
      return ClientCredentials(client, r, grant);
    }
    if (grant.grant_type == kGrantRefreshToken || grant.grant_type == kGrantTokenExchange ||
        grant.grant_type == "authorization_code") {
      return UnsupportedGrantType("this grant type is not offered by this endpoint");
    }
    return UnsupportedGrantType("unknown grant_type");
  }();
  Record(r, grant, out.status());
  return out;
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
  const int64_t now = absl::ToUnixSeconds(clock_.Now());
  token::Claims c;
  c.iss = tokens_.AccountIssuer(r.account_id);
  c.sub = client.service_user_id;
  c.aud = grant.audience;
  c.jti = crypto::Base64Url(random_.Bytes(16));
  c.account = r.account_id;
  c.username = client.view.service_account;
  c.client_type = "service";
  c.client_id = client.view.row.client_id;
  c.scope = absl::StrJoin(grant.scopes, " ");
  c.iat = c.nbf = c.auth_time = now;
  c.exp = now + m.access_token_ttl;
  grant.jti = c.jti;
  ASSIGN_OR_RETURN(std::string jwt, tokens_.Sign(c));
  nlohmann::json body = {{"access_token", jwt},
                         {"token_type", "Bearer"},
                         {"expires_in", m.access_token_ttl}};
  if (!c.scope.empty()) body["scope"] = c.scope;
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
  if (!result.ok()) {
    e.detail["error"] = ToHttpError(result).error;
    e.detail["reason"] = ReasonOf(result).substr(0, 200);
  }
  grants_->OfferEvent(std::move(e));
}

}  // namespace iam::oauth
