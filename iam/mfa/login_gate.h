// LoginGate: what a login with the right password still needs, decided
// from facts read beforehand: an allowed source address, an approved device
// (device binding), and whether a second factor (or enrolment in one) is
// due under the account's MFA policy and the login's risk. Pure.
#ifndef IAM_MFA_LOGIN_GATE_H_
#define IAM_MFA_LOGIN_GATE_H_

#include <string>
#include <vector>

#include "iam/common/cidr.h"
#include "iam/mfa/mfa_policy.h"

namespace iam::mfa {

// The network a login comes from, as the service learns it: the /24 of an
// IPv4 address, the /48 of an IPv6 one; empty when unparsable.
std::string NetworkPrefix(const std::string& ip);

// A list of CIDRs; empty allows every address.
absl::StatusOr<std::vector<Cidr>> ParseAllowlist(const std::vector<std::string>& cidrs);
bool AllowlistAllows(const std::vector<Cidr>& list, const std::string& ip);

// An account's login IP allowlist (kind "ip_allowlist"): {"cidrs": [...]},
// at most 200 IPv4 or IPv6 networks; empty allows every address. The same
// list shape serves per user.
struct IpAllowlistPolicy {
  std::vector<std::string> cidrs;

  nlohmann::json ToJson() const { return {{"cidrs", cidrs}}; }
  static absl::StatusOr<IpAllowlistPolicy> FromJson(const nlohmann::json& j);
  static absl::StatusOr<IpAllowlistPolicy> FromList(const std::vector<std::string>& cidrs);
  bool Allows(const std::string& ip) const;
};

struct LoginFacts {
  bool ip_allowed = true;   // by the account's and the user's allowlists
  bool has_device_id = false;
  bool device_approved = false;  // an administrator approved it
  bool device_known = false;     // seen in an earlier full login
  bool device_trusted = false;   // remembered with a valid device token
  bool prefix_known = false;
  bool enrolled = false;    // an active TOTP factor
  bool in_scope = false;    // the policy requires MFA of this user
};

enum class Next {
  kOpen,                // open the session
  kRefuseIp,            // fail: source address not allowed
  kRefuseNoDevice,      // fail: device binding needs a device id
  kDeviceApproval,      // fail until an administrator approves the device
  kMfa,                 // ask for the second factor
  kEnroll,              // take the user through enrolment first
};

struct GateDecision {
  Next next = Next::kOpen;
  std::string risk;  // why the login looks unusual; empty when it does not
};

// Whether `mode` requires MFA of a user (groups: the user's group names).
bool InScope(const MfaPolicy& policy, bool admin, const std::vector<std::string>& groups,
             const std::vector<std::string>& roles);

GateDecision Decide(const MfaPolicy& policy, const LoginFacts& facts);

}  // namespace iam::mfa

#endif  // IAM_MFA_LOGIN_GATE_H_
