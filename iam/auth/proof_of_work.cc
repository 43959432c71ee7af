#include "iam/auth/proof_of_work.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "iam/common/crypto.h"
#include "iam/store/client_store.h"

namespace iam::auth {
namespace {

constexpr size_t kMaxProofBytes = 256;

}  // namespace

ProofOfWorkChallenge::ProofOfWorkChallenge(std::string key, const Clock* clock, Random* random,
                                           store::Database* db, ProofOfWorkOptions options)
    : key_(std::move(key)), clock_(clock), random_(random), db_(db), options_(options) {}

int ProofOfWorkChallenge::BitsFor(int level) const {
  return std::clamp(options_.base_bits + std::max(level, 0), 1, options_.max_bits);
}

std::string ProofOfWorkChallenge::Mac(int bits, int64_t expiry, absl::string_view salt,
                                      const std::string& source_ip) const {
  return crypto::Base64Url(crypto::HmacSha256(
      key_, absl::StrCat(pow::kVersion, "|", bits, "|", expiry, "|", salt, "|", source_ip)));
}

ChallengeOffer ProofOfWorkChallenge::Offer(const std::string& source_ip, int level) const {
  const int bits = BitsFor(level);
  const int64_t expiry = absl::ToUnixSeconds(clock_->Now() + options_.ttl);
  const std::string salt = crypto::Base64Url(random_->Bytes(16));
  ChallengeOffer offer;
  offer.kind = "proof-of-work";
  offer.bits = bits;
  offer.puzzle = absl::StrCat(pow::kVersion, ".", bits, ".", expiry, ".", salt, ".",
                              Mac(bits, expiry, salt, source_ip));
  return offer;
}

bool ProofOfWorkChallenge::Verify(absl::string_view proof, const std::string& source_ip,
                                  int level) const {
  if (proof.size() > kMaxProofBytes) return false;
  pow::Puzzle p;
  if (!pow::Parse(proof, /*with_nonce=*/true, p)) return false;
  const int64_t now = absl::ToUnixSeconds(clock_->Now());
  if (p.expiry <= now || p.expiry > now + absl::ToInt64Seconds(options_.ttl)) return false;
  // A puzzle offered at a lower level does not pay for this attempt.
  if (p.bits < BitsFor(level)) return false;
  if (!crypto::ConstantTimeEquals(Mac(p.bits, p.expiry, p.salt, source_ip), p.mac)) return false;
  if (pow::LeadingZeroBits(proof) < p.bits) return false;
  // Once: the first to remember the salt wins; a replay (or a store that
  // cannot say) is refused.
  const std::string seen = crypto::Hex(crypto::Sha256(absl::StrCat("pow:", p.salt)));
  return db_
      ->Transact(
          store::TxMode::kWrite,
          [&](store::Tx& tx) { return store::clients::RememberProof(tx, seen, p.expiry * 1000); })
      .ok();
}

}  // namespace iam::auth
