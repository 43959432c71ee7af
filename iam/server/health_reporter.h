// HealthReporter: keeps gRPC's health service (grpc.health.v1.Health)
// answering per service whether that service can do its work now.
// AdminService, AuthService and AuditService need the store: NOT_SERVING
// while it is unreachable. AuthzService answers from memory through an
// outage's grace period: NOT_SERVING only once it fails closed. The empty
// name ("", the whole server) stays SERVING while the process runs, so a
// liveness probe does not restart every replica when the shared database
// is away; readiness probes name the service they need. Fed by the
// authorization poll (each poll is a store read). Thread-safe.
#ifndef IAM_SERVER_HEALTH_REPORTER_H_
#define IAM_SERVER_HEALTH_REPORTER_H_

#include <grpcpp/health_check_service_interface.h>

#include <mutex>
#include <optional>

#include "iam/common/store_outage.h"

namespace iam::server {

class HealthReporter {
 public:
  // `outage` (may be null: the store is taken as always reachable) must
  // outlive the reporter.
  explicit HealthReporter(const StoreOutage* outage) : outage_(outage) {}

  // The server's health service, once it runs: every service is set from
  // the current state. `health` must outlive the reporter or Detach().
  void Attach(grpc::HealthCheckServiceInterface* health);
  // Sets any service whose state changed since the last call.
  void Refresh();
  // Everything NOT_SERVING (shutting down), and no more updates.
  void Detach();

  static constexpr const char* kStoreServices[] = {"iam.v1.AdminService", "iam.v1.AuthService",
                                                   "iam.v1.AuditService"};
  static constexpr const char* kAuthzService = "iam.v1.AuthzService";

 private:
  void SetLocked(bool store_ok, bool authz_ok);

  const StoreOutage* outage_;
  std::mutex mu_;
  grpc::HealthCheckServiceInterface* health_ = nullptr;  // guarded by mu_
  std::optional<bool> store_ok_, authz_ok_;              // last set; guarded by mu_
};

}  // namespace iam::server

#endif  // IAM_SERVER_HEALTH_REPORTER_H_
