// IP addresses and CIDR networks (shared with the policy engine, which owns
// the implementation), and the address of a gRPC peer.
#ifndef IAM_COMMON_CIDR_H_
#define IAM_COMMON_CIDR_H_

#include <string>

#include "absl/strings/string_view.h"
#include "policy/cidr.h"

namespace iam {

using policy::Cidr;
using policy::IpAddress;

// The address part of a gRPC peer string ("ipv4:127.0.0.1:5555",
// "ipv6:[::1]:5555"); empty for other transports.
std::string PeerAddress(absl::string_view peer);

}  // namespace iam

#endif  // IAM_COMMON_CIDR_H_
