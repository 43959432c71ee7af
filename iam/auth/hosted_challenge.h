// HostedChallenge: a captcha service's widget on the login page, and its
// answer checked server to server. The services that follow the
// "siteverify" convention (Cloudflare Turnstile, hCaptcha, Google
// reCAPTCHA, and others) take a form post of `secret`, `response` and
// `remoteip` and answer JSON whose `success` says whether the response is
// good; each response is good once, which the service enforces. A service
// that cannot be reached fails closed: the attempt is refused.
#ifndef IAM_AUTH_HOSTED_CHALLENGE_H_
#define IAM_AUTH_HOSTED_CHALLENGE_H_

#include <string>

#include "iam/auth/challenge.h"
#include "iam/net/http_fetcher.h"

namespace iam::auth {

struct HostedChallengeOptions {
  std::string verify_url;      // e.g. https://challenges.cloudflare.com/turnstile/v0/siteverify
  std::string secret;          // the site's secret, sent only to verify_url
  std::string site_key;        // shown in the page
  std::string script_url;      // the widget's script
  std::string response_field;  // the form field the widget fills
};

class HostedChallenge final : public ChallengeVerifier {
 public:
  // `fetcher` is borrowed and outlives this.
  HostedChallenge(HostedChallengeOptions options, const net::HttpFetcher* fetcher)
      : options_(std::move(options)), fetcher_(fetcher) {}

  ChallengeOffer Offer(const std::string& source_ip, int level) const override;
  bool Verify(absl::string_view proof, const std::string& source_ip, int level) const override;

 private:
  HostedChallengeOptions options_;
  const net::HttpFetcher* fetcher_;
};

}  // namespace iam::auth

#endif  // IAM_AUTH_HOSTED_CHALLENGE_H_
