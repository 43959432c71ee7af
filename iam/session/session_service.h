// SessionService: login sessions after the password step: opening one under
// the account's concurrent-login limits (refusing or evicting the oldest,
// exactly, across replicas: the user's login row lock serialises it),
// refresh-token rotation with reuse detection, single sign-on tokens for
// other audiences, and listing and revoking (users their own, admins any in
// their account). Every change is audited in the same transaction.
// Thread-safe.
#ifndef IAM_SESSION_SESSION_SERVICE_H_
#define IAM_SESSION_SESSION_SERVICE_H_

#include <string>
#include <variant>
#include <vector>

#include "iam/account/mutation.h"
#include "iam/account/common.h"
#include "iam/session/session_policy.h"
#include "iam/store/auth_records.h"
#include "iam/token/token_service.h"

namespace iam::session {

struct NewSession {
  std::string account_id;
  std::string user_id;
  std::string username;
  std::string client_type;
  std::string device_id;
  std::string source_ip;
  std::string user_agent;
  std::vector<std::string> amr;
  int64_t auth_time = 0;  // ms
};

struct OpenedSession {
  store::SessionRow row;
  std::string refresh_token;
  std::vector<std::string> evicted;  // session ids ended to make room
};

// The account's limit refused one more session (on_limit "refuse").
struct LimitReached {};
using OpenOutcome = std::variant<OpenedSession, LimitReached>;

struct TokenPair {
  std::string access_token;
  int64_t access_expires_at = 0;  // Unix seconds
  std::string refresh_token;
  store::SessionRow session;
};

class SessionService {
 public:
  SessionService(store::Database& db, const Clock& clock, Random& random,
                 const audit::AuditLog& audit, const account::Mutations& mutations,
                 token::TokenService* tokens)
      : db_(db),
        clock_(clock),
        random_(random),
        audit_(audit),
        mutations_(mutations),
        tokens_(tokens) {}

  // Inside the login transaction, which must hold the user's login row lock:
  // the session opened (and those evicted to make room, each audited), or
  // LimitReached when the policy refuses a session over the limit. An error
  // status is the store's, never the limit.
  absl::StatusOr<OpenOutcome> OpenInTx(store::Tx& tx, const SessionPolicy& policy,
                                       const NewSession& session);

  // Signs the access token of a session just opened or refreshed.
  absl::StatusOr<TokenPair> Tokens(const OpenedSession& opened, const std::string& username,
                                   const std::string& audience, int ttl_seconds);

  // Rotates a refresh token. UNAUTHENTICATED for an unknown, used or ended
  // one; a token used twice revokes its whole session (reuse detection).
  absl::StatusOr<TokenPair> Refresh(const std::string& refresh_token, const std::string& audience,
                                    const std::string& source_ip, const std::string& user_agent);

  // A token for another audience from the caller's session (SSO).
  absl::StatusOr<token::IssuedToken> IssueForAudience(const account::Caller& caller,
                                                      const std::string& audience);

  // Ends the caller's own session (logout).
  absl::Status Logout(const account::Caller& caller);

  // The caller's own sessions when username is empty and the caller has a
  // session or key of that user; otherwise an admin listing.
  absl::StatusOr<std::vector<store::SessionRow>> List(const account::Caller& caller,
                                                      const std::string& account_id,
                                                      const std::string& username,
                                                      bool include_ended);
  absl::Status Revoke(const account::Caller& caller, const std::string& account_id,
                      const std::string& session_id);
  // Ends every session of the user (admin). Answers how many.
  absl::StatusOr<int> RevokeAllOfUser(const account::Caller& caller,
                                      const std::string& account_id,
                                      const std::string& username);

  // Drops this replica's cached state of a session ended here.
  void ForgetSession(const std::string& session_id) { tokens_->ForgetSession(session_id); }

 private:
  absl::StatusOr<std::string> NewRefreshToken(store::Tx& tx, const std::string& session_id,
                                              int64_t now);

  store::Database& db_;
  const Clock& clock_;
  Random& random_;
  const audit::AuditLog& audit_;
  const account::Mutations& mutations_;
  token::TokenService* tokens_;
};

// "web", "mobile" or "api"; INVALID_ARGUMENT otherwise.
absl::Status CheckClientType(const std::string& client_type);

}  // namespace iam::session

#endif  // IAM_SESSION_SESSION_SERVICE_H_
