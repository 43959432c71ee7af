// The browser sign-in as load: each worker is a browser with no cookies
// that goes through the whole authorization code flow with PKCE, as a
// person and an app would, on one keep-alive connection: /authorize, the
// login page, the form posted, the signed-in notice passed, and the code
// exchanged at the token endpoint. One round trip is those five requests;
// its latency is the wall time of the five. The service's own share of
// that time (its handlers, and Argon2 within them) is read from its
// /metrics before and after the measured window.
#ifndef IAM_BENCH_CODE_FLOW_H_
#define IAM_BENCH_CODE_FLOW_H_

#include <array>
#include <string>

#include "absl/time/time.h"
#include "iam/bench/load_loop.h"

namespace iam::bench {

struct CodeFlowOptions {
  std::string host = "127.0.0.1";
  int port = 8080;
  int workers = 1;
  absl::Duration warmup = absl::Seconds(1);
  absl::Duration duration = absl::Seconds(10);
  std::string account_id;
  std::string client_id;     // a public client allowed authorization_code
  std::string redirect_uri;  // registered for it
  std::string username;
  std::string password;
};

inline constexpr int kCodeFlowSteps = 5;
inline constexpr const char* kCodeFlowStepNames[kCodeFlowSteps] = {"authorize", "login page",
                                                                   "login post", "notice", "token"};

struct CodeFlowResult : LoadResult {
  // Each step's total wall time over the measured rounds (ns).
  std::array<int64_t, kCodeFlowSteps> step_ns{};
  // The service's own time over the measured window, from its /metrics
  // (negative when it could not be read): every HTTP handler's time, and
  // the Argon2 time within it.
  double handler_seconds = -1;
  double hash_seconds = -1;
};

CodeFlowResult RunCodeFlow(const CodeFlowOptions& options);

}  // namespace iam::bench

#endif  // IAM_BENCH_CODE_FLOW_H_
