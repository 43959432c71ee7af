// The browser side of each account's issuer: the authorization endpoint,
// the login and consent pages, and userinfo.
//
//   GET  /accounts/{id}/oauth2/authorize    (OpenID Connect, RFC 6749 §4.1)
//   GET  /accounts/{id}/login?request=...   the login page of a request
//   POST /accounts/{id}/login?request=...   its form
//   GET  /accounts/{id}/consent?request=... consent for a third-party app
//   POST /accounts/{id}/consent?request=...
//   GET, POST /accounts/{id}/oauth2/userinfo
//   GET, POST /accounts/{id}/oauth2/logout  (RP-initiated logout)
//   POST /accounts/{id}/logout              its confirmation form
//
// Translation and pages only: the rules are the login engine's (the same
// LoginService as the gRPC Login) and the authorization service's. Every
// page carries the page headers (CSP with a nonce, no framing, no
// caching); every form a CSRF token for this browser and this request.
// The browser's cookies: its id (CSRF and request binding) and its
// single sign-on, one per account, all HttpOnly, SameSite=Lax, and
// __Host- under TLS.
#ifndef IAM_SERVER_WEB_ROUTES_H_
#define IAM_SERVER_WEB_ROUTES_H_

#include <vector>

#include "iam/account/user_service.h"
#include "iam/auth/challenge.h"
#include "iam/auth/login_service.h"
#include "iam/auth/mfa_login_service.h"
#include "iam/auth/password_service.h"
#include "iam/mfa/device_service.h"
#include "iam/mfa/mfa_service.h"
#include "iam/common/cidr.h"
#include "iam/common/random.h"
#include "iam/federation/federated_login.h"
#include "iam/oauth/authorization_service.h"
#include "iam/oauth/device_authorization.h"
#include "iam/session/session_service.h"
#include "iam/server/http_router.h"
#include "iam/store/database.h"
#include "iam/token/token_service.h"
#include "iam/web/csrf.h"
#include "iam/web/renderer.h"

namespace iam::server {

struct WebRoutes {
  store::Database& db;  // the account's display name for its pages
  const Clock& clock;
  oauth::AuthorizationService& authorization;
  auth::LoginService& login;
  auth::MfaLoginService& mfa_login;
  auth::PasswordService& passwords;
  oauth::DeviceAuthorization& devices;
  mfa::MfaService& mfa;
  mfa::DeviceService& known_devices;
  const account::UserService& users;  // userinfo's claims
  const auth::ChallengeVerifier* challenge;  // null: none is asked
  session::SessionService& sessions;
  federation::FederatedLogin& federation;  // logins through upstream providers
  token::TokenService& tokens;
  const web::PageRenderer& pages;
  const web::CsrfGuard& csrf;
  Random& random;
  std::vector<Cidr> trusted_proxies;
  bool tls = false;  // the listener's: cookie names and Secure
  // A hosted challenge's origin, which the login page may load, and the
  // form field its widget fills; "" for none.
  std::string challenge_origin;
  std::string challenge_field;
};

void AddWebRoutes(HttpRouter& router, const WebRoutes& parts);

// A route under /accounts/{account}/ (a 404 for anything that is not an
// account id).
using AccountRoute = std::function<HttpResponse(const HttpRequest&, const std::string& account)>;
Route ForAccount(AccountRoute handler);

}  // namespace iam::server

#endif  // IAM_SERVER_WEB_ROUTES_H_
