// LdapDirectory: an account's LDAP directory (OpenLDAP, Active Directory)
// checking a password, through OpenLDAP's client library. A login looks the
// user up with the service's own bind (under the provider's base and
// filter, exactly one entry), refuses one the disabled filter matches,
// binds as the user with the password typed (the directory keeps the
// password; an empty one is refused before any bind, since LDAP takes an
// empty password for an anonymous bind), then reads the user's groups.
//
// Connections are pooled per directory and service bind, and reused: a
// connection a user bound on is bound as the service again before it goes
// back. Every operation has the provider's timeout; TLS (ldaps:// or
// StartTLS) checks the directory's certificate against the provider's CA
// file, or the system's. A directory that cannot be reached, answers too
// late or fails TLS is UNAVAILABLE, never a wrong password. Thread-safe.
#ifndef IAM_FEDERATION_LDAP_DIRECTORY_H_
#define IAM_FEDERATION_LDAP_DIRECTORY_H_

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "iam/federation/identity_provider.h"

namespace iam::federation {

struct DirectoryUser {
  std::string dn;
  std::string subject;  // the attributes' subject (entryUUID): stable across renames
  std::string username;
  std::string email;
  std::string phone;
  std::string display_name;
  std::vector<std::string> groups;
};

class LdapDirectory {
 public:
  explicit LdapDirectory(size_t max_idle_per_directory = 4);
  ~LdapDirectory();
  LdapDirectory(const LdapDirectory&) = delete;
  LdapDirectory& operator=(const LdapDirectory&) = delete;

  // The user, once the directory accepted the password. NOT_FOUND when no
  // entry (or more than one) matches the filter; PERMISSION_DENIED for a
  // wrong password or a disabled user (the message says which);
  // UNAVAILABLE when the directory cannot answer; FAILED_PRECONDITION
  // when it refuses the service's own bind (a settings problem).
  absl::StatusOr<DirectoryUser> Authenticate(const LdapSettings& settings,
                                             const std::string& bind_password,
                                             const std::string& username,
                                             const std::string& password);

  // Every user the filter admits (up to `max_users`), by subject, and the
  // subjects of those the disabled filter matches: what the periodic sync
  // compares the linked users with. Groups are not read here.
  struct Snapshot {
    std::map<std::string, DirectoryUser> users;
    std::vector<std::string> disabled;
  };
  absl::StatusOr<Snapshot> Users(const LdapSettings& settings, const std::string& bind_password,
                                 int max_users = 10000);
  // The names of the groups of the entry `dn`.
  absl::StatusOr<std::vector<std::string>> GroupsOf(const LdapSettings& settings,
                                                    const std::string& bind_password,
                                                    const std::string& dn);

  // For `iamctl idp test`: the connection and TLS, the service's bind,
  // and, with a username, the lookup (and with a password, the user's
  // bind); one finding a line.
  absl::Status Probe(const LdapSettings& settings, const std::string& bind_password,
                     const std::string& username, const std::string& password,
                     std::vector<std::string>* findings);

  // Connections made so far (for tests: the pool reuses them).
  uint64_t connects() const;

  struct Connection;

 private:
  absl::StatusOr<std::unique_ptr<Connection>> Acquire(const LdapSettings& s,
                                                      const std::string& bind_password);
  void Release(const LdapSettings& s, const std::string& bind_password,
               std::unique_ptr<Connection> c);
  // Connections bound with another password (the secret was changed) are
  // never handed out for this one.
  static std::string PoolKey(const LdapSettings& s, const std::string& bind_password);

  const size_t max_idle_;
  mutable std::mutex mu_;
  std::map<std::string, std::vector<std::unique_ptr<Connection>>> idle_;  // guarded by mu_
  uint64_t connects_ = 0;                                                // guarded by mu_
};

// RFC 4515: a value made safe inside a search filter.
std::string EscapeFilterValue(const std::string& value);

}  // namespace iam::federation

#endif  // IAM_FEDERATION_LDAP_DIRECTORY_H_
