// RoleService: roles (named bundles of policies: admin, developer,
// operator...), their assignment to users and groups, possibly until an
// expiry (just-in-time access that ends by itself), and the account's
// separation-of-duties rules. A role's policies are bound through
// authz::PolicyAdminService like a user's or a group's. Every change writes
// its audit record and bumps the account's authorization version in the
// same transaction. Thread-safe.
#ifndef IAM_ACCOUNT_ROLE_SERVICE_H_
#define IAM_ACCOUNT_ROLE_SERVICE_H_

#include <optional>
#include <string>
#include <vector>

#include "iam/account/mutation.h"
#include "iam/account/common.h"
#include "iam/store/authz_records.h"

namespace iam::account {

// A user or a group, by name.
struct PrincipalName {
  store::PrincipalType type = store::PrincipalType::kUser;
  std::string name;
};

struct RoleAssignmentView {
  std::string role;
  PrincipalName principal;
  std::optional<int64_t> expires_at;  // ms
  int64_t assigned_at = 0;
  std::string assigned_by;
  bool expired = false;
};

struct RoleView {
  store::RoleRow row;
  std::string arn;
  std::vector<RoleAssignmentView> assignments;
};

// A role a user holds, directly or through a group.
struct HeldRole {
  std::string role;
  std::string via_group;  // empty: directly
  std::optional<int64_t> expires_at;
};

struct SodRuleView {
  std::string name;
  std::vector<std::string> roles;
  int64_t created_at = 0;
};

inline constexpr size_t kMaxRoleName = 64;
// Temporary assignments last at most a year.
inline constexpr int64_t kMaxAssignmentMs = int64_t{366} * 24 * 3600 * 1000;

// When a role assignment ends: at a time, after a duration, or never.
struct AssignmentExpiry {
  std::optional<int64_t> at_ms;
  int64_t duration_seconds = 0;  // 0: none given
};

class RoleService {
 public:
  RoleService(store::Database& db, const Clock& clock, Random& random,
              const Mutations& mutations)
      : db_(db), clock_(clock), random_(random), mutations_(mutations) {}

  absl::StatusOr<RoleView> Create(const Caller& caller, const std::string& account_id,
                                  const std::string& name, const std::string& description);
  absl::StatusOr<RoleView> Get(const Caller& caller, const std::string& account_id,
                               const std::string& name);
  absl::StatusOr<Listing<RoleView>> List(const Caller& caller, const std::string& account_id,
                                         int page_size, const std::string& page_token);
  // Removes the role, its assignments and its policies. FAILED_PRECONDITION
  // while a separation-of-duties rule names it.
  absl::Status Delete(const Caller& caller, const std::string& account_id, const std::string& name);

  // Assigns (or re-assigns with a new expiry) the role, for good or until
  // `expiry` says: a time (ms) or a duration from now, not both, ahead and
  // within kMaxAssignmentMs. FAILED_PRECONDITION when it would break
  // separation of duties.
  absl::StatusOr<RoleAssignmentView> Assign(const Caller& caller, const std::string& account_id,
                                            const std::string& role, const PrincipalName& to,
                                            const AssignmentExpiry& expiry);
  absl::Status Unassign(const Caller& caller, const std::string& account_id,
                        const std::string& role, const PrincipalName& from);
  // The roles a user holds now, directly and through groups.
  absl::StatusOr<std::vector<HeldRole>> ListHeld(const Caller& caller,
                                                 const std::string& account_id,
                                                 const std::string& username);

  // FAILED_PRECONDITION when a user already holds two of the roles.
  absl::StatusOr<SodRuleView> CreateSodRule(const Caller& caller, const std::string& account_id,
                                            const std::string& name,
                                            const std::vector<std::string>& roles);
  absl::StatusOr<std::vector<SodRuleView>> ListSodRules(const Caller& caller,
                                                        const std::string& account_id);
  absl::Status DeleteSodRule(const Caller& caller, const std::string& account_id,
                             const std::string& name);

 private:
  // An operation on one role, or one separation-of-duties rule, its name checked.
  static Operation On(absl::string_view action, const std::string& account_id,
                      const std::string& role);
  static Operation OnRule(absl::string_view action, const std::string& account_id,
                          const std::string& rule);
  absl::StatusOr<RoleAssignmentView> ViewOf(store::Tx& tx, const std::string& role_name,
                                            const store::RoleAssignmentRow& row) const;

  store::Database& db_;
  const Clock& clock_;
  Random& random_;
  const Mutations& mutations_;
};

// The principal a PrincipalName designates, in the account. NOT_FOUND when
// there is no such user or group; INVALID_ARGUMENT for a bad type or name.
absl::StatusOr<store::PrincipalRef> ResolvePrincipal(store::Tx& tx, const std::string& account_id,
                                                     const PrincipalName& p);
absl::Status CheckPrincipalName(const PrincipalName& p, bool allow_role);

}  // namespace iam::account

#endif  // IAM_ACCOUNT_ROLE_SERVICE_H_
