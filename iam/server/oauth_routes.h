// The OAuth endpoints of each account on the HTTP listener. An account is
// its own issuer, <base>/accounts/<account id> (the id, not the name: an
// issuer must never change, and ids are what ARNs carry):
//
//   GET  /accounts/{id}/.well-known/openid-configuration
//   GET  /accounts/{id}/.well-known/oauth-authorization-server
//   GET  /.well-known/oauth-authorization-server/accounts/{id}   (RFC 8414 §3)
//   GET  /accounts/{id}/jwks
//   POST /accounts/{id}/oauth2/token
//   POST /accounts/{id}/oauth2/introspect                  (RFC 7662)
//   POST /accounts/{id}/oauth2/revoke                      (RFC 7009)
//   POST /accounts/{id}/oauth2/register                    (RFC 7591)
//   GET, PUT, DELETE /accounts/{id}/oauth2/register/{client_id}  (RFC 7592)
//
// Translation only: the form, headers and peer address in; the endpoint's
// JSON or its error (RFC 6749 §5.2: 400, or 401 with WWW-Authenticate for
// invalid_client) out, never cached.
#ifndef IAM_SERVER_OAUTH_ROUTES_H_
#define IAM_SERVER_OAUTH_ROUTES_H_

#include "iam/common/cidr.h"
#include "iam/common/counter_family.h"
#include "iam/oauth/client_service.h"
#include "iam/oauth/token_endpoint.h"
#include "iam/server/http_router.h"
#include "iam/store/database.h"
#include "iam/token/key_ring.h"

namespace iam::server {

struct OAuthRoutes {
  store::Database& db;
  token::KeyRing& keys;
  token::TokenService& tokens;
  oauth::TokenEndpoint& token_endpoint;
  oauth::ClientService& clients;
  // Whose X-Forwarded-For is believed (login.trusted_proxies).
  std::vector<Cidr> trusted_proxies;
  // May be null: token requests not counted (labels: grant, result).
  CounterFamily* token_counts = nullptr;
};

void AddOAuthRoutes(HttpRouter& router, const OAuthRoutes& parts);

// The authorization server metadata (RFC 8414) of an account's issuer.
nlohmann::json AccountDiscovery(const std::string& issuer);

}  // namespace iam::server

#endif  // IAM_SERVER_OAUTH_ROUTES_H_
