#include "iam/session/eviction.h"

#include <algorithm>

namespace iam::session {

std::vector<size_t> SessionsToEvict(const std::vector<store::SessionRow>& live,
                                    const std::string& client_type, int max_of_type,
                                    int max_per_user) {
  std::vector<size_t> evict;
  if (max_of_type > 0) {
    std::vector<size_t> same_type;
    for (size_t i = 0; i < live.size(); ++i) {
      if (live[i].client_type == client_type) same_type.push_back(i);
    }
    const int over = static_cast<int>(same_type.size()) + 1 - max_of_type;
    for (int i = 0; i < over; ++i) evict.push_back(same_type[static_cast<size_t>(i)]);
  }
  if (max_per_user > 0) {
    int over = static_cast<int>(live.size() - evict.size()) + 1 - max_per_user;
    for (size_t i = 0; i < live.size() && over > 0; ++i) {
      if (std::find(evict.begin(), evict.end(), i) != evict.end()) continue;
      evict.push_back(i);
      --over;
    }
  }
  return evict;
}

}  // namespace iam::session
