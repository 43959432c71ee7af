// The rules a verified token's claims must meet, apart from its signature:
// who issued it, whom it is for, and its time window with the accepted
// clock skew. Pure: the caller supplies the time.
#ifndef IAM_TOKEN_CLAIM_RULES_H_
#define IAM_TOKEN_CLAIM_RULES_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "iam/token/jwt.h"

namespace iam::token {

struct ClaimRules {
  std::string issuer;
  std::string audience;        // the audience asked for
  int64_t leeway_seconds = 0;  // skew accepted on both ends of the window
};

// OK, or UNAUTHENTICATED naming the first rule the claims break: the
// issuer, the audience, then expiry (exp + leeway <= now) and the start
// (nbf - leeway > now).
absl::Status CheckClaims(const Claims& claims, const ClaimRules& rules, int64_t now_seconds);

}  // namespace iam::token

#endif  // IAM_TOKEN_CLAIM_RULES_H_
