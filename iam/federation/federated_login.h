// FederatedLogin: a browser's login through an account's upstream OpenID
// Connect provider, up to the user it proves. Begin stores what the
// provider's answer must match (a random state, a nonce and a PKCE
// verifier, bound to the browser and the pending sign-in request, used
// once, for ten minutes) and answers where to send the browser. Complete
// takes that answer: the state (once, from the same browser), the code
// exchanged, the ID token verified, then the user it names here:
//
//   1. the user already linked to the upstream subject;
//   2. else an existing user, when the provider's link rule allows it:
//      "verified_email" (the upstream says the email is verified) or
//      "username"; never by an unverified email;
//   3. else, with provisioning "jit", a new user (the upstream username,
//      email, phone and name), linked;
//   4. else refused.
//
// The email domain rule applies first. Upstream groups named in the
// provider's group map set the user's membership of those groups here at
// each login (one audited change when anything changes). Refusals are
// audited as failed sts:Login attempts naming the provider; the login
// itself (the account's own rules after the upstream) is LoginService's.
//
// It is also the login's directory (auth::DirectoryPasswords): in an
// account with an enabled LDAP provider, the password of a user linked to
// it, of a user its link rule "username" names, or of a name unknown here
// is the directory's to check; the user found there is then resolved the
// same way (the directory's email counts as verified: the directory is the
// company's authority on it). Thread-safe.
#ifndef IAM_FEDERATION_FEDERATED_LOGIN_H_
#define IAM_FEDERATION_FEDERATED_LOGIN_H_

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "iam/account/mutation.h"
#include "iam/account/pii_cipher.h"
#include "iam/account/user_service.h"
#include "iam/audit/audit_log.h"
#include "iam/auth/login_service.h"
#include "iam/common/clock.h"
#include "iam/common/random.h"
#include "iam/federation/idp_service.h"
#include "iam/federation/ldap_directory.h"
#include "iam/federation/oidc_upstream.h"
#include "iam/store/database.h"

namespace iam::federation {

struct BeginRequest {
  std::string account_id;
  std::string provider;     // alias
  std::string request_id;   // the pending sign-in request
  std::string browser_id;
  std::string redirect_uri; // this account's callback
  std::string login_hint;
  std::string ui_locales;
};

struct CompleteRequest {
  std::string account_id;
  std::string state;
  std::string code;
  std::string error;  // the provider's error answer, if any
  std::string browser_id;
  std::string redirect_uri;
  std::string source_ip;
  std::string user_agent;
};

// Who the provider proved, here.
struct ProvenUser {
  std::string request_id;  // the sign-in request to continue
  std::string provider;
  std::string user_id;
  std::string username;
  bool upstream_mfa = false;  // trusted, and the upstream's amr says so
  bool created = false;       // just provisioned
};

// The claims an upstream gave, mapped by the provider's settings.
struct UpstreamProfile {
  std::string subject;
  std::string username;
  std::string email;
  bool email_verified = false;
  std::string phone;
  std::string display_name;
  std::vector<std::string> groups;
  std::vector<std::string> amr;
};

// Reads `claims` by `mapping`; INVALID_ARGUMENT when the subject is missing.
absl::StatusOr<UpstreamProfile> ProfileOf(const nlohmann::json& claims, const Mapping& mapping);

class FederatedLogin : public auth::DirectoryPasswords {
 public:
  FederatedLogin(store::Database& db, const Clock& clock, Random& random,
                 const account::PiiCipher& pii, const audit::AuditLog& audit,
                 const account::Mutations& mutations, const account::UserService& users,
                 const IdpService& idps, OidcUpstream* oidc)
      : db_(db), clock_(clock), random_(random), pii_(pii), audit_(audit),
        mutations_(mutations), users_(users), idps_(idps), oidc_(oidc) {}

  // Where to send the browser. NOT_FOUND for a provider that is not an
  // enabled OIDC provider of the account; UNAVAILABLE when it cannot be
  // reached.
  absl::StatusOr<std::string> Begin(const BeginRequest& request);

  // FAILED_PRECONDITION when the answer matches no login of this browser
  // (unknown, used, expired state: the sign-in must start again);
  // PERMISSION_DENIED with the reason when the provider or the account's
  // rules refuse (audited); UNAVAILABLE when the provider cannot be
  // reached.
  absl::StatusOr<ProvenUser> Complete(const CompleteRequest& request);

  absl::StatusOr<auth::DirectoryVerdict> Check(const std::string& account_id,
                                               const std::string& username,
                                               const std::string& password,
                                               const store::UserRow* known) override;

  // The periodic sync of an LDAP provider: each user linked to it is
  // looked up in the directory; one that is gone, outside the filter or
  // disabled there is disabled here (its sessions end), an administrator
  // excepted (kept, and said so in the record); the others' mapped groups
  // follow the directory's. New directory users are not created here:
  // their first login does. One iam:SyncDirectory record by iamd.
  struct SyncResult {
    int checked = 0;
    std::vector<std::string> disabled;  // usernames
    std::vector<std::string> kept;      // administrators the directory no longer has
  };
  absl::StatusOr<SyncResult> SyncDirectory(const std::string& account_id, const std::string& alias);
  // Every LDAP provider whose sync_interval_seconds has passed since this
  // replica last synced it (the maintenance loop calls this).
  void SyncDueDirectories();

  // `iamctl idp test` of an LDAP provider.
  LdapDirectory& directory() { return directory_; }

 private:
  absl::Status Refuse(const std::string& account, const std::string& provider,
                      const std::string& username, const CompleteRequest& r,
                      const std::string& reason);
  absl::StatusOr<ProvenUser> Resolve(const LoadedIdp& idp, const UpstreamProfile& profile);
  absl::Status SyncGroups(const LoadedIdp& idp, const std::string& user_id,
                          const UpstreamProfile& profile);

  store::Database& db_;
  const Clock& clock_;
  Random& random_;
  const account::PiiCipher& pii_;
  const audit::AuditLog& audit_;
  const account::Mutations& mutations_;
  const account::UserService& users_;
  const IdpService& idps_;
  OidcUpstream* oidc_;
  LdapDirectory directory_;
  std::mutex sync_mu_;
  std::map<std::string, int64_t> last_sync_ms_;  // by "<account>/<alias>"; guarded by sync_mu_
};

}  // namespace iam::federation

#endif  // IAM_FEDERATION_FEDERATED_LOGIN_H_
