#include "iam/server/client_address.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"

namespace iam::server {
namespace {

bool Trusted(const IpAddress& ip, const std::vector<Cidr>& proxies) {
  for (const Cidr& c : proxies) {
    if (c.Contains(ip)) return true;
  }
  return false;
}

}  // namespace

std::string ClientAddress(const HttpRequest& request, const std::vector<Cidr>& proxies) {
  auto peer = IpAddress::Parse(request.remote_address);
  if (!peer || proxies.empty() || !Trusted(*peer, proxies)) return request.remote_address;
  // Every X-Forwarded-For header, in order, as one list.
  std::vector<std::string> hops;
  for (const auto& [name, value] : request.headers) {
    if (name != "x-forwarded-for") continue;
    for (absl::string_view hop : absl::StrSplit(value, ',')) {
      hops.emplace_back(absl::StripAsciiWhitespace(hop));
    }
  }
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
    auto ip = IpAddress::Parse(*it);
    if (!ip) return request.remote_address;  // garbage: believe only the peer
    if (!Trusted(*ip, proxies)) return ip->ToString();
  }
  return request.remote_address;
}

}  // namespace iam::server
