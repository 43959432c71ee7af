// The account page a user bookmarks (self-service), at
//
//   GET, POST /accounts/{id}/account
//
// Signed in through the usual login pages (the account's own client, no
// app involved), the user sees and ends their sessions, sees and forgets
// their devices, sets up, renews or removes their authenticator (each
// change proven with a current code), changes their password, and reads
// their recent sign-ins. Every change goes through the same services as
// the gRPC API, with the user as the caller, and is audited there.
#ifndef IAM_SERVER_WEB_ACCOUNT_ROUTES_H_
#define IAM_SERVER_WEB_ACCOUNT_ROUTES_H_

#include "iam/server/http_router.h"
#include "iam/server/web_routes.h"

namespace iam::server {

void AddAccountRoutes(HttpRouter& router, const WebRoutes& p);

}  // namespace iam::server

#endif  // IAM_SERVER_WEB_ACCOUNT_ROUTES_H_
