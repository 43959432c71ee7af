#include "iam/store/mysql/mysql_hosts.h"

#include <algorithm>

namespace iam::store::mysql {

HostPicker::HostPicker(int hosts, int64_t retry_ms)
    : retry_ms_(retry_ms), down_until_(static_cast<size_t>(hosts), 0) {}

std::vector<int> HostPicker::Order(int64_t now_ms) const {
  std::vector<int> up, down;
  for (int i = 0; i < static_cast<int>(down_until_.size()); ++i) {
    (PassedOver(i, now_ms) ? down : up).push_back(i);
  }
  std::stable_sort(down.begin(), down.end(),
                   [&](int a, int b) { return down_until_[a] < down_until_[b]; });
  up.insert(up.end(), down.begin(), down.end());
  return up;
}

void HostPicker::Failed(int host, int64_t now_ms) { down_until_[host] = now_ms + retry_ms_; }

void HostPicker::Succeeded(int host) { down_until_[host] = 0; }

}  // namespace iam::store::mysql
