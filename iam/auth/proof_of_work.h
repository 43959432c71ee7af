// ProofOfWorkChallenge: the built-in human challenge, with no third party.
// A puzzle is signed, not stored:
//     "pow1.<bits>.<expiry unix s>.<salt>.<mac>"
// where the MAC (HMAC-SHA256 under a key derived from the master key)
// covers the bits, the expiry, the salt and the client's address. The proof
// is "<puzzle>.<nonce>" whose SHA-256 starts with `bits` zero bits: about
// 2^bits hashes to find, one to check. Each failure past the point where
// the challenge is asked adds a bit (twice the work), up to a ceiling.
// A proof is accepted once: its salt is remembered in the store until the
// puzzle expires, on every replica. Thread-safe.
#ifndef IAM_AUTH_PROOF_OF_WORK_H_
#define IAM_AUTH_PROOF_OF_WORK_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "iam/auth/challenge.h"
#include "iam/common/clock.h"
#include "iam/common/pow_puzzle.h"
#include "iam/common/random.h"
#include "iam/store/database.h"

namespace iam::auth {

struct ProofOfWorkOptions {
  int base_bits = 16;  // about 65,000 hashes: well under a second in a page
  int max_bits = 22;   // about 4 million: seconds, for a source that keeps failing
  absl::Duration ttl = absl::Minutes(5);
};

class ProofOfWorkChallenge final : public ChallengeVerifier {
 public:
  // `key`: secret bytes (derived from the master key).
  ProofOfWorkChallenge(std::string key, const Clock* clock, Random* random, store::Database* db,
                       ProofOfWorkOptions options = {});

  ChallengeOffer Offer(const std::string& source_ip, int level) const override;
  bool Verify(absl::string_view proof, const std::string& source_ip, int level) const override;

  int BitsFor(int level) const;

 private:
  std::string Mac(int bits, int64_t expiry, absl::string_view salt,
                  const std::string& source_ip) const;

  std::string key_;
  const Clock* clock_;
  Random* random_;
  store::Database* db_;
  ProofOfWorkOptions options_;
};

}  // namespace iam::auth

#endif  // IAM_AUTH_PROOF_OF_WORK_H_
