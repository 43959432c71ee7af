// Cidr: an IPv4 or IPv6 network (address/prefix) and the test whether an
// address lies in it. Plain value; parsing returns a status, matching cannot
// fail. IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) match IPv4 networks.
#ifndef IAM_POLICY_CIDR_H_
#define IAM_POLICY_CIDR_H_

#include "absl/strings/string_view.h"
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace iam::policy {

struct IpAddress {
  bool v4 = false;
  std::array<uint8_t, 16> bytes{};  // v4 uses the first 4

  // Accepts "1.2.3.4", "::1", "fe80::1" (no zone) and "[::1]".
  static std::optional<IpAddress> Parse(absl::string_view text);
  std::string ToString() const;
};

class Cidr {
 public:
  // "10.0.0.0/8", "2001:db8::/32"; a bare address means a single host. The
  // host bits must be zero ("10.1.2.3/8" is refused: it is usually a typo).
  static absl::StatusOr<Cidr> Parse(absl::string_view text);

  bool Contains(const IpAddress& ip) const;
  std::string ToString() const;

 private:
  IpAddress net_;
  int prefix_ = 0;
};

}  // namespace iam::policy

#endif  // IAM_POLICY_CIDR_H_
