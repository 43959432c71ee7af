// Which node of a cluster a replica connects to. The hosts of a store URL are
// in order of preference: every replica writes through the first node that
// is up (writing through one node avoids certification conflicts between
// nodes), fails over to the next when it goes, and comes back when it
// returns. A host that failed is passed over for `retry_ms`. Pure: the
// caller passes the time.
#ifndef IAM_STORE_MYSQL_MYSQL_HOSTS_H_
#define IAM_STORE_MYSQL_MYSQL_HOSTS_H_

#include <cstdint>
#include <vector>

namespace iam::store::mysql {

class HostPicker {
 public:
  HostPicker(int hosts, int64_t retry_ms);

  // Every host, in the order to try them now: those not passed over by
  // preference, then those passed over, the soonest to be tried again first
  // (when every host failed lately, one of them is still worth a try).
  std::vector<int> Order(int64_t now_ms) const;
  // The host new connections should go to now.
  int Preferred(int64_t now_ms) const { return Order(now_ms).front(); }
  void Failed(int host, int64_t now_ms);
  void Succeeded(int host);
  bool PassedOver(int host, int64_t now_ms) const { return down_until_[host] > now_ms; }

 private:
  int64_t retry_ms_;
  std::vector<int64_t> down_until_;
};

}  // namespace iam::store::mysql

#endif  // IAM_STORE_MYSQL_MYSQL_HOSTS_H_
