// AccountSnapshot: one account's authorization data at one version,
// compiled: every managed policy's default document parsed once, each
// group's and role's policies ready, and (loaded on first use, then kept)
// each user's identity policy set, boundary, roles and tags. Immutable
// apart from that per-user memo; shared across threads.
#ifndef IAM_AUTHZ_ACCOUNT_SNAPSHOT_H_
#define IAM_AUTHZ_ACCOUNT_SNAPSHOT_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "iam/audit/audit_policy.h"
#include "iam/store/database.h"
#include "iam/store/states.h"
#include "policy/policy_set.h"

namespace iam::authz {

using PolicyPtr = std::shared_ptr<const policy::Policy>;
using SetPtr = std::shared_ptr<const policy::PolicySet>;

// A policy as bound to a principal: its display name and parsed form.
struct BoundPolicy {
  std::string name;  // "ReadS3", "inline:Extra", "builtin:AdministratorAccess"
  std::string arn;   // managed and built-in policies; empty for inline ones
  PolicyPtr policy;
};

struct CompiledRole {
  std::string id;
  std::string name;
  std::string arn;
  std::vector<BoundPolicy> policies;
  SetPtr identity;
  SetPtr boundary;  // null: none
  std::string boundary_name;
};

struct RoleGrant {
  const CompiledRole* role = nullptr;
  std::optional<int64_t> expires_at;  // ms; none: until revoked
  std::string via_group;              // empty: assigned to the user directly
};

struct GroupData {
  std::string id;
  std::string name;
  std::string arn;
  std::vector<BoundPolicy> policies;
  std::vector<std::pair<std::string, std::optional<int64_t>>> roles;  // role id, expiry
};

struct UserAuthz {
  std::string id;
  std::string username;
  std::string arn;
  bool active = true;
  bool admin = false;
  std::vector<const GroupData*> groups;
  std::vector<BoundPolicy> policies;  // the user's own first, then its groups'
  size_t own_policies = 0;
  SetPtr identity;
  SetPtr boundary;  // null: none
  std::string boundary_name;
  std::vector<RoleGrant> roles;
  std::vector<std::pair<std::string, std::string>> tags;
  // The keys decisions about this user carry: aws:username, aws:userid,
  // aws:PrincipalAccount, aws:PrincipalArn, aws:PrincipalType and the
  // principal tags; the caller may state none of them.
  policy::Context principal_keys;
  std::vector<std::string> group_arns;
};

class AccountSnapshot {
 public:
  // Reads the account at its current version. `previous` (may be null)
  // lends the documents it parsed already, so a change re-parses only what
  // changed. NOT_FOUND for an unknown account.
  static absl::StatusOr<std::shared_ptr<const AccountSnapshot>> Load(
      store::Database& db, const std::string& account_id, const AccountSnapshot* previous);

  int64_t version() const { return version_; }
  const std::string& account_id() const { return account_id_; }
  bool active() const { return state_ == store::AccountState::kActive; }
  store::AccountState state() const { return state_; }
  // Which decisions about this account's principals are recorded.
  const audit::AuditPolicy& audit_policy() const { return audit_policy_; }
  size_t policy_count() const { return policies_.size(); }
  const absl::flat_hash_map<std::string, CompiledRole>& roles() const { return roles_; }
  const absl::flat_hash_map<std::string, GroupData>& groups() const { return groups_; }

  // The user (by name, case-insensitive, or by id when `by_id`), loaded from
  // the store on first use. NOT_FOUND when the account has no such user.
  absl::StatusOr<std::shared_ptr<const UserAuthz>> User(store::Database& db, const std::string& key,
                                                        bool by_id = false) const;

  // The parsed default document of a managed or built-in policy id.
  const BoundPolicy* FindPolicy(const std::string& policy_id) const;

 private:
  AccountSnapshot() = default;
  absl::StatusOr<std::shared_ptr<const UserAuthz>> LoadUser(store::Database& db,
                                                            const std::string& key,
                                                            bool by_id) const;

  int64_t version_ = 0;
  std::string account_id_;
  store::AccountState state_ = store::AccountState::kActive;
  audit::AuditPolicy audit_policy_;
  absl::flat_hash_map<std::string, BoundPolicy> policies_;  // by policy id
  absl::flat_hash_map<std::string, int64_t> policy_versions_;
  absl::flat_hash_map<std::string, GroupData> groups_;    // by group id
  absl::flat_hash_map<std::string, CompiledRole> roles_;  // by role id

  static constexpr size_t kMaxCachedUsers = 100000;
  mutable absl::Mutex mu_;
  mutable absl::flat_hash_map<std::string, std::shared_ptr<const UserAuthz>> users_
      ABSL_GUARDED_BY(mu_);
};

// Parses a stored identity policy document with statement labels that
// name it ("policy/ReadS3@v2.Statement[0] (Sid)"). DATA_LOSS when a stored
// document no longer parses.
absl::StatusOr<PolicyPtr> ParseStored(const std::string& document, const std::string& label);

// How the user holds its i-th policy: "user" (its own) or "group:<name>".
std::string PolicyVia(const UserAuthz& user, size_t i);

SetPtr CompileAll(const std::vector<const BoundPolicy*>& policies);

}  // namespace iam::authz

#endif  // IAM_AUTHZ_ACCOUNT_SNAPSHOT_H_
