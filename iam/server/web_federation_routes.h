// Logins through an account's upstream OpenID Connect providers, in the
// browser:
//
//   GET /accounts/{id}/idp/{alias}/start?request=...  the login page's
//       button: to the provider, with state, nonce and PKCE
//   GET /accounts/{id}/idp/callback                   the provider's
//       answer: the code exchanged, the ID token checked, the user
//       resolved, then the account's own rules (LoginService) and the
//       same pages as a password login (second factor, session limit,
//       signed-in notice...)
//
// The callback is each account's redirect URI to register at the
// provider: <issuer>/idp/callback. Translation and pages only: the rules
// are FederatedLogin's and LoginService's.
#ifndef IAM_SERVER_WEB_FEDERATION_ROUTES_H_
#define IAM_SERVER_WEB_FEDERATION_ROUTES_H_

#include "iam/server/http_router.h"
#include "iam/server/web_routes.h"

namespace iam::server {

void AddFederationRoutes(HttpRouter& router, const WebRoutes& p);

}  // namespace iam::server

#endif  // IAM_SERVER_WEB_FEDERATION_ROUTES_H_
