#include "iam/authz/check_principal.h"

#include "absl/strings/str_cat.h"
#include "iam/account/authorizer.h"
#include "iam/authz/credential_context.h"
#include "iam/common/status_macros.h"

namespace iam::authz {

absl::StatusOr<PrincipalOutcome> CheckPrincipals::Resolve(const account::Caller& caller,
                                                          const PrincipalRequest& request,
                                                          absl::FunctionRef<std::string()> field) {
  if (!request.token.empty()) return OfToken(request);
  if (request.named != nullptr) return OfName(caller, request, field);
  return OfCaller(caller, request.explain);
}

absl::StatusOr<PrincipalOutcome> CheckPrincipals::OfToken(const PrincipalRequest& request) {
  auto it = verified_.find(request.token);
  if (it == verified_.end()) {
    it = verified_.emplace(request.token, tokens_->Verify(request.token, request.audience, true))
             .first;
  }
  const auto& verified = it->second;
  if (!verified.ok() || !verified->session_active) {
    if (verified.ok() || absl::IsUnauthenticated(verified.status())) {
      return TokenRejected{"the token is invalid or expired, or its session ended"};
    }
    return verified.status();
  }
  const token::Claims& c = verified->claims;
  if (!c.cnf_jkt.empty()) {
    // A sender-constrained token: its holder must prove the key.
    if (request.dpop_proof.empty()) {
      return TokenRejected{"the token is DPoP-bound and no proof came with it"};
    }
    auto memo = proofs_.find(request.dpop_proof);
    if (memo == proofs_.end()) {
      absl::Status s;
      auto proof = token::VerifyDpopProof(
          request.dpop_proof, {request.http_method, request.http_uri, request.token},
          absl::ToUnixSeconds(now_));
      if (!proof.ok()) {
        s = proof.status();
      } else if (proof->jkt != c.cnf_jkt) {
        s = absl::InvalidArgumentError("DPoP proof: signed by another key than the token's");
      } else {
        s = tokens_->RememberProof(*proof);
        if (absl::IsAlreadyExists(s)) s = absl::InvalidArgumentError("DPoP proof: used before");
      }
      memo = proofs_.emplace(request.dpop_proof, s).first;
    }
    if (absl::IsUnavailable(memo->second)) return memo->second;
    if (!memo->second.ok()) return TokenRejected{std::string(memo->second.message())};
  }
  return CheckPrincipal{c.account, c.sub, true, false, SessionContext(SessionOf(c), now_)};
}

absl::StatusOr<PrincipalOutcome> CheckPrincipals::OfName(const account::Caller& caller,
                                                         const PrincipalRequest& request,
                                                         absl::FunctionRef<std::string()> field) {
  const NamedPrincipal& named = *request.named;
  const std::string account = named.account_id.empty() ? caller.account_id : named.account_id;
  // Another account's principals are not there, as far as this caller knows.
  if (account != caller.account_id) return absl::NotFoundError(field() + "principal not found");
  CheckPrincipal out{account, "", false, named.anonymous, {}};
  if (!named.anonymous) {
    if (named.username.empty()) {
      return absl::InvalidArgumentError(field() + "principal.username: required");
    }
    out.user = named.username;
  }
  const std::string resource =
      account::IamArn(account, named.anonymous ? std::string("anonymous") : "user/" + out.user);
  RETURN_IF_ERROR(
      MayAsk(caller, request.explain ? "authz:Explain" : "authz:Check", account, resource));
  return out;
}

absl::StatusOr<PrincipalOutcome> CheckPrincipals::OfCaller(const account::Caller& caller,
                                                           bool explain) {
  CheckPrincipal out{caller.account_id, caller.user_id, true, false, {}};
  // The caller's address is the request's (or the one it states), not a
  // key about the principal.
  for (auto& k : CallerContext(caller, now_)) {
    if (k.key != "aws:SourceIp") out.trusted.push_back(std::move(k));
  }
  if (explain) {
    RETURN_IF_ERROR(MayAsk(caller, "authz:Explain", caller.account_id,
                           account::UserArn(caller.account_id, caller.username)));
  }
  return out;
}

absl::Status CheckPrincipals::MayAsk(const account::Caller& caller, const std::string& action,
                                     const std::string& account, const std::string& resource) {
  const std::string memo = action + resource;
  auto it = allowed_.find(memo);
  if (it == allowed_.end()) {
    it = allowed_.emplace(memo, authorize_(caller, action, account, resource)).first;
  }
  return it->second;
}

}  // namespace iam::authz
