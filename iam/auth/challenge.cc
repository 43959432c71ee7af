#include "iam/auth/challenge.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "iam/common/crypto.h"

namespace iam::auth {
namespace {

constexpr int64_t kMaxPassLifetimeSeconds = 10 * 60;

}  // namespace

ChallengeOffer HmacChallengeVerifier::Offer(const std::string&, int) const {
  ChallengeOffer offer;
  offer.kind = "pass";
  return offer;
}

std::string HmacChallengeVerifier::Mint(absl::string_view secret, int64_t expiry_unix,
                                        const std::string& source_ip) {
  return absl::StrCat(expiry_unix, ".",
                      crypto::Hex(crypto::HmacSha256(secret, absl::StrCat(expiry_unix, "|", source_ip))));
}

bool HmacChallengeVerifier::Verify(absl::string_view proof, const std::string& source_ip,
                                   int /*level*/) const {
  if (secret_.empty() || proof.size() > 128) return false;
  const size_t dot = proof.find('.');
  if (dot == absl::string_view::npos) return false;
  int64_t expiry = 0;
  if (!absl::SimpleAtoi(proof.substr(0, dot), &expiry)) return false;
  const int64_t now = absl::ToUnixSeconds(clock_->Now());
  if (expiry <= now || expiry > now + kMaxPassLifetimeSeconds) return false;
  return crypto::ConstantTimeEquals(Mint(secret_, expiry, source_ip), proof);
}

}  // namespace iam::auth
