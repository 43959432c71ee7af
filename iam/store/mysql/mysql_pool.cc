#include "iam/store/mysql/mysql_pool.h"

#include <algorithm>
#include <chrono>

#include "iam/store/mysql/mysql_connection.h"
#include "iam/store/mysql/mysql_errors.h"

namespace iam::store::mysql {

MysqlPool::MysqlPool(const MysqlOptions& options, std::vector<int> preference)
    : options_(options),
      preference_(std::move(preference)),
      rank_of_(options.hosts.size(), 0),
      ranks_(static_cast<int>(preference_.size()), options.host_retry_ms) {
  for (size_t r = 0; r < preference_.size(); ++r) {
    rank_of_[static_cast<size_t>(preference_[r])] = static_cast<int>(r);
  }
}

MysqlPool::~MysqlPool() = default;

int64_t MysqlPool::NowMs() {
  // Pool bookkeeping (when to try a host again) is operational time, not a
  // rule of the domain: the steady clock.
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void MysqlPool::DropIdleLocked(int rank) {
  auto gone = std::remove_if(idle_.begin(), idle_.end(),
                             [&](const auto& c) { return RankOf(c->host_index()) == rank; });
  open_ -= static_cast<int>(idle_.end() - gone);
  idle_.erase(gone, idle_.end());
}

absl::StatusOr<std::unique_ptr<MysqlConnection>> MysqlPool::ConnectSomewhere(
    const std::vector<int>& ranks) {
  absl::Status last;
  for (int r : ranks) {
    auto conn = MysqlConnection::Connect(options_, preference_[static_cast<size_t>(r)]);
    std::lock_guard<std::mutex> lock(mu_);
    if (conn.ok()) {
      ranks_.Succeeded(r);
      if (r != current_) {
        // Failed over or came back: the connections of the other hosts go.
        for (int other = 0; other < static_cast<int>(preference_.size()); ++other) {
          if (other != r) DropIdleLocked(other);
        }
        current_ = r;
      }
      return conn;
    }
    ranks_.Failed(r, NowMs());
    last = conn.status();
  }
  return last;
}

absl::StatusOr<std::unique_ptr<MysqlConnection>> MysqlPool::Borrow() {
  for (;;) {
    const int64_t now = NowMs();
    std::vector<int> order;
    bool probe = false;
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (idle_.empty() && open_ >= options_.pool_size) ++waits_;
      if (!cv_.wait_for(lock, std::chrono::seconds(10),
                        [&] { return !idle_.empty() || open_ < options_.pool_size; })) {
        return absl::UnavailableError("mysql: every pooled connection is busy");
      }
      // Coming back: while connections go to a less preferred host, one
      // borrower at a time tries the better ones again, once per retry period.
      if (ranks_.Preferred(now) < current_ && !probing_ && now >= next_probe_ms_) {
        probing_ = probe = true;
        next_probe_ms_ = now + options_.host_retry_ms;
        if (open_ >= options_.pool_size) {
          idle_.erase(idle_.begin());  // make room for the new connection
          --open_;
        }
        for (int r : ranks_.Order(now)) {
          if (r < current_) order.push_back(r);
        }
      } else if (!idle_.empty()) {
        auto conn = std::move(idle_.back());
        idle_.pop_back();
        return conn;
      } else {
        order = ranks_.Order(now);
      }
      ++open_;
    }
    auto conn = ConnectSomewhere(order);
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (probe) probing_ = false;
      if (!conn.ok()) {
        --open_;
        cv_.notify_one();
      }
    }
    // A better host that is still away: serve from the current one as usual
    // (no new probe before next_probe_ms_).
    if (conn.ok() || !probe) return conn;
  }
}

void MysqlPool::Return(std::unique_ptr<MysqlConnection> conn) {
  std::lock_guard<std::mutex> lock(mu_);
  if (conn->broken()) {
    --open_;
    if (HostCannotServe(conn->last_error_code())) {
      const int rank = RankOf(conn->host_index());
      ranks_.Failed(rank, NowMs());
      DropIdleLocked(rank);
    }
  } else {
    conn->clear_error();
    idle_.push_back(std::move(conn));
  }
  cv_.notify_one();
}

MysqlPool::Use MysqlPool::use() const {
  std::lock_guard<std::mutex> lock(mu_);
  return {open_, open_ - static_cast<int64_t>(idle_.size()), options_.pool_size, waits_};
}

std::vector<int64_t> MysqlPool::IdleConnectionIds() {
  std::vector<int64_t> ids;
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& conn : idle_) ids.push_back(conn->server_id());
  return ids;
}

}  // namespace iam::store::mysql
