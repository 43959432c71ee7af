// AccessKeyService: access keys (id + 256-bit secret, shown once, stored as
// a SHA-256 hash) for services and admins, and the authentication of a
// presented key. Thread-safe.
#ifndef IAM_ACCOUNT_ACCESS_KEY_SERVICE_H_
#define IAM_ACCOUNT_ACCESS_KEY_SERVICE_H_

#include "absl/strings/string_view.h"
#include <optional>
#include <map>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "iam/account/common.h"
#include "iam/account/mutation.h"
#include "iam/account/pii_cipher.h"
#include "iam/account/request_signing.h"
#include "iam/store/access_key_store.h"
#include "iam/store/records.h"

namespace iam::account {

struct NewAccessKey {
  std::string username;
  std::string description;
  std::optional<absl::Time> expires_at;
  std::vector<std::string> allowed_cidrs;
  // "<key id>.<secret>" to adopt instead of drawing one (unattended
  // bootstrap only); empty to draw.
  std::string preset_token;
};

struct AccessKeyView {
  store::AccessKeyRow row;
  std::string username;
  std::string state;  // "active", "revoked", "expired"
};

struct CreatedAccessKey {
  AccessKeyView key;
  std::string token;  // "<key id>.<secret>", the only time it exists in clear
};

class AccessKeyService {
 public:
  // credentials and outage may be null: no cache of authenticated keys, no
  // stale answers while the store is out.
  // pii may be null too: keys made then cannot sign requests.
  AccessKeyService(store::Database& db, const Clock& clock, Random& random,
                   const Mutations& mutations, const AccountSettings& settings,
                   CredentialCache* credentials, StoreOutage* outage,
                   const PiiCipher* pii = nullptr)
      : db_(db),
        clock_(clock),
        random_(random),
        mutations_(mutations),
        settings_(settings),
        credentials_(credentials),
        outage_(outage),
        pii_(pii) {}

  // FAILED_PRECONDITION when the user has the maximum of active keys.
  absl::StatusOr<CreatedAccessKey> Create(const Caller& caller, const std::string& account_id,
                                          const NewAccessKey& key);
  // Every key of the account, or of one user when username is not empty.
  absl::StatusOr<std::vector<AccessKeyView>> List(const Caller& caller,
                                                  const std::string& account_id,
                                                  const std::string& username);
  absl::StatusOr<AccessKeyView> Revoke(const Caller& caller, const std::string& account_id,
                                       const std::string& key_id);

  // The caller behind a bearer token "<key id>.<secret>" presented from
  // source_ip. UNAUTHENTICATED, with one message for every reason (unknown,
  // wrong secret, revoked, expired, wrong source, user disabled, account not
  // active); the reason goes to *why when given, for the server's log.
  absl::StatusOr<Caller> Authenticate(absl::string_view token, const std::string& source_ip,
                                      const std::string& user_agent,
                                      std::string* why = nullptr) const;

  // The caller behind a signed request (request_signing.h): the method
  // called and the SHA-256 of its serialized request, as the server saw
  // them. UNAUTHENTICATED as above, and also for a stale timestamp or a
  // nonce already used with this key (on any replica).
  absl::StatusOr<Caller> AuthenticateSigned(const SignedAuthorization& authorization,
                                            const std::string& method,
                                            const std::string& body_sha256_hex,
                                            const std::string& source_ip,
                                            const std::string& user_agent,
                                            std::string* why = nullptr) const;

  AccessKeyView View(const store::AccessKeyRow& row, const std::string& username) const;

  // Validates and inserts a key for `user` inside tx (no authorization, no
  // audit): the shared step of CreateAccessKey, CreateAccount and bootstrap.
  absl::StatusOr<CreatedAccessKey> InsertInTx(store::Tx& tx, const store::UserRow& user,
                                              const NewAccessKey& key) const;

 private:
  absl::StatusOr<store::access_keys::KeyWithOwner> Lookup(const std::string& id) const;
  // The checks after the credential itself: state, expiry, source, owner.
  absl::StatusOr<Caller> Admit(const store::access_keys::KeyWithOwner& k,
                               const std::string& source_ip, const std::string& user_agent,
                               std::string* why) const;

  store::Database& db_;
  const Clock& clock_;
  Random& random_;
  const Mutations& mutations_;
  const AccountSettings& settings_;
  CredentialCache* credentials_;
  StoreOutage* outage_;
  const PiiCipher* pii_;
};

}  // namespace iam::account

#endif  // IAM_ACCOUNT_ACCESS_KEY_SERVICE_H_
