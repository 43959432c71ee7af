// BackchannelLogout: OpenID Connect Back-Channel Logout 1.0. When a
// session ends, for whatever reason (logout, an administrator's
// revocation, a disabled user, eviction by the session limit, a password
// change that signs out everywhere, refresh-token reuse), every client
// that was given a code or a refresh token of that session and registered
// a backchannel_logout_uri receives a signed logout token (typ
// logout+jwt: iss, aud, iat, exp, jti, sub, sid and the logout event).
//
// Every way a session ends sets its revoked_at, so nothing that ends one
// has to know about this: a loop finds the sessions ended since its last
// round (with a few seconds of overlap for replicas' clocks) and queues
// one delivery per session and client; the store keeps it unique, so
// replicas scanning the same sessions queue it once. Deliveries are leased
// by one replica at a time, POSTed through the guarded HttpFetcher, and
// retried after 2 s, 10 s, 1 min, 5 min, 30 min and 2 h before they are
// given up. The final outcome of each is an audit record
// (oauth:BackchannelLogout); pending and failed counts are metrics, and
// the deliveries of a client can be listed.
//
// Thread-safe; one loop thread once started.
#ifndef IAM_OAUTH_BACKCHANNEL_LOGOUT_H_
#define IAM_OAUTH_BACKCHANNEL_LOGOUT_H_

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "iam/audit/audit_log.h"
#include "iam/common/clock.h"
#include "iam/common/random.h"
#include "iam/net/http_fetcher.h"
#include "iam/store/database.h"
#include "iam/store/logout_store.h"
#include "iam/token/token_service.h"

namespace iam::oauth {

inline constexpr char kLogoutEvent[] = "http://schemas.openid.net/event/backchannel-logout";

struct BackchannelLogoutOptions {
  absl::Duration poll = absl::Seconds(1);
  absl::Duration lease = absl::Seconds(30);
  // The waits before each retry; one more attempt than there are waits.
  std::vector<absl::Duration> retry_after = {absl::Seconds(2),  absl::Seconds(10),
                                             absl::Minutes(1),  absl::Minutes(5),
                                             absl::Minutes(30), absl::Hours(2)};
  absl::Duration scan_overlap = absl::Seconds(5);
  absl::Duration token_ttl = absl::Minutes(2);
};

class BackchannelLogout {
 public:
  BackchannelLogout(store::Database& db, const Clock& clock, Random& random,
                    token::TokenService& tokens, const net::HttpFetcher& fetcher,
                    const audit::AuditLog& audit, BackchannelLogoutOptions options = {});
  ~BackchannelLogout();

  void Start();
  void Stop();
  // One round: queue deliveries for the sessions ended since the last
  // round, then attempt those that are due.
  absl::Status RunOnce();

  struct Stats {
    uint64_t delivered = 0;
    uint64_t retried = 0;
    uint64_t failed = 0;
  };
  Stats stats() const;

 private:
  absl::Status Scan(int64_t now_ms);
  absl::Status DeliverDue(int64_t now_ms);
  absl::Status Deliver(const store::LogoutDeliveryRow& row, int64_t now_ms);

  store::Database& db_;
  const Clock& clock_;
  Random& random_;
  token::TokenService& tokens_;
  const net::HttpFetcher& fetcher_;
  const audit::AuditLog& audit_;
  const BackchannelLogoutOptions options_;
  int64_t watermark_ms_;  // the loop's alone

  std::atomic<uint64_t> delivered_{0}, retried_{0}, failed_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace iam::oauth

#endif  // IAM_OAUTH_BACKCHANNEL_LOGOUT_H_
