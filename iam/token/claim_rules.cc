#include "iam/token/claim_rules.h"

#include "absl/strings/str_cat.h"
#include "iam/token/jwt.h"

namespace iam::token {

absl::Status CheckClaims(const Claims& c, const ClaimRules& rules, int64_t now) {
  if (c.iss != rules.issuer) return TokenRefused("wrong issuer");
  if (c.aud != rules.audience) return TokenRefused("wrong audience");
  if (c.exp + rules.leeway_seconds <= now) return TokenRefused("expired");
  if (c.nbf - rules.leeway_seconds > now) return TokenRefused("not yet valid");
  return absl::OkStatus();
}

}  // namespace iam::token
