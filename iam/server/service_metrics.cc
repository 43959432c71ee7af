#include "iam/server/service_metrics.h"

namespace iam::server {

ServiceMetrics::ServiceMetrics()
    : logins("iam_logins_total",
             "Login attempts by step (password, federated, mfa), outcome and the reason of a "
             "failure.",
             {"step", "outcome", "reason"}),
      decisions("iam_authz_decisions_total",
                "Authorization decisions answered by Check and BatchCheck.", {"decision"}),
      tokens("iam_tokens_issued_total",
             "Token endpoint requests by grant type and result (issued, or refused with an "
             "OAuth error).",
             {"grant", "result"}),
      rpcs({"iam.v1.AdminService", "iam.v1.AuthService", "iam.v1.AuthzService",
            "iam.v1.AuditService"},
           {"/grpc.health.v1.Health/Check", "/grpc.health.v1.Health/Watch"}) {
  // Present from the start, so that a rate over them has a first sample.
  for (const char* d : {"allow", "explicit_deny", "implicit_deny"}) decisions.At({d});
}

void ServiceMetrics::AppendTo(std::string* out) const {
  logins.AppendTo(out);
  decisions.AppendTo(out);
  tokens.AppendTo(out);
  rpcs.AppendTo(out);
}

const char* GrantLabel(absl::string_view grant_type) {
  for (const char* known :
       {"client_credentials", "refresh_token", "authorization_code",
        "urn:ietf:params:oauth:grant-type:token-exchange",
        "urn:ietf:params:oauth:grant-type:device_code",
        "urn:ietf:params:oauth:grant-type:jwt-bearer"}) {
    if (grant_type == known) return known;
  }
  return "other";
}

}  // namespace iam::server
