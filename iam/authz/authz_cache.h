// AuthzCache: each replica's compiled authorization data: one snapshot per
// account used, and the resource index. Every change bumps a version in
// the store in its own transaction; a poller reads one row ("*") every
// poll interval and, when it moved, the per-scope versions, so a change
// made through any replica is used everywhere within one interval plus
// one rebuild. Changes made through this replica are used at once
// (Changed()). A stale snapshot is rebuilt by the first caller that needs
// it; others keep using the previous one meanwhile only if the rebuild
// fails. Thread-safe.
#ifndef IAM_AUTHZ_AUTHZ_CACHE_H_
#define IAM_AUTHZ_AUTHZ_CACHE_H_

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "iam/account/common.h"
#include "iam/authz/account_snapshot.h"
#include "iam/authz/resource_index.h"
#include "iam/store/database.h"

namespace iam::authz {

class AuthzCache final : public account::AuthzListener {
 public:
  explicit AuthzCache(store::Database* db) : db_(db) {}
  ~AuthzCache() override { Stop(); }

  // NOT_FOUND for an unknown account.
  absl::StatusOr<std::shared_ptr<const AccountSnapshot>> Account(const std::string& account_id);
  absl::StatusOr<std::shared_ptr<const ResourceIndex>> Resources();

  // A change committed through this replica.
  void Changed(const std::string& scope, int64_t version) override;

  // Called (on the poller thread) when a poll finds a change this replica
  // did not make itself. Set before Start().
  void OnAnyChange(std::function<void()> fn) { on_any_change_ = std::move(fn); }
  // Called after every change, this replica's own (when it commits) or
  // another's (when a poll finds it), for caches of what authorization
  // versions cover. May be added at any time; called without locks held.
  void OnChange(std::function<void()> fn) {
    absl::MutexLock lock(&listeners_mu_);
    on_change_.push_back(std::move(fn));
  }
  // Told of every poll's outcome: the poll is the replica's heartbeat to
  // its store. Set before Start().
  void OnPoll(std::function<void(const absl::Status&)> fn) { on_poll_ = std::move(fn); }

  // One poll of the store's versions (what the poller thread runs).
  absl::Status Poll();
  void Start(absl::Duration interval);
  void Stop();

  store::Database& db() const { return *db_; }

 private:
  struct Entry {
    std::shared_ptr<const AccountSnapshot> snapshot;
    std::shared_ptr<std::mutex> rebuild = std::make_shared<std::mutex>();
  };
  int64_t Known(const std::string& scope) const ABSL_SHARED_LOCKS_REQUIRED(mu_);

  store::Database* db_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, int64_t> known_ ABSL_GUARDED_BY(mu_);
  // Versions this replica made itself or a poll already announced; a poll
  // reports a change only beyond these (snapshot loads do not count: what
  // they read is news to the credential cache all the same).
  absl::flat_hash_map<std::string, int64_t> accounted_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, Entry> accounts_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<const ResourceIndex> resources_ ABSL_GUARDED_BY(mu_);
  int64_t any_version_ ABSL_GUARDED_BY(mu_) = -1;
  std::mutex resources_rebuild_;
  std::function<void()> on_any_change_;
  void NotifyChange();
  absl::Mutex listeners_mu_;
  std::vector<std::function<void()>> on_change_;  // guarded by listeners_mu_
  std::function<void(const absl::Status&)> on_poll_;

  std::mutex thread_mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread poller_;
};

}  // namespace iam::authz

#endif  // IAM_AUTHZ_AUTHZ_CACHE_H_
