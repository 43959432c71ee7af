// AccountService: tenants. Create (with the account's first admin and its
// access key), get, list, suspend, reactivate, close, and the purge of closed
// accounts once their grace period has run out. Every change writes audit
// records in the same transaction: in the system account's chain (the
// operator acted) and in the account's own. Thread-safe.
#ifndef IAM_ACCOUNT_ACCOUNT_SERVICE_H_
#define IAM_ACCOUNT_ACCOUNT_SERVICE_H_

#include "absl/strings/string_view.h"
#include "iam/account/access_key_service.h"
#include "iam/account/bootstrap.h"
#include "iam/account/common.h"
#include "iam/account/mutation.h"
#include "iam/account/user_service.h"
#include "iam/store/records.h"

namespace iam::account {

struct NewAccount {
  std::string name;
  std::string display_name;
  std::string admin_username = "admin";
  std::string admin_email;
};

struct CreatedAccount {
  store::AccountRow account;
  UserView admin;
  CreatedAccessKey admin_key;
};

class AccountService {
 public:
  AccountService(store::Database& db, const Clock& clock, Random& random,
                 const Mutations& mutations, const AccountSettings& settings,
                 const UserService& users, const AccessKeyService& keys)
      : db_(db),
        clock_(clock),
        random_(random),
        mutations_(mutations),
        settings_(settings),
        users_(users),
        keys_(keys) {}

  // ALREADY_EXISTS when the name is taken.
  absl::StatusOr<CreatedAccount> Create(const Caller& caller, const NewAccount& account);
  absl::StatusOr<store::AccountRow> Get(const Caller& caller, const std::string& account_id);
  absl::StatusOr<Listing<store::AccountRow>> List(const Caller& caller, int page_size,
                                                  const std::string& page_token);
  // FAILED_PRECONDITION for the system account, or a state the change does
  // not apply to (suspending a closed account, reactivating a purged one).
  absl::StatusOr<store::AccountRow> Suspend(const Caller& caller, const std::string& account_id,
                                            const std::string& reason);
  // Brings back a suspended account, or a closed one within its grace period.
  absl::StatusOr<store::AccountRow> Reactivate(const Caller& caller,
                                               const std::string& account_id);
  absl::StatusOr<store::AccountRow> Close(const Caller& caller, const std::string& account_id,
                                          const std::string& reason);

  // Destroys the users, groups, memberships and access keys of every account
  // closed for longer than the grace period, and marks it purged. Returns how
  // many accounts were purged. The audit trail is kept.
  absl::StatusOr<int> PurgeClosedAccounts();

  // When a closed account's data will be destroyed.
  int64_t PurgeTime(const store::AccountRow& row) const;

  // On a store with no system account, creates it with its first admin and
  // an access key (bootstrap.cc). Safe to run at every start and on every
  // replica at once: exactly one creates, the rest find it.
  absl::StatusOr<BootstrapResult> Bootstrap(const BootstrapOptions& options) const;

 private:
  absl::StatusOr<BootstrapResult> BootstrapOnce(const BootstrapOptions& options) const;
  absl::StatusOr<store::AccountRow> Transition(const Caller& caller,
                                               const std::string& account_id,
                                               absl::string_view action,
                                               const std::string& reason);

  store::Database& db_;
  const Clock& clock_;
  Random& random_;
  const Mutations& mutations_;
  const AccountSettings& settings_;
  const UserService& users_;
  const AccessKeyService& keys_;
};

}  // namespace iam::account

#endif  // IAM_ACCOUNT_ACCOUNT_SERVICE_H_
