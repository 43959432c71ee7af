// ServiceMetrics: the counters the service keeps of what it does, for
// /metrics: logins by outcome and reason, authorization decisions, tokens
// issued at the token endpoints, and every gRPC call. Owned by IamServer;
// the services it builds count into it through the pointers they are
// given. Thread-safe.
#ifndef IAM_SERVER_SERVICE_METRICS_H_
#define IAM_SERVER_SERVICE_METRICS_H_

#include <string>

#include "iam/common/counter_family.h"
#include "iam/server/rpc_metrics.h"

namespace iam::server {

struct ServiceMetrics {
  ServiceMetrics();

  // step (password, federated, mfa), outcome (success, failed, locked,
  // mfa_required, ..., error), reason (wrong_password, locked, ...).
  CounterFamily logins;
  // decision (allow, explicit_deny, implicit_deny): Check and BatchCheck.
  CounterFamily decisions;
  // grant (client_credentials, refresh_token, ...), result (issued, refused).
  CounterFamily tokens;
  RpcMetrics rpcs;

  void AppendTo(std::string* out) const;
};

// The grant_type of a token request as a label: the grants this service
// knows, or "other" (the value is the client's, and labels must stay few).
const char* GrantLabel(absl::string_view grant_type);

}  // namespace iam::server

#endif  // IAM_SERVER_SERVICE_METRICS_H_
