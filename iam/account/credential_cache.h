// CredentialCache: who a credential belongs to, remembered for at most a
// second so that authenticating each authorization call does not read the
// store. Secrets are still compared and expiry still checked on every call;
// what is cached is the stored record. Every committed change to users,
// groups, accounts or keys through this replica clears it at once
// (Mutations::TransactAuthz); changes through other replicas show within the max age.
#ifndef IAM_ACCOUNT_CREDENTIAL_CACHE_H_
#define IAM_ACCOUNT_CREDENTIAL_CACHE_H_

#include <string>

#include "iam/common/fresh_cache.h"
#include "iam/store/access_key_store.h"

namespace iam::account {

// The standing of a token's subject: its user and account.
struct UserStanding {
  std::string account_id;
  std::string username;
  bool active = false;  // the user and its account
  bool is_admin = false;
  bool system_account = false;
};

class CredentialCache {
 public:
  static constexpr absl::Duration kMaxAge = absl::Seconds(1);
  static constexpr size_t kMaxEntries = 100000;

  explicit CredentialCache(const Clock* clock)
      : keys(clock, kMaxAge, kMaxEntries), users(clock, kMaxAge, kMaxEntries) {}

  void Clear() {
    keys.Clear();
    users.Clear();
  }

  FreshCache<store::access_keys::KeyWithOwner> keys;  // by key id
  FreshCache<UserStanding> users;                     // by user id
};

}  // namespace iam::account

#endif  // IAM_ACCOUNT_CREDENTIAL_CACHE_H_
