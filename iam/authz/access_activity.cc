#include "iam/authz/access_activity.h"

#include <algorithm>
#include <tuple>

#include "absl/hash/hash.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "iam/common/log.h"
#include "iam/store/states.h"

namespace iam::authz {
namespace {

using store::access_activity::ActivityRow;

// account, principal type, principal id and the action in lower case,
// separated by a byte none of them may hold.
void BuildKey(std::string* key, absl::string_view account, store::PrincipalType type,
              absl::string_view id, absl::string_view action) {
  key->clear();
  absl::StrAppend(key, account, "\x1f", store::Name(type), "\x1f", id, "\x1f");
  const size_t start = key->size();
  key->append(action.data(), action.size());
  for (size_t i = start; i < key->size(); ++i) {
    (*key)[i] = absl::ascii_tolower(static_cast<unsigned char>((*key)[i]));
  }
}

// Each thread starts its keys at its own shard, so two threads deciding
// for the same principal and action at once do not take one lock and
// write one cache line; Flush adds the copies up.
size_t ThreadSlot() {
  static std::atomic<size_t> next{0};
  thread_local const size_t slot = next.fetch_add(1, std::memory_order_relaxed);
  return slot;
}

// `row` folded into `into`: the later use wins, with its statement.
void Fold(ActivityRow& into, ActivityRow&& row) {
  if (row.last_used_at >= into.last_used_at) {
    into.last_used_at = row.last_used_at;
    into.granted_by = std::move(row.granted_by);
    into.action = std::move(row.action);
  }
  into.uses += row.uses;
}

}  // namespace

AccessActivity::AccessActivity(store::Database* db, AccessActivityOptions options)
    : db_(db), options_(options) {}

AccessActivity::~AccessActivity() { Stop(); }

void AccessActivity::MergeInto(Shard& shard, const std::string& key, ActivityRow row) {
  auto it = shard.rows.find(key);
  if (it != shard.rows.end()) {
    Fold(it->second.row, std::move(row));
    return;
  }
  if (shard.rows.size() >= options_.max_pending / kShards) {
    dropped_.fetch_add(row.uses, std::memory_order_relaxed);
    return;
  }
  shard.rows.emplace(key, Pending{std::move(row)});
  pending_.fetch_add(1, std::memory_order_relaxed);
}

void AccessActivity::Record(absl::string_view account_id, store::PrincipalType type,
                            absl::string_view principal_id, absl::string_view action,
                            absl::string_view granted_by, int64_t now_ms) {
  thread_local std::string key;
  BuildKey(&key, account_id, type, principal_id, action);
  Shard& shard = shards_[(absl::HashOf(key) + ThreadSlot()) % kShards];
  absl::MutexLock lock(&shard.mu);
  ++shard.recorded;
  auto it = shard.rows.find(key);
  if (it != shard.rows.end()) {  // the common case: only numbers change
    ActivityRow& held = it->second.row;
    if (now_ms >= held.last_used_at) {
      held.last_used_at = now_ms;
      if (held.granted_by != granted_by)
        held.granted_by.assign(granted_by.data(), granted_by.size());
      if (held.action != action) held.action.assign(action.data(), action.size());
    }
    ++held.uses;
    return;
  }
  ActivityRow row;
  row.account_id = std::string(account_id);
  row.principal = {type, std::string(principal_id)};
  row.action = std::string(action);
  row.last_used_at = now_ms;
  row.granted_by = std::string(granted_by);
  row.uses = 1;
  MergeInto(shard, key, std::move(row));
}

void AccessActivity::Restore(std::vector<ActivityRow> rows) {
  std::string key;
  for (ActivityRow& row : rows) {
    BuildKey(&key, row.account_id, row.principal.type, row.principal.id, row.action);
    Shard& shard = shards_[absl::HashOf(key) % kShards];
    absl::MutexLock lock(&shard.mu);
    MergeInto(shard, key, std::move(row));
  }
}

absl::Status AccessActivity::Flush() {
  std::lock_guard<std::mutex> flushing(flush_mu_);
  absl::flat_hash_map<std::string, ActivityRow> merged;  // one row per key
  for (Shard& shard : shards_) {
    absl::flat_hash_map<std::string, Pending> taken;
    {
      absl::MutexLock lock(&shard.mu);
      taken.swap(shard.rows);
    }
    pending_.fetch_sub(static_cast<int64_t>(taken.size()), std::memory_order_relaxed);
    for (auto& [key, p] : taken) {
      auto [it, added] = merged.try_emplace(key, p.row);
      if (!added) Fold(it->second, std::move(p.row));
    }
  }
  if (merged.empty()) return absl::OkStatus();
  std::vector<ActivityRow> rows;
  rows.reserve(merged.size());
  for (auto& [key, row] : merged) rows.push_back(std::move(row));
  // Rows in a stable order, so two replicas' batches lock rows in the same
  // order and do not deadlock each other.
  std::sort(rows.begin(), rows.end(), [](const ActivityRow& a, const ActivityRow& b) {
    return std::tie(a.account_id, a.principal.id, a.action) <
           std::tie(b.account_id, b.principal.id, b.action);
  });
  for (size_t begin = 0; begin < rows.size(); begin += options_.batch) {
    const size_t end = std::min(rows.size(), begin + options_.batch);
    absl::Status s = db_->Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
      for (size_t i = begin; i < end; ++i) {
        absl::Status m = store::access_activity::Merge(tx, rows[i]);
        if (!m.ok()) return m;
      }
      return absl::OkStatus();
    });
    if (!s.ok()) {
      failed_flushes_.fetch_add(1, std::memory_order_relaxed);
      Restore(std::vector<ActivityRow>(std::make_move_iterator(rows.begin() + begin),
                                       std::make_move_iterator(rows.end())));
      return s;
    }
    flushed_.fetch_add(static_cast<int64_t>(end - begin), std::memory_order_relaxed);
  }
  return absl::OkStatus();
}

void AccessActivity::Start() {
  std::lock_guard<std::mutex> lock(run_mu_);
  if (writer_.joinable()) return;
  stopping_ = false;
  writer_ = std::thread([this] { Run(); });
}

void AccessActivity::Stop() {
  {
    std::lock_guard<std::mutex> lock(run_mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (writer_.joinable()) writer_.join();
  absl::Status s = Flush();
  if (!s.ok()) {
    log::Error("access activity could not be written at shutdown", {{"status", s.ToString()}});
  }
}

void AccessActivity::Run() {
  std::unique_lock<std::mutex> lock(run_mu_);
  while (!stopping_) {
    wake_.wait_for(lock, absl::ToChronoMilliseconds(options_.flush_interval),
                   [&] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    absl::Status s = Flush();
    if (!s.ok()) {
      log::Warn("access activity kept for the next flush", {{"status", s.ToString()}});
    }
    lock.lock();
  }
}

AccessActivityStats AccessActivity::stats() {
  AccessActivityStats s;
  for (Shard& shard : shards_) {
    absl::MutexLock lock(&shard.mu);
    s.recorded += shard.recorded;
  }
  s.flushed = flushed_.load(std::memory_order_relaxed);
  s.dropped = dropped_.load(std::memory_order_relaxed);
  s.failed_flushes = failed_flushes_.load(std::memory_order_relaxed);
  s.pending = pending_.load(std::memory_order_relaxed);
  return s;
}

}  // namespace iam::authz
