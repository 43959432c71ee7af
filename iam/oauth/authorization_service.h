// AuthorizationService: the OpenID Connect authorization code flow between
// the browser and the login, independent of HTTP and of pages.
//
//  1. Begin: an /authorize request is judged (authorize.h). A fault of the
//     client or redirect_uri is for an error page; any other goes back to
//     the client. A sound request is stored, bound to the browser that
//     made it (the hash of its browser id), for 30 minutes.
//  2. Decide: with the browser's single sign-on (if any), the request is
//     answered at once (a code, or login_required / consent_required for
//     prompt=none), or the user must log in, or consent.
//  3. After the login engine opened a web session: SignOn remembers it for
//     the browser (the SSO cookie), Consent records a consent, and Finish
//     issues the code and finishes the request, once.
//
// Codes are 256 random bits, stored hashed, valid for 60 seconds, used
// once (the token endpoint's authorization_code grant).
//
// RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0): the
// request is judged (an id_token_hint must be one of this account's ID
// tokens; a post_logout_redirect_uri must be registered for the client,
// byte for byte, or there is no redirect at all); the web layer ends the
// browser's session through the session service and forgets its sign-on.
// Thread-safe.
#ifndef IAM_OAUTH_AUTHORIZATION_SERVICE_H_
#define IAM_OAUTH_AUTHORIZATION_SERVICE_H_

#include <optional>
#include <string>

#include "iam/account/caller.h"
#include "iam/common/clock.h"
#include "iam/common/random.h"
#include "iam/oauth/authorize.h"
#include "iam/oauth/client_auth.h"
#include "iam/store/auth_records.h"
#include "iam/store/device_code_store.h"
#include "iam/store/database.h"
#include "iam/token/token_service.h"

namespace iam::oauth {

inline constexpr int64_t kAuthRequestTtlMs = 30 * 60 * 1000;
inline constexpr int64_t kCodeTtlMs = 60 * 1000;

// A stored request waiting for its user.
struct PendingLogin {
  std::string id;  // in the login page's URL
  std::string account_id;
  AuthorizeRequest request;
  KnownClient client;
  std::string issuer;  // the account's, for RFC 9207's iss
  int64_t created_at = 0;  // ms: a session authenticated since is a fresh login
};

// A judged end_session request.
struct LogoutRequest {
  std::string client_id;  // from the hint's aud, or client_id
  std::string redirect;   // post_logout_redirect_uri with state; "" for none
  std::string hint_sid;   // the session the hint's ID token was issued in
  std::string ui_locales;
  // What was asked, for a confirmation form to post again.
  std::string post_logout_redirect_uri;
  std::string state;
};

struct Decision {
  enum Kind {
    kRedirect,  // to `redirect` (a code or an error for the client)
    kLogin,     // the user must log in
    kConsent,   // the user must say yes to a third-party client
    kDevice,    // the signed-in user must allow or refuse a device
    kStepUp,    // a second factor the request asked for, of the signed-in user
  };
  Kind kind = kLogin;
  std::string redirect;
};

class AuthorizationService {
 public:
  AuthorizationService(store::Database& db, const Clock& clock, Random& random,
                       ClientAuthenticator& clients, token::TokenService& tokens);

  struct Begun {
    // Set when the request cannot be answered to the client: the message
    // for the error page.
    std::string error_page;
    // Set when the answer is an error for the client: the redirect.
    std::string error_redirect;
    PendingLogin pending;
  };
  // `params`: the query, parsed. UNAVAILABLE when the store is.
  absl::StatusOr<Begun> Begin(const std::string& account_id, const Form& params,
                              const std::string& browser_id);

  // The sign-in that approves a device (its user code was typed in this
  // browser): a pending request for the device's client with no redirect.
  absl::StatusOr<PendingLogin> BeginDevice(const store::DeviceCodeRow& device,
                                           const std::string& browser_id);
  // The signed-in user's answer for the device of a BeginDevice request;
  // finishes the request. NOT_FOUND when it or the device code has ended.
  absl::Status DecideDevice(const PendingLogin& pending, const store::SessionRow& session,
                            bool allow);

  // The sign-in to the account's own pages: once signed in, the browser
  // goes to `return_to` (a path of this service).
  absl::StatusOr<PendingLogin> BeginSelfService(const std::string& account_id,
                                                const std::string& return_to,
                                                const std::string& browser_id);

  // The pending request of that id, made by this browser, not finished and
  // not expired; NOT_FOUND otherwise (one answer for all).
  absl::StatusOr<PendingLogin> Pending(const std::string& account_id, const std::string& id,
                                       const std::string& browser_id);

  // The browser's live web session in the account, from its SSO cookie.
  absl::StatusOr<std::optional<store::SessionRow>> SignedIn(const std::string& account_id,
                                                            const std::string& sso_cookie);

  // What to do with a pending request given the browser's session (none:
  // nullopt). A session whose user authenticated after the request began
  // is a fresh login: prompt=login and max_age are satisfied by it, and by
  // nothing else (whichever page the browser comes from).
  absl::StatusOr<Decision> Decide(const PendingLogin& pending,
                                  const std::optional<store::SessionRow>& session);

  // The SSO cookie's value for a web session just opened.
  absl::StatusOr<std::string> SignOn(const store::SessionRow& session);

  // The user's consent to the request's scopes for its client.
  absl::Status Consent(const PendingLogin& pending, const std::string& user_id);

  // An end_session request (query or form). INVALID_ARGUMENT whose
  // message is the error page's message key ("logout_hint_invalid",
  // "bad_logout_redirect", "unknown_client").
  absl::StatusOr<LogoutRequest> BeginLogout(const std::string& account_id, const Form& params);
  // The session's user as the caller of its own logout.
  absl::StatusOr<account::Caller> CallerOf(const store::SessionRow& session,
                                           const std::string& source_ip,
                                           const std::string& user_agent);
  // Forgets every browser's sign-on to the session (it has ended).
  absl::Status ForgetSignOn(const std::string& session_id);

  // The error redirect for a pending request (access_denied when the user
  // declined, for instance); finishes the request.
  absl::StatusOr<std::string> Refuse(const PendingLogin& pending, absl::string_view error,
                                     absl::string_view description);

 private:
  // The request's client: registered, or iamctl for its device sign-in.
  absl::StatusOr<KnownClient> ClientOf(const std::string& account_id,
                                       const AuthorizeRequest& request);
  // Stores a judged request for this browser: its pending login.
  absl::StatusOr<PendingLogin> Store(const std::string& account_id, AuthorizeRequest request,
                                     KnownClient client, const std::string& browser_id);
  // Issues the code for the session and finishes the request: the redirect.
  absl::StatusOr<std::string> Finish(const PendingLogin& pending, const store::SessionRow& session);
  std::string ErrorRedirect(const AuthorizeRequest& r, const std::string& issuer,
                            const absl::Status& error) const;

  store::Database& db_;
  const Clock& clock_;
  Random& random_;
  ClientAuthenticator& clients_;
  token::TokenService& tokens_;
};

}  // namespace iam::oauth

#endif  // IAM_OAUTH_AUTHORIZATION_SERVICE_H_
