#include "iam/token/claim_rules.h"

#include "absl/strings/str_cat.h"

namespace iam::token {
namespace {

absl::Status Unauthenticated(absl::string_view why) {
  return absl::UnauthenticatedError(absl::StrCat("token: ", why));
}

}  // namespace

absl::Status CheckClaims(const Claims& c, const ClaimRules& rules, int64_t now) {
  if (c.iss != rules.issuer) return Unauthenticated("wrong issuer");
  if (c.aud != rules.audience) return Unauthenticated("wrong audience");
  if (c.exp + rules.leeway_seconds <= now) return Unauthenticated("expired");
  if (c.nbf - rules.leeway_seconds > now) return Unauthenticated("not yet valid");
  return absl::OkStatus();
}

}  // namespace iam::token
