// TokenEndpoint: the grants of an account's token endpoint (RFC 6749 §3.2),
// and its introspection (RFC 7662) and revocation (RFC 7009) endpoints,
// independent of HTTP: a parsed request in, the JSON answer or an OAuth
// error (oauth_error.h) out. Grants offered: client_credentials (the
// client's service account is the subject); token exchange (RFC 8693: a
// user's access token, of any client or of the gRPC login, for a token of
// another audience, bound to the same session; with an actor token, an
// `act` claim names who acts); refresh_token (issued by a token exchange
// to a client allowed refresh_token, bound to the user's session, rotated
// at each use; a used one presented again revokes its family and ends the
// session, as the gRPC Refresh does); authorization_code (a code of the
// browser login, authorization_service.h, with its PKCE verifier: an
// access token bound to the web session, a refresh token when the client
// may refresh, and an ID token for the openid scope; a code presented
// twice revokes what its first exchange issued).
//
// A request with a DPoP proof gets a token bound to the proof's key
// (cnf.jkt, token_type DPoP); a client registered with
// dpop_bound_access_tokens gets nothing without one. A proof is accepted
// once, on every replica.
//
// Introspection is for authenticated clients of the account only; a token
// that does not verify, has expired, was revoked, belongs to another
// account or whose session ended is {"active": false} and nothing more.
// Revocation is for the client the token was issued to; it is stored
// before the answer, with its audit record, and every replica sees it
// within a second.
//
// Access tokens are JWTs (RFC 9068, typ at+jwt) signed by the service's
// key ring, with the account's issuer, the subject, one audience, the
// client_id, the granted scope and a jti; their revocation (RFC 7009) is
// looked up by jti like a session's state. Every grant, given or refused,
// is an audit record (oauth:Token) of the account, written in batches off
// the request path like decisions. Thread-safe.
#ifndef IAM_OAUTH_TOKEN_ENDPOINT_H_
#define IAM_OAUTH_TOKEN_ENDPOINT_H_

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "iam/audit/decision_log.h"
#include "iam/common/clock.h"
#include "iam/common/random.h"
#include "iam/oauth/client_auth.h"
#include "iam/oauth/device_authorization.h"
#include "iam/oauth/form.h"
#include "iam/store/auth_records.h"
#include "iam/store/records.h"
#include "iam/store/sso_store.h"
#include "iam/token/token_service.h"

namespace iam::oauth {

inline constexpr char kTokenAction[] = "oauth:Token";

struct TokenRequest {
  std::string account_id;
  Form form;
  ClientCredentials credentials;
  std::string source_ip;
  std::string endpoint_url;  // this token endpoint's URL (an assertion's aud)
  // The DPoP header (RFC 9449) and how many were sent.
  std::string dpop;
  int dpop_headers = 0;
};

class TokenEndpoint {
 public:
  // `grants` may be null (no records: tests of the protocol alone).
  TokenEndpoint(ClientAuthenticator& clients, token::TokenService& tokens, store::Database& db,
                const audit::AuditLog& audit, const Clock& clock, Random& random,
                audit::DecisionLog* grants)
      : clients_(clients), tokens_(tokens), db_(db), audit_(audit), clock_(clock),
        random_(random), grants_(grants) {}

  absl::StatusOr<nlohmann::json> Token(const TokenRequest& request);
  // `token` and the optional `token_type_hint` are in request.form.
  absl::StatusOr<nlohmann::json> Introspect(const TokenRequest& request);
  absl::Status Revoke(const TokenRequest& request);
  // The device authorization endpoint (RFC 8628 §3.1, §3.2): for an
  // authenticated client allowed the device grant, a device code and the
  // user code with the URLs of the verification page.
  absl::StatusOr<nlohmann::json> AuthorizeDevice(const TokenRequest& request);
  // The device codes the device_code grant redeems; null: the grant is
  // not offered.
  void SetDeviceAuthorization(DeviceAuthorization* devices) { devices_ = devices; }

 private:
  // What the audit record of a grant says.
  struct Grant {
    std::string grant_type;
    std::string client_id;
    std::string client_row_id;
    std::string subject;  // the username the token is for
    std::vector<std::string> scopes;
    std::string audience;
    std::string jti;
    std::string jkt;  // the DPoP key the token is bound to
  };
  absl::StatusOr<nlohmann::json> ClientCredentials(const KnownClient& client,
                                                   const TokenRequest& request, Grant& grant);
  absl::StatusOr<nlohmann::json> Exchange(const KnownClient& client, const TokenRequest& request,
                                          Grant& grant);
  absl::StatusOr<nlohmann::json> Refresh(const KnownClient& client, const TokenRequest& request,
                                         Grant& grant);
  // authorization_code (token_endpoint_code.cc).
  absl::StatusOr<nlohmann::json> AuthorizationCode(const KnownClient& client,
                                                   const TokenRequest& request, Grant& grant);
  // The device authorization grant (token_endpoint_device.cc).
  absl::StatusOr<nlohmann::json> DeviceCode(const KnownClient& client,
                                            const TokenRequest& request, Grant& grant);
  // The tokens of a browser session for the client, as the code grant
  // issues them (`row` says what was granted; `family`: "" for no refresh
  // token).
  absl::StatusOr<nlohmann::json> IssueForSession(const KnownClient& client,
                                                 const TokenRequest& request, Grant& grant,
                                                 const store::CodeRow& row,
                                                 const store::UserRow& user,
                                                 const store::SessionRow& session,
                                                 const std::string& jti,
                                                 const std::string& family);
  // The claims every grant's token has: issuer, subject, audience, jti,
  // account, client, scope, DPoP binding, issue time (over what `base`
  // already holds, such as an act claim).
  token::Claims NewClaims(const KnownClient& client, const TokenRequest& request,
                          const std::string& subject, Grant& grant,
                          token::Claims base = token::Claims());
  // Signs and answers (RFC 6749 §5.1).
  absl::StatusOr<nlohmann::json> Answer(const token::Claims& claims, const Grant& grant);
  // A refresh token of a new family (`family_id`, or a random one), bound
  // to the session, for the client.
  absl::StatusOr<std::string> NewRefreshToken(const KnownClient& client,
                                              const token::Claims& access,
                                              const std::string& family_id = "");
  void Record(const TokenRequest& request, const Grant& grant, const absl::Status& result);

  absl::StatusOr<KnownClient> Authenticate(const TokenRequest& request);
  // The key the token is to be bound to ("" for none), from the request's
  // DPoP proof.
  absl::StatusOr<std::string> Binding(const KnownClient& client, const TokenRequest& request);

  ClientAuthenticator& clients_;
  token::TokenService& tokens_;
  store::Database& db_;
  const audit::AuditLog& audit_;
  const Clock& clock_;
  Random& random_;
  audit::DecisionLog* grants_;
  DeviceAuthorization* devices_ = nullptr;
};

// The scopes a client asks for (`scope`), all of them registered; none
// asked means all it registered (RFC 6749 §3.3 lets the server choose).
absl::StatusOr<std::vector<std::string>> GrantedScopes(const ClientMetadata& client,
                                                       const Form& form);
// The one audience of the token: `audience` (RFC 8693) or `resource`
// (RFC 8707), which must be registered; none asked means the first one
// registered, or `fallback` when the client registered none.
absl::StatusOr<std::string> GrantedAudience(const ClientMetadata& client, const Form& form,
                                            const std::string& fallback);

}  // namespace iam::oauth

#endif  // IAM_OAUTH_TOKEN_ENDPOINT_H_
