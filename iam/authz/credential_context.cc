#include "iam/authz/credential_context.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace iam::authz {

SessionCredential SessionOf(const token::Claims& claims) {
  return SessionCredential{claims.amr, claims.auth_time, claims.iat};
}

std::vector<ContextKey> SessionContext(const SessionCredential& session, absl::Time now) {
  std::vector<ContextKey> keys;
  const bool mfa = std::find(session.amr.begin(), session.amr.end(), "mfa") != session.amr.end();
  keys.push_back({"aws:MultiFactorAuthPresent", {mfa ? "true" : "false"}, false});
  if (mfa && session.auth_time > 0) {
    const int64_t age = std::max<int64_t>(0, absl::ToUnixSeconds(now) - session.auth_time);
    keys.push_back({"aws:MultiFactorAuthAge", {absl::StrCat(age)}, false});
  }
  if (session.issued_at > 0) {
    keys.push_back(
        {"aws:TokenIssueTime",
         {absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixSeconds(session.issued_at),
                           absl::UTCTimeZone())},
         false});
  }
  return keys;
}

std::vector<ContextKey> CallerContext(const account::Caller& caller, absl::Time now) {
  std::vector<ContextKey> keys;
  if (!caller.source_ip.empty()) keys.push_back({"aws:SourceIp", {caller.source_ip}, false});
  if (!caller.session_id.empty()) {
    for (auto& k : SessionContext({caller.amr, caller.auth_time, caller.token_issued_at}, now)) {
      keys.push_back(std::move(k));
    }
  }
  return keys;
}

}  // namespace iam::authz
