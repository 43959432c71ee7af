// ChallengeVerifier: checks the proof that a human solved a challenge
// (captcha) before a login attempt is allowed past the failure threshold.
// Pluggable: a deployment wires its captcha provider behind this interface.
//
// HmacChallengeVerifier is the one shipped: the front end that runs the
// captcha holds a shared secret and, once the human has passed, mints a
// short-lived pass bound to the client's address:
//     "<expiry unix seconds>.<hex HMAC-SHA256(secret, expiry + "|" + ip)>"
// Tests mint passes the same way. Implementations are thread-safe.
#ifndef IAM_AUTH_CHALLENGE_H_
#define IAM_AUTH_CHALLENGE_H_

#include <string>

#include "absl/strings/string_view.h"
#include "iam/common/clock.h"

namespace iam::auth {

class ChallengeVerifier {
 public:
  virtual ~ChallengeVerifier() = default;
  virtual bool Verify(absl::string_view proof, const std::string& source_ip) const = 0;
};

class HmacChallengeVerifier final : public ChallengeVerifier {
 public:
  HmacChallengeVerifier(std::string secret, const Clock* clock)
      : secret_(std::move(secret)), clock_(clock) {}
  bool Verify(absl::string_view proof, const std::string& source_ip) const override;

  // The pass a front end would mint, valid until `expiry`.
  static std::string Mint(absl::string_view secret, int64_t expiry_unix,
                          const std::string& source_ip);

 private:
  std::string secret_;
  const Clock* clock_;
};

}  // namespace iam::auth

#endif  // IAM_AUTH_CHALLENGE_H_
