// The login pages of a sign-in request: each answer of the login engine
// (the same LoginService and MfaLoginService as the gRPC login) as a page.
//
//   GET, POST /accounts/{id}/login?request=...     username and password; the
//             human challenge; a password that must change (the same form,
//             with the new password)
//   GET, POST /accounts/{id}/mfa?request=...       a TOTP or recovery code,
//             "remember this device"
//   GET, POST /accounts/{id}/enroll?request=...    a factor the account
//             requires, set up at login (QR code and the key as text)
//   GET       /accounts/{id}/continue?request=... after the signed-in notice
//             (previous login, sessions signed out, recovery codes)
//
// The MFA ticket travels in an HttpOnly cookie, never in the page. A
// device waiting for approval, the session limit, a lock or a throttled
// source each have their words; an unknown user and a wrong password the
// same ones.
#ifndef IAM_SERVER_WEB_LOGIN_ROUTES_H_
#define IAM_SERVER_WEB_LOGIN_ROUTES_H_

#include "iam/server/http_router.h"
#include "iam/server/web_routes.h"

namespace iam::server {

void AddLoginRoutes(HttpRouter& router, const WebRoutes& p);

// Continues this browser's sign-in request `request_id` with an answer of
// the login engine, as the password form does (a login through an
// upstream provider lands here).
HttpResponse ContinueSignIn(const WebRoutes& p, const HttpRequest& req, const std::string& account,
                            const std::string& request_id, const std::string& username,
                            const auth::LoginResult& result);

}  // namespace iam::server

#endif  // IAM_SERVER_WEB_LOGIN_ROUTES_H_
