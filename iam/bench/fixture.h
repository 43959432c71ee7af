// The world a load run needs, created through the admin API and removed
// afterwards: a fresh account whose user holds N managed policies, the
// account admin's access key (the service calling Check), the user's access
// token (for VerifyToken and token checks), and a mix of checks whose
// answers are known, verified once before any load is offered.
#ifndef IAM_BENCH_FIXTURE_H_
#define IAM_BENCH_FIXTURE_H_

#include <grpcpp/channel.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "iam/v1/authz_service.pb.h"

namespace iam::bench {

struct Target {
  std::string address;
  bool tls = false;
  std::string ca_file;
};

// A channel of its own (its own connection), so that worker threads do not
// share one HTTP/2 connection.
absl::StatusOr<std::shared_ptr<grpc::Channel>> Connect(const Target& target, int index);

struct Fixture {
  std::string account_id;
  std::string admin_key;     // "<key id>.<secret>" of the account's admin
  std::string username;      // the user the checks are about
  std::string password;      // that user's
  std::string access_token;  // that user's, from a real login
  // Allowed, implicitly denied and explicitly denied checks, interleaved.
  std::vector<v1::CheckRequest> checks;
};

// `root_key` must be allowed to create and close accounts. On failure,
// `f->account_id` says whether an account was created (and must be closed).
// `decision_log`: the account's audit policy for decisions ("none", "denies",
// "sampled" at 10%, "all").
absl::Status Provision(const std::shared_ptr<grpc::Channel>& channel, const std::string& root_key,
                       int policies, const std::string& decision_log, Fixture* f);

// An OAuth client of the fixture's account with the client_credentials
// grant (client_secret_basic); its secret.
absl::StatusOr<std::string> ProvisionClient(const std::shared_ptr<grpc::Channel>& channel,
                                            const Fixture& fixture, const std::string& client_id);

// A public client of the fixture's account for the browser sign-in
// (authorization_code with PKCE) that redirects to `redirect_uri`.
absl::Status ProvisionWebClient(const std::shared_ptr<grpc::Channel>& channel,
                                const Fixture& fixture, const std::string& client_id,
                                const std::string& redirect_uri);

// Closes the fixture's account.
absl::Status Teardown(const std::shared_ptr<grpc::Channel>& channel, const std::string& root_key,
                      const Fixture& fixture);

}  // namespace iam::bench

#endif  // IAM_BENCH_FIXTURE_H_
