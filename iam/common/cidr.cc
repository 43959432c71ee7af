#include "iam/common/cidr.h"

namespace iam {

std::string PeerAddress(absl::string_view peer) {
  absl::string_view rest;
  if (peer.substr(0, 5) == "ipv4:") {
    rest = peer.substr(5);
    return std::string(rest.substr(0, rest.rfind(':')));
  }
  if (peer.substr(0, 5) == "ipv6:") {
    rest = peer.substr(5);
    const size_t close = rest.find(']');
    if (rest.empty() || rest[0] != '[' || close == absl::string_view::npos) return "";
    return std::string(rest.substr(1, close - 1));
  }
  return "";
}

}  // namespace iam
