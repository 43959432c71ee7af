#include "iam/mfa/login_gate.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace iam::mfa {

std::string NetworkPrefix(const std::string& ip) {
  auto a = IpAddress::Parse(ip);
  if (!a) return "";
  const auto& b = a->bytes;
  const bool mapped = !a->v4 && std::all_of(b.begin(), b.begin() + 10, [](uint8_t x) {
    return x == 0;
  }) && b[10] == 0xff && b[11] == 0xff;
  if (a->v4) return absl::StrFormat("%d.%d.%d.0/24", b[0], b[1], b[2]);
  if (mapped) return absl::StrFormat("%d.%d.%d.0/24", b[12], b[13], b[14]);
  return absl::StrFormat("%x:%x:%x::/48", b[0] << 8 | b[1], b[2] << 8 | b[3], b[4] << 8 | b[5]);
}

absl::StatusOr<std::vector<Cidr>> ParseAllowlist(const std::vector<std::string>& cidrs) {
  std::vector<Cidr> out;
  for (size_t i = 0; i < cidrs.size(); ++i) {
    auto c = Cidr::Parse(cidrs[i]);
    if (!c.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("cidrs[", i, "]: not a CIDR (", c.status().message(), ")"));
    }
    out.push_back(*c);
  }
  return out;
}

bool AllowlistAllows(const std::vector<Cidr>& list, const std::string& ip) {
  if (list.empty()) return true;
  auto a = IpAddress::Parse(ip);
  if (!a) return false;
  return std::any_of(list.begin(), list.end(), [&](const Cidr& c) { return c.Contains(*a); });
}

absl::StatusOr<IpAllowlistPolicy> IpAllowlistPolicy::FromList(
    const std::vector<std::string>& cidrs) {
  if (cidrs.size() > 200) return absl::InvalidArgumentError("cidrs: at most 200 networks");
  auto parsed = ParseAllowlist(cidrs);
  if (!parsed.ok()) return parsed.status();
  IpAllowlistPolicy p;
  for (const Cidr& c : *parsed) p.cidrs.push_back(c.ToString());
  return p;
}

absl::StatusOr<IpAllowlistPolicy> IpAllowlistPolicy::FromJson(const nlohmann::json& j) {
  if (!j.is_object()) return absl::InvalidArgumentError("policy: must be a JSON object");
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.key() != "cidrs") {
      return absl::InvalidArgumentError(absl::StrCat(it.key().substr(0, 64), ": unknown field"));
    }
  }
  auto it = j.find("cidrs");
  if (it == j.end()) return absl::InvalidArgumentError("cidrs: missing (state every field)");
  if (!it->is_array()) return absl::InvalidArgumentError("cidrs: must be an array of CIDRs");
  std::vector<std::string> list;
  for (const auto& c : *it) {
    if (!c.is_string()) return absl::InvalidArgumentError("cidrs: must hold strings");
    list.push_back(c.get<std::string>());
  }
  return FromList(list);
}

bool IpAllowlistPolicy::Allows(const std::string& ip) const {
  if (cidrs.empty()) return true;
  auto parsed = ParseAllowlist(cidrs);
  return parsed.ok() && AllowlistAllows(*parsed, ip);
}

bool InScope(const MfaPolicy& p, bool admin, const std::vector<std::string>& groups,
             const std::vector<std::string>& roles) {
  if (p.mode == "required") return true;
  if (p.mode != "required_for") return false;
  if (p.required_for_admins && admin) return true;
  auto any_named = [](const std::vector<std::string>& held, const std::vector<std::string>& named) {
    return std::any_of(held.begin(), held.end(), [&](const std::string& h) {
      return std::find(named.begin(), named.end(), h) != named.end();
    });
  };
  return any_named(groups, p.required_groups) || any_named(roles, p.required_roles);
}

GateDecision Decide(const MfaPolicy& p, const LoginFacts& f) {
  GateDecision d;
  if (!f.ip_allowed) return {Next::kRefuseIp, ""};
  if (p.device_binding) {
    if (!f.has_device_id) return {Next::kRefuseNoDevice, ""};
    if (!f.device_approved) return {Next::kDeviceApproval, ""};
  }
  if (!f.has_device_id || !f.device_known) {
    d.risk = "unknown device";
  } else if (!f.prefix_known) {
    d.risk = "unusual network";
  }
  if (p.mode == "off") return d;
  const bool risky = p.risk_step_up && !d.risk.empty();
  if (!f.enrolled) {
    if (f.in_scope) d.next = Next::kEnroll;
    return d;
  }
  if (risky) {
    d.next = Next::kMfa;
  } else if (f.in_scope && !f.device_trusted) {
    d.next = Next::kMfa;
  }
  return d;
}

}  // namespace iam::mfa
