#include "iam/account/ids.h"

#include "iam/common/crypto.h"

namespace iam::account {
namespace {

std::string Draw(Random& random, absl::string_view alphabet, size_t n) {
  std::string out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) out.push_back(alphabet[random.Uniform(alphabet.size())]);
  return out;
}

constexpr absl::string_view kBase32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

}  // namespace

std::string NewAccountId(Random& random) { return Draw(random, "0123456789", 12); }
std::string NewUserId(Random& random) { return "AIDA" + Draw(random, kBase32, 17); }
std::string NewGroupId(Random& random) { return "AGPA" + Draw(random, kBase32, 17); }
std::string NewAccessKeyId(Random& random) { return "AKIA" + Draw(random, kBase32, 16); }
std::string NewRoleId(Random& random) { return "AROA" + Draw(random, kBase32, 17); }
std::string NewPolicyId(Random& random) { return "ANPA" + Draw(random, kBase32, 17); }
std::string NewRuleId(Random& random) { return "ASOD" + Draw(random, kBase32, 17); }
std::string NewClientId(Random& random) { return "ACLI" + Draw(random, kBase32, 17); }
std::string NewSecret(Random& random) { return crypto::Base64Url(random.Bytes(32)); }

}  // namespace iam::account
