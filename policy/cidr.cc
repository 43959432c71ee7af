#include "policy/cidr.h"

#include <arpa/inet.h>

#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace iam::policy {

std::optional<IpAddress> IpAddress::Parse(absl::string_view text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  if (text.empty() || text.size() > 45) return std::nullopt;
  std::string s(text);
  IpAddress ip;
  if (inet_pton(AF_INET, s.c_str(), ip.bytes.data()) == 1) {
    ip.v4 = true;
    return ip;
  }
  if (inet_pton(AF_INET6, s.c_str(), ip.bytes.data()) == 1) {
    static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(ip.bytes.data(), kMapped, 12) == 0) {
      IpAddress v4;
      v4.v4 = true;
      std::memcpy(v4.bytes.data(), ip.bytes.data() + 12, 4);
      return v4;
    }
    return ip;
  }
  return std::nullopt;
}

std::string IpAddress::ToString() const {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(v4 ? AF_INET : AF_INET6, bytes.data(), buf, sizeof buf);
  return buf;
}

absl::StatusOr<Cidr> Cidr::Parse(absl::string_view text) {
  const size_t slash = text.find('/');
  auto ip = IpAddress::Parse(text.substr(0, slash));
  if (!ip) return absl::InvalidArgumentError("not an IP address");
  const int max = ip->v4 ? 32 : 128;
  int prefix = max;
  if (slash != absl::string_view::npos) {
    absl::string_view p = text.substr(slash + 1);
    if (p.empty() || p.size() > 3 || !absl::SimpleAtoi(p, &prefix) || prefix < 0 ||
        prefix > max || (p.size() > 1 && p[0] == '0')) {
      return absl::InvalidArgumentError("bad prefix length");
    }
  }
  for (int bit = prefix; bit < max; ++bit) {
    if (ip->bytes[bit / 8] & (0x80 >> (bit % 8))) {
      return absl::InvalidArgumentError("host bits set beyond the prefix length");
    }
  }
  Cidr c;
  c.net_ = *ip;
  c.prefix_ = prefix;
  return c;
}

bool Cidr::Contains(const IpAddress& ip) const {
  if (ip.v4 != net_.v4) return false;
  const int full = prefix_ / 8;
  if (std::memcmp(ip.bytes.data(), net_.bytes.data(), full) != 0) return false;
  const int rest = prefix_ % 8;
  if (rest == 0) return true;
  const uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (ip.bytes[full] & mask) == (net_.bytes[full] & mask);
}

std::string Cidr::ToString() const { return absl::StrCat(net_.ToString(), "/", prefix_); }

}  // namespace iam::policy
