// The human challenge the configuration asks for (challenge.kind), built
// and checked at start: a hosted service without its URL or secret, or a
// pass without a secret, stops iamd rather than locking users out later.
#ifndef IAM_SERVER_CHALLENGE_SETUP_H_
#define IAM_SERVER_CHALLENGE_SETUP_H_

#include <memory>

#include "absl/status/statusor.h"
#include "iam/auth/challenge.h"
#include "iam/common/clock.h"
#include "iam/common/config.h"
#include "iam/common/random.h"
#include "iam/net/http_fetcher.h"
#include "iam/store/database.h"

namespace iam::server {

struct ChallengeParts {
  std::string master_key;
  const Clock* clock;
  Random* random;
  store::Database* db;
  const net::HttpFetcher* fetcher;
};

// nullptr for "off".
absl::StatusOr<std::unique_ptr<auth::ChallengeVerifier>> MakeChallenge(const Config& config,
                                                                       const ChallengeParts& with);

}  // namespace iam::server

#endif  // IAM_SERVER_CHALLENGE_SETUP_H_
