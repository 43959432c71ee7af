// PolicyAuthorizer: the admin API's authorization by the policy engine.
// Every admin RPC is an action on an ARN; the caller's policies decide
// (AdministratorAccess, attached to each account's first admin, allows
// everything). Tenant isolation holds before any policy is read: a caller
// acts only inside its own account, and only the system account's
// principals act on accounts as a whole. Thread-safe.
#ifndef IAM_AUTHZ_POLICY_AUTHORIZER_H_
#define IAM_AUTHZ_POLICY_AUTHORIZER_H_

#include "iam/account/authorizer.h"
#include "iam/authz/decider.h"

namespace iam::authz {

class PolicyAuthorizer final : public account::Authorizer {
 public:
  explicit PolicyAuthorizer(const Decider* decider) : decider_(decider) {}

  absl::Status Authorize(const account::Caller& caller, absl::string_view action,
                         const std::string& target_account_id,
                         const std::string& resource) const override;

 private:
  const Decider* decider_;
};

}  // namespace iam::authz

#endif  // IAM_AUTHZ_POLICY_AUTHORIZER_H_
