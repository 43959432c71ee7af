// Whom a Check is about. A request names its principal one of three ways:
// an access token (the decision is for the token's user, with the keys the
// token establishes), a user or anonymous by name (the caller must be
// allowed authz:Check, or authz:Explain, on that principal), or nothing (the
// caller itself). One resolver serves a whole batch and remembers what it
// verified, so a batch about one principal verifies its token and the
// caller's right to ask once. Not thread-safe: one per request.
#ifndef IAM_AUTHZ_CHECK_PRINCIPAL_H_
#define IAM_AUTHZ_CHECK_PRINCIPAL_H_

#include <functional>
#include <string>
#include <variant>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "iam/account/caller.h"
#include "iam/authz/decider.h"
#include "iam/token/token_service.h"

namespace iam::authz {

struct NamedPrincipal {
  std::string account_id;  // empty: the caller's account
  std::string username;
  bool anonymous = false;
};

// What one check names: a token, or a principal, or neither.
struct PrincipalRequest {
  std::string token;
  const NamedPrincipal* named = nullptr;
  std::string audience;  // the token's expected audience
  bool explain = false;  // asks authz:Explain rather than authz:Check
  // For a DPoP-bound token: the proof, and the request it was made for.
  std::string dpop_proof;
  std::string http_method;
  std::string http_uri;
};

// The principal of a check, as CheckInput takes it.
struct CheckPrincipal {
  std::string account_id;
  std::string user;  // a name, or an id when by_id
  bool by_id = false;
  bool anonymous = false;
  std::vector<ContextKey> trusted;
};

// The token is invalid or expired, or its session ended, or it is bound to
// a key the request did not prove: the check is denied, not failed.
struct TokenRejected {
  std::string why;
};

using PrincipalOutcome = std::variant<CheckPrincipal, TokenRejected>;

class CheckPrincipals {
 public:
  using AuthorizeFn =
      std::function<absl::Status(const account::Caller& caller, const std::string& action,
                                 const std::string& account, const std::string& resource)>;

  CheckPrincipals(token::TokenService* tokens, AuthorizeFn authorize, absl::Time now)
      : tokens_(tokens), authorize_(std::move(authorize)), now_(now) {}

  // Errors name `field` (a batch's "checks[3].").
  absl::StatusOr<PrincipalOutcome> Resolve(const account::Caller& caller,
                                           const PrincipalRequest& request,
                                           absl::FunctionRef<std::string()> field);

 private:
  absl::StatusOr<PrincipalOutcome> OfToken(const PrincipalRequest& request);
  absl::StatusOr<PrincipalOutcome> OfName(const account::Caller& caller,
                                          const PrincipalRequest& request,
                                          absl::FunctionRef<std::string()> field);
  absl::StatusOr<PrincipalOutcome> OfCaller(const account::Caller& caller, bool explain);
  absl::Status MayAsk(const account::Caller& caller, const std::string& action,
                      const std::string& account, const std::string& resource);

  token::TokenService* tokens_;
  AuthorizeFn authorize_;
  absl::Time now_;
  // Proofs checked in this request (a batch repeats one), by proof text.
  absl::flat_hash_map<std::string, absl::Status> proofs_;
  absl::flat_hash_map<std::string, absl::StatusOr<token::VerifiedToken>> verified_;
  absl::flat_hash_map<std::string, absl::Status> allowed_;
};

}  // namespace iam::authz

#endif  // IAM_AUTHZ_CHECK_PRINCIPAL_H_
