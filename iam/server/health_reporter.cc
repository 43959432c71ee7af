#include "iam/server/health_reporter.h"

namespace iam::server {

void HealthReporter::Attach(grpc::HealthCheckServiceInterface* health) {
  std::lock_guard<std::mutex> lock(mu_);
  health_ = health;
  health_->SetServingStatus("", true);
  store_ok_.reset();
  authz_ok_.reset();
  SetLocked(outage_ == nullptr || outage_->reachable(),
            outage_ == nullptr || !outage_->FailClosed());
}

void HealthReporter::Refresh() {
  std::lock_guard<std::mutex> lock(mu_);
  if (health_ == nullptr) return;
  SetLocked(outage_ == nullptr || outage_->reachable(),
            outage_ == nullptr || !outage_->FailClosed());
}

void HealthReporter::Detach() {
  std::lock_guard<std::mutex> lock(mu_);
  if (health_ == nullptr) return;
  health_->SetServingStatus(false);  // every service, "" included
  health_ = nullptr;
}

void HealthReporter::SetLocked(bool store_ok, bool authz_ok) {
  if (store_ok_ != store_ok) {
    for (const char* name : kStoreServices) health_->SetServingStatus(name, store_ok);
    store_ok_ = store_ok;
  }
  if (authz_ok_ != authz_ok) {
    health_->SetServingStatus(kAuthzService, authz_ok);
    authz_ok_ = authz_ok;
  }
}

}  // namespace iam::server
