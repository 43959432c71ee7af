// IamServer: the running service. Opens and migrates the store, loads the
// master key, bootstraps the system account, and serves gRPC (AdminService,
// health checking, reflection) with optional TLS/mTLS; runs the purge job of
// closed accounts. Used by iamd's main and by the end-to-end tests (port 0).
// Thread-safe after Start; Shutdown may be called from any thread, once.
#ifndef IAM_SERVER_IAM_SERVER_H_
#define IAM_SERVER_IAM_SERVER_H_

#include <grpcpp/server.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "absl/status/statusor.h"
#include "iam/account/account_service.h"
#include "iam/account/authorizer.h"
#include "iam/authz/access_activity.h"
#include "iam/authz/authz_cache.h"
#include "iam/authz/decider.h"
#include "iam/authz/policy_authorizer.h"
#include "iam/account/bootstrap.h"
#include "iam/account/pii_cipher.h"
#include "iam/audit/audit_log.h"
#include "iam/common/clock.h"
#include "iam/common/config.h"
#include "iam/common/random.h"
#include "iam/net/http_fetcher.h"
#include "iam/oauth/backchannel_logout.h"
#include "iam/oauth/remote_key_sets.h"
#include "iam/web/csrf.h"
#include "iam/web/renderer.h"
#include "iam/auth/challenge.h"
#include "iam/auth/password_hasher.h"
#include "iam/server/admin_service.h"
#include "iam/server/auth_service.h"
#include "iam/server/audit_grpc_service.h"
#include "iam/server/authz_service.h"
#include "iam/server/health_reporter.h"
#include "iam/server/service_metrics.h"
#include "iam/server/authenticator.h"
#include "iam/server/domain.h"
#include "iam/server/http_listener.h"
#include "iam/session/session_service.h"
#include "iam/store/database.h"
#include "iam/token/key_ring.h"
#include "iam/token/token_service.h"

namespace iam::server {

class IamServer {
 public:
  // clock and random must outlive the server. UNAVAILABLE when the store or
  // the listen address cannot be used; FAILED_PRECONDITION for a missing
  // master key or a schema newer than this binary.
  static absl::StatusOr<std::unique_ptr<IamServer>> Start(const Config& config,
                                                          const Clock* clock, Random* random);
  ~IamServer();

  // "host:port" actually bound (the port is chosen when the config says 0).
  const std::string& address() const { return address_; }
  int port() const { return port_; }
  const account::BootstrapResult& bootstrap() const { return bootstrap_; }
  store::Database& database() { return *db_; }
  account::AccountService& accounts() { return domain_->accounts; }
  // The domain services, for tests that drive one directly.
  Domain& domain() { return *domain_; }
  token::KeyRing& key_ring() { return *key_ring_; }
  token::TokenService& tokens() { return *tokens_; }
  authz::AuthzCache& authz_cache() { return *authz_cache_; }
  audit::DecisionLog& decision_log() { return *decisions_; }
  authz::Decider& decider() { return *decider_; }
  authz::AccessActivity* access_activity() { return access_.get(); }  // null: off
  auth::PasswordHasher& hasher() { return *hasher_; }
  // The HTTP listener's port (0 when it is off) and the tokens' issuer.
  int http_port() const { return http_ ? http_->port() : 0; }
  const std::string& issuer() const { return issuer_; }

  // One round of the periodic jobs: purge closed accounts, rotate an
  // overdue signing key, forget stale login counters.
  void RunMaintenance();
  // The /metrics body.
  std::string Metrics() const;

  // Stops accepting calls, lets running ones finish until the deadline, then
  // stops the purge job.
  void Shutdown(absl::Duration grace);

 private:
  IamServer() = default;
  absl::Status StartAuth(const Config& config, const std::string& master_key, const Clock* clock,
                         Random* random);
  void PurgeLoop(absl::Duration interval);

  // First: the services count into it, and the interceptor outlives no call.
  ServiceMetrics metrics_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<account::PiiCipher> pii_;
  std::unique_ptr<audit::AuditLog> audit_;
  std::unique_ptr<account::CredentialCache> credentials_;
  std::unique_ptr<StoreOutage> outage_;
  std::unique_ptr<HealthReporter> health_;
  std::unique_ptr<authz::AuthzCache> authz_cache_;
  std::unique_ptr<authz::Decider> decider_;
  std::unique_ptr<authz::AccessActivity> access_;  // null: last uses unrecorded
  std::unique_ptr<authz::PolicyAuthorizer> authorizer_;
  const Clock* clock_ = nullptr;
  std::unique_ptr<auth::PasswordHasher> hasher_;
  std::unique_ptr<auth::ChallengeVerifier> challenge_;
  std::unique_ptr<token::KeyRing> key_ring_;
  std::unique_ptr<token::TokenService> tokens_;
  std::unique_ptr<net::HttpFetcher> fetcher_;
  std::unique_ptr<oauth::RemoteKeySets> client_key_sets_;
  std::unique_ptr<oauth::RemoteKeySets> upstream_key_sets_;
  std::unique_ptr<federation::OidcUpstream> oidc_upstream_;
  std::unique_ptr<web::CsrfGuard> csrf_;
  std::unique_ptr<web::PageRenderer> pages_;
  std::unique_ptr<Domain> domain_;
  std::unique_ptr<oauth::BackchannelLogout> logouts_;
  std::unique_ptr<Authenticator> authn_;
  std::unique_ptr<AdminServiceImpl> admin_;
  std::unique_ptr<AuthServiceImpl> auth_service_;
  std::unique_ptr<audit::DecisionLog> decisions_;
  std::unique_ptr<AuthzServiceImpl> authz_service_;
  std::unique_ptr<AuditServiceImpl> audit_service_;
  std::unique_ptr<HttpListener> http_;
  std::string issuer_;
  std::unique_ptr<grpc::Server> server_;
  account::BootstrapResult bootstrap_;
  std::string address_;
  int port_ = 0;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  std::thread purge_thread_;
};

}  // namespace iam::server

#endif  // IAM_SERVER_IAM_SERVER_H_
