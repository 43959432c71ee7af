// The context keys a credential establishes about itself, which only the
// service may set: one producer for the admin API's own authorization and
// for Check, so that one token yields the same keys to both.
//
// For a session's access token, as AWS sets them for temporary credentials:
//   aws:MultiFactorAuthPresent  "true" when the login used a second factor
//   aws:MultiFactorAuthAge      seconds since that authentication (auth_time)
//   aws:TokenIssueTime          when this token was issued (iat): a refreshed
//                               token is a new token
// A long-term access key carries none of them, as in AWS.
#ifndef IAM_AUTHZ_CREDENTIAL_CONTEXT_H_
#define IAM_AUTHZ_CREDENTIAL_CONTEXT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "iam/account/caller.h"
#include "iam/authz/decider.h"
#include "iam/token/jwt.h"

namespace iam::authz {

// What a session's access token says of its login.
struct SessionCredential {
  std::vector<std::string> amr;  // "pwd", "otp", "mfa"...
  int64_t auth_time = 0;         // Unix seconds: when the user authenticated
  int64_t issued_at = 0;         // Unix seconds: when this token was issued
};

SessionCredential SessionOf(const token::Claims& claims);

// The keys of a session credential at `now`.
std::vector<ContextKey> SessionContext(const SessionCredential& session, absl::Time now);

// The keys of an authenticated caller: aws:SourceIp, and the session's keys
// when the caller presented an access token.
std::vector<ContextKey> CallerContext(const account::Caller& caller, absl::Time now);

}  // namespace iam::authz

#endif  // IAM_AUTHZ_CREDENTIAL_CONTEXT_H_
