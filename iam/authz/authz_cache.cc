#include "iam/authz/authz_cache.h"

#include "iam/common/log.h"
#include "iam/common/status_macros.h"
#include "iam/store/authz_version_store.h"

namespace iam::authz {

using store::authz_versions::kAnyScope;
using store::authz_versions::kResourcesScope;

int64_t AuthzCache::Known(const std::string& scope) const {
  auto it = known_.find(scope);
  return it == known_.end() ? 0 : it->second;
}

void AuthzCache::Changed(const std::string& scope, int64_t version) {
  {
    absl::MutexLock lock(&mu_);
    int64_t& known = known_[scope];
    known = std::max(known, version);
    int64_t& accounted = accounted_[scope];
    accounted = std::max(accounted, version);
  }
  NotifyChange();
}

void AuthzCache::NotifyChange() {
  std::vector<std::function<void()>> listeners;
  {
    absl::MutexLock lock(&listeners_mu_);
    listeners = on_change_;
  }
  for (const auto& fn : listeners) fn();
}

absl::StatusOr<std::shared_ptr<const AccountSnapshot>> AuthzCache::Account(
    const std::string& account_id) {
  std::shared_ptr<const AccountSnapshot> current;
  std::shared_ptr<std::mutex> rebuild;
  {
    absl::ReaderMutexLock lock(&mu_);
    auto it = accounts_.find(account_id);
    if (it != accounts_.end()) {
      current = it->second.snapshot;
      rebuild = it->second.rebuild;
      if (current && current->version() >= Known(account_id)) return current;
    }
  }
  if (!rebuild) {
    absl::MutexLock lock(&mu_);
    rebuild = accounts_[account_id].rebuild;
  }
  // One rebuild per account at a time; whoever waited finds it done.
  std::lock_guard<std::mutex> one(*rebuild);
  {
    absl::ReaderMutexLock lock(&mu_);
    auto it = accounts_.find(account_id);
    if (it != accounts_.end() && it->second.snapshot &&
        it->second.snapshot->version() >= Known(account_id)) {
      return it->second.snapshot;
    }
    if (it != accounts_.end()) current = it->second.snapshot;
  }
  auto fresh = AccountSnapshot::Load(*db_, account_id, current.get());
  if (!fresh.ok()) {
    if (absl::IsNotFound(fresh.status())) {
      absl::MutexLock lock(&mu_);
      accounts_.erase(account_id);
    }
    return fresh.status();
  }
  absl::MutexLock lock(&mu_);
  int64_t& known = known_[account_id];
  known = std::max(known, (*fresh)->version());
  accounts_[account_id].snapshot = *fresh;
  return *fresh;
}

absl::StatusOr<std::shared_ptr<const ResourceIndex>> AuthzCache::Resources() {
  {
    absl::ReaderMutexLock lock(&mu_);
    if (resources_ && resources_->version() >= Known(kResourcesScope)) return resources_;
  }
  std::lock_guard<std::mutex> one(resources_rebuild_);
  {
    absl::ReaderMutexLock lock(&mu_);
    if (resources_ && resources_->version() >= Known(kResourcesScope)) return resources_;
  }
  ASSIGN_OR_RETURN(auto fresh, ResourceIndex::Load(*db_));
  absl::MutexLock lock(&mu_);
  int64_t& known = known_[kResourcesScope];
  known = std::max(known, fresh->version());
  resources_ = fresh;
  return fresh;
}

absl::Status AuthzCache::Poll() {
  int64_t any = 0;
  RETURN_IF_ERROR(db_->Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(any, store::authz_versions::Read(tx, kAnyScope));
    return absl::OkStatus();
  }));
  {
    absl::ReaderMutexLock lock(&mu_);
    if (any == any_version_) return absl::OkStatus();
  }
  std::vector<std::pair<std::string, int64_t>> all;
  RETURN_IF_ERROR(db_->Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(all, store::authz_versions::ReadAll(tx));
    return absl::OkStatus();
  }));
  // Only a version this replica has not seen is news: its own changes were
  // recorded when they committed (Changed()) and cleared what they touched.
  bool news = false;
  {
    absl::MutexLock lock(&mu_);
    for (const auto& [scope, version] : all) {
      int64_t& known = known_[scope];
      known = std::max(known, version);
      int64_t& accounted = accounted_[scope];
      if (scope != kAnyScope && version > accounted) news = true;
      accounted = std::max(accounted, version);
    }
    any_version_ = any;
  }
  if (news && on_any_change_) on_any_change_();
  if (news) NotifyChange();
  return absl::OkStatus();
}

void AuthzCache::Start(absl::Duration interval) {
  poller_ = std::thread([this, interval] {
    std::unique_lock<std::mutex> lock(thread_mu_);
    while (!stopping_) {
      lock.unlock();
      absl::Status s = Poll();
      if (on_poll_) on_poll_(s);
      if (!s.ok()) log::Error("authorization version poll failed", {{"status", s.ToString()}});
      lock.lock();
      cv_.wait_for(lock, absl::ToChronoMilliseconds(interval), [&] { return stopping_; });
    }
  });
}

void AuthzCache::Stop() {
  {
    std::lock_guard<std::mutex> lock(thread_mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (poller_.joinable()) poller_.join();
}

}  // namespace iam::authz
