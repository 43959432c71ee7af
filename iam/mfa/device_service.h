// DeviceService: the devices users log in from. During a login it reads what
// the risk rules and device binding need (is the device known, approved,
// remembered with a valid device token; is the network usual) and, after a
// full login, learns the device and network and, when asked, remembers the
// device: a device token (CSPRNG, stored as a hash, bound to user and
// device id) that spares the second factor until it expires. Users list and
// revoke their own devices; administrators any user's, and approve devices
// where the account binds logins to approved devices. Audited. Thread-safe.
#ifndef IAM_MFA_DEVICE_SERVICE_H_
#define IAM_MFA_DEVICE_SERVICE_H_

#include <string>
#include <vector>

#include "iam/account/mutation.h"
#include "iam/account/common.h"
#include "iam/mfa/mfa_policy.h"
#include "iam/store/mfa_records.h"
#include "iam/store/records.h"

namespace iam::mfa {

struct DeviceFacts {
  bool approved = false;
  bool known = false;
  bool trusted = false;
  bool prefix_known = false;
};

// Where a login comes from.
struct LoginOrigin {
  std::string device_id;
  std::string source_ip;
  std::string user_agent;
};

class DeviceService {
 public:
  DeviceService(store::Database& db, const Clock& clock, Random& random,
                const audit::AuditLog& audit, const account::Mutations& mutations)
      : db_(db), clock_(clock), random_(random), audit_(audit), mutations_(mutations) {}

  absl::StatusOr<std::vector<store::DeviceRow>> List(const account::Caller& caller,
                                                     const std::string& account_id,
                                                     const std::string& username);
  // Forgets the device's trust and approval; its device token stops working.
  absl::Status Revoke(const account::Caller& caller, const std::string& account_id,
                      const std::string& username, const std::string& device_id);
  // Administrators: lets the device log in under device binding (it need
  // not have tried yet).
  absl::Status Approve(const account::Caller& caller, const std::string& account_id,
                       const std::string& username, const std::string& device_id);

  // Inside the login's transactions.
  absl::StatusOr<DeviceFacts> FactsInTx(store::Tx& tx, const store::UserRow& user,
                                        const LoginOrigin& origin,
                                        const std::string& device_token,
                                        const MfaPolicy& policy);
  // Records a device waiting for approval (audited once).
  absl::Status MarkPendingInTx(store::Tx& tx, const store::UserRow& user,
                               const LoginOrigin& origin);
  // After a full login: learns device and network; with `remember`, and
  // when the policy allows it, answers a new device token ("" otherwise).
  absl::StatusOr<std::string> LearnInTx(store::Tx& tx, const store::UserRow& user,
                                        const LoginOrigin& origin, const MfaPolicy& policy,
                                        bool remember);

 private:
  absl::StatusOr<store::UserRow> Target(store::Tx& tx, const account::Caller& caller,
                                        const std::string& account, const std::string& username,
                                        bool own);

  store::Database& db_;
  const Clock& clock_;
  Random& random_;
  const audit::AuditLog& audit_;
  const account::Mutations& mutations_;
};

// Whether the caller asks about themself (empty username, or their own).
bool OwnUser(const account::Caller& caller, const std::string& account,
             const std::string& username);

}  // namespace iam::mfa

#endif  // IAM_MFA_DEVICE_SERVICE_H_
