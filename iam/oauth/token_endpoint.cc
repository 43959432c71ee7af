#include "iam/oauth/token_endpoint.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "iam/account/arn.h"
#include "iam/common/crypto.h"
#include "iam/common/status_macros.h"
#include "iam/oauth/oauth_error.h"

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

absl::StatusOr<nlohmann::json> TokenEndpoint::Token(const TokenRequest& r) {
  Grant grant;
  grant.grant_type = Param(r.form, "grant_type").substr(0, 128);
  grant.client_id = r.credentials.ClaimedId().substr(0, 128);
  absl::StatusOr<nlohmann::json> out = [&]() -> absl::StatusOr<nlohmann::json> {
    if (grant.grant_type.empty()) return InvalidRequest("grant_type is required");
    const std::vector<std::string> audiences = {r.endpoint_url,
                                                tokens_.AccountIssuer(r.account_id)};
    ASSIGN_OR_RETURN(KnownClient client,
                     clients_.Authenticate(r.account_id, r.credentials, r.source_ip, audiences));
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
