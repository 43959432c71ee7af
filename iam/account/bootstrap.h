// Bootstrap: on a store with no system account, creates it with its first
// admin and an access key. Safe to run at every start and on every replica
// at once: exactly one creates, the rest find it.
#ifndef IAM_ACCOUNT_BOOTSTRAP_H_
#define IAM_ACCOUNT_BOOTSTRAP_H_

#include <optional>
#include <string>

#include "iam/account/service_context.h"

namespace iam::account {

struct BootstrapOptions {
  std::string admin_username = "admin";
  // "<key id>.<secret>" to use instead of a drawn key (unattended installs).
  std::string preset_access_key;
};

struct BootstrapResult {
  std::string account_id;
  std::string admin_username;
  // Set only when this call created the system account: the one time the
  // key exists in clear.
  std::optional<std::string> access_key_token;
};

absl::StatusOr<BootstrapResult> Bootstrap(const ServiceContext& ctx,
                                          const BootstrapOptions& options);

}  // namespace iam::account

#endif  // IAM_ACCOUNT_BOOTSTRAP_H_
