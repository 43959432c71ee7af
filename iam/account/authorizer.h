// Authorizer: decides whether a caller may perform an admin action on an
// object of an account. The interface is what the policy engine will
// implement; AdminFlagAuthorizer is the interim rule set. Implementations are
// thread-safe.
#ifndef IAM_ACCOUNT_AUTHORIZER_H_
#define IAM_ACCOUNT_AUTHORIZER_H_

#include "absl/strings/string_view.h"
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "iam/account/caller.h"

namespace iam::account {

class Authorizer {
 public:
  virtual ~Authorizer() = default;
  // OK when allowed. NOT_FOUND when the target account is not the caller's
  // and the caller may not see it (its existence is not revealed);
  // PERMISSION_DENIED when the caller sees it but may not act.
  // `target_account_id` is empty for actions on no account (CreateAccount).
  virtual absl::Status Authorize(const Caller& caller, absl::string_view action,
                                 const std::string& target_account_id) const = 0;
};

// Administrators of an account manage that account; administrators of the
// system account also manage accounts (create, list, suspend, close) but
// never see inside other accounts: there is no super-account.
class AdminFlagAuthorizer final : public Authorizer {
 public:
  absl::Status Authorize(const Caller& caller, absl::string_view action,
                         const std::string& target_account_id) const override;
};

}  // namespace iam::account

#endif  // IAM_ACCOUNT_AUTHORIZER_H_
