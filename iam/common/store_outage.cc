#include "iam/common/store_outage.h"

#include "absl/strings/str_cat.h"
#include "iam/common/log.h"

namespace iam {

void StoreOutage::Observe(const absl::Status& status) {
  if (!status.ok() && !absl::IsUnavailable(status)) return;
  const absl::Time now = clock_->Now();
  std::lock_guard<std::mutex> lock(mu_);
  if (status.ok()) {
    if (down_since_) {
      log::Info("store reachable again",
                {{"outage_seconds", absl::StrCat(absl::ToInt64Seconds(now - *down_since_))},
                 {"stale_answers", absl::StrCat(stale_answers())}});
      down_since_.reset();
      said_closed_ = false;
    }
    return;
  }
  if (!down_since_) {
    down_since_ = now;
    outages_.fetch_add(1, std::memory_order_relaxed);
    log::Error("store unreachable: Check and VerifyToken answer from the last state read, "
               "which may be stale, until the grace period ends",
               {{"grace_seconds", absl::StrCat(absl::ToInt64Seconds(grace_))}});
  }
}

bool StoreOutage::reachable() const {
  std::lock_guard<std::mutex> lock(mu_);
  return !down_since_.has_value();
}

bool StoreOutage::MayAnswerStale() const {
  if (grace_ <= absl::ZeroDuration()) return false;
  const absl::Time now = clock_->Now();
  std::lock_guard<std::mutex> lock(mu_);
  return down_since_ && now - *down_since_ < grace_;
}

bool StoreOutage::FailClosed() const {
  const absl::Time now = clock_->Now();
  std::lock_guard<std::mutex> lock(mu_);
  if (!down_since_ || now - *down_since_ < grace_) return false;
  if (!said_closed_) {
    said_closed_ = true;
    log::Error("store unreachable for longer than the grace period: authorization fails closed",
               {{"grace_seconds", absl::StrCat(absl::ToInt64Seconds(grace_))}});
  }
  return true;
}

}  // namespace iam
