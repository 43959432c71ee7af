#include "iam/server/challenge_setup.h"

#include "absl/strings/match.h"
#include "iam/auth/hosted_challenge.h"
#include "iam/auth/proof_of_work.h"
#include "iam/common/crypto.h"

namespace iam::server {

absl::StatusOr<std::unique_ptr<auth::ChallengeVerifier>> MakeChallenge(const Config& config,
                                                                       const ChallengeParts& with) {
  std::string kind = config.challenge_kind;
  if (kind.empty()) kind = config.challenge_secret.empty() ? "proof-of-work" : "pass";
  if (kind == "off") return nullptr;
  if (kind == "proof-of-work") {
    if (config.challenge_pow_bits < 1 || config.challenge_pow_bits > 22) {
      return absl::InvalidArgumentError("challenge.pow_bits: must be 1..22");
    }
    auth::ProofOfWorkOptions o;
    o.base_bits = static_cast<int>(config.challenge_pow_bits);
    return std::make_unique<auth::ProofOfWorkChallenge>(
        crypto::Hkdf(with.master_key, "iam login challenge v1", 32), with.clock, with.random,
        with.db, o);
  }
  if (kind == "pass") {
    if (config.challenge_secret.empty()) {
      return absl::InvalidArgumentError(
          "challenge.kind pass: IAM_CHALLENGE_SECRET must hold the front end's secret");
    }
    return std::make_unique<auth::HmacChallengeVerifier>(config.challenge_secret, with.clock);
  }
  if (kind == "hosted") {
    if (config.challenge_secret.empty() || config.challenge_verify_url.empty() ||
        config.challenge_script_url.empty() || config.challenge_site_key.empty() ||
        config.challenge_response_field.empty()) {
      return absl::InvalidArgumentError(
          "challenge.kind hosted: set challenge.verify_url, challenge.script_url, "
          "challenge.site_key, challenge.response_field and IAM_CHALLENGE_SECRET");
    }
    if (!absl::StartsWith(config.challenge_script_url, "https://")) {
      return absl::InvalidArgumentError("challenge.script_url: must be an https URL");
    }
    auth::HostedChallengeOptions o{config.challenge_verify_url, config.challenge_secret,
                                   config.challenge_site_key, config.challenge_script_url,
                                   config.challenge_response_field};
    return std::make_unique<auth::HostedChallenge>(std::move(o), with.fetcher);
  }
  return absl::InvalidArgumentError("challenge.kind: one of proof-of-work, hosted, pass, off");
}

}  // namespace iam::server
