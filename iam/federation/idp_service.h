// IdpService: an account's upstream identity providers, as administrators
// manage them. Every change runs through Mutations (admin authorization as
// iam:CreateIdentityProvider..., one audit record, one transaction). The
// provider's secret (an OIDC client secret, an LDAP bind password) is
// sealed under the master key, bound to the account and alias so that a
// sealed value copied to another provider does not open; it is never
// returned, and audit records say only whether one is set.
// Thread-safe.
#ifndef IAM_FEDERATION_IDP_SERVICE_H_
#define IAM_FEDERATION_IDP_SERVICE_H_

#include <optional>
#include <string>
#include <vector>

#include "iam/account/caller.h"
#include "iam/account/mutation.h"
#include "iam/account/pii_cipher.h"
#include "iam/common/clock.h"
#include "iam/federation/identity_provider.h"
#include "iam/store/idp_store.h"

namespace iam::federation {

struct IdpView {
  std::string account_id;
  IdentityProvider provider;
  bool has_secret = false;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

// What a login needs of a provider: its settings and its secret in clear.
struct LoadedIdp {
  std::string account_id;
  IdentityProvider provider;
  std::string secret;
};

// Changes to the secret in an update.
struct SecretChange {
  std::optional<std::string> set;  // a new secret
  bool clear = false;              // remove it
};

class IdpService {
 public:
  IdpService(store::Database& db, const Clock& clock, const account::PiiCipher& sealer,
             const account::Mutations& mutations)
      : db_(db), clock_(clock), sealer_(sealer), mutations_(mutations) {}

  absl::StatusOr<IdpView> Create(const account::Caller& caller, const std::string& account_id,
                                 const nlohmann::json& config, const std::string& secret);
  absl::StatusOr<IdpView> Get(const account::Caller& caller, const std::string& account_id,
                              const std::string& alias);
  absl::StatusOr<std::vector<IdpView>> List(const account::Caller& caller,
                                            const std::string& account_id);
  // `config` replaces the settings as a whole (the alias and kind stay).
  absl::StatusOr<IdpView> Update(const account::Caller& caller, const std::string& account_id,
                                 const std::string& alias, const nlohmann::json& config,
                                 const SecretChange& secret);
  absl::Status Delete(const account::Caller& caller, const std::string& account_id,
                      const std::string& alias);
  // For `test`: the provider and its secret, after iam:TestIdentityProvider
  // is allowed.
  absl::StatusOr<LoadedIdp> LoadForTest(const account::Caller& caller,
                                        const std::string& account_id, const std::string& alias);

  // For logins (no caller: the login itself is the check). NOT_FOUND for
  // a provider that does not exist or is disabled.
  absl::StatusOr<LoadedIdp> Load(store::Tx& tx, const std::string& account_id,
                                 const std::string& alias) const;
  // The enabled providers of an account, for the login page.
  static absl::StatusOr<std::vector<IdentityProvider>> Enabled(store::Tx& tx,
                                                                const std::string& account_id);

 private:
  std::string Binding(const std::string& account, const std::string& alias) const;
  absl::StatusOr<IdpView> ViewOf(const store::IdentityProviderRow& row) const;

  store::Database& db_;
  const Clock& clock_;
  const account::PiiCipher& sealer_;
  const account::Mutations& mutations_;
};

}  // namespace iam::federation

#endif  // IAM_FEDERATION_IDP_SERVICE_H_
