// The human challenge asked after a few failed logins (or from a source
// failing against many names): what a client is offered, and how its proof
// is checked. Three kinds, one chosen per deployment:
//
//  - ProofOfWorkChallenge (proof_of_work.h), the default: needs no third
//    party. The page's script (or iamctl) spends CPU on a signed puzzle;
//    it does not tell a human from a machine, it makes guessing costly,
//    more so as failures grow.
//  - HostedChallenge (hosted_challenge.h): a captcha service (Turnstile,
//    hCaptcha, reCAPTCHA and others with a siteverify-style endpoint).
//  - HmacChallengeVerifier, below: a front end that runs its own captcha
//    and, once the human passed, mints a short-lived pass bound to the
//    client's address with a shared secret:
//        "<expiry unix seconds>.<hex HMAC-SHA256(secret, expiry + "|" + ip)>"
//
// Implementations are thread-safe.
#ifndef IAM_AUTH_CHALLENGE_H_
#define IAM_AUTH_CHALLENGE_H_

#include <string>

#include "absl/strings/string_view.h"
#include "iam/common/clock.h"

namespace iam::auth {

// What a client needs to solve the challenge.
struct ChallengeOffer {
  std::string kind;  // "proof-of-work", "hosted" or "pass"
  // proof-of-work: the puzzle and how many leading zero bits the SHA-256 of
  // "<puzzle>.<nonce>" must have; the proof is "<puzzle>.<nonce>".
  std::string puzzle;
  int bits = 0;
  // hosted: the widget's script, the site key it shows, and the form field
  // the widget fills with its response (the proof).
  std::string script_url;
  std::string site_key;
  std::string response_field;
};

class ChallengeVerifier {
 public:
  virtual ~ChallengeVerifier() = default;
  // `level` grows with the failures past the point where the challenge is
  // asked (0 at first); a verifier may ask more work of a higher level.
  virtual ChallengeOffer Offer(const std::string& source_ip, int level) const = 0;
  // Whether `proof` solves a challenge offered to this address at this
  // level (or harder), and was not presented before.
  virtual bool Verify(absl::string_view proof, const std::string& source_ip, int level) const = 0;
};

class HmacChallengeVerifier final : public ChallengeVerifier {
 public:
  HmacChallengeVerifier(std::string secret, const Clock* clock)
      : secret_(std::move(secret)), clock_(clock) {}
  ChallengeOffer Offer(const std::string& source_ip, int level) const override;
  bool Verify(absl::string_view proof, const std::string& source_ip, int level) const override;

  // The pass a front end would mint, valid until `expiry`.
  static std::string Mint(absl::string_view secret, int64_t expiry_unix,
                          const std::string& source_ip);

 private:
  std::string secret_;
  const Clock* clock_;
};

}  // namespace iam::auth

#endif  // IAM_AUTH_CHALLENGE_H_
