// What AccountService::Bootstrap is asked and answers: on a store with no
// system account, it creates it with its first admin and an access key.
#ifndef IAM_ACCOUNT_BOOTSTRAP_H_
#define IAM_ACCOUNT_BOOTSTRAP_H_

#include <optional>
#include <string>

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

}  // namespace iam::account

#endif  // IAM_ACCOUNT_BOOTSTRAP_H_
