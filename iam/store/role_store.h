// RoleStore: roles, their assignments to users and groups (optionally
// expiring), and separation-of-duties rules, inside a caller's transaction.
// Role and rule names are unique per account regardless of case. Stateless.
#ifndef IAM_STORE_ROLE_STORE_H_
#define IAM_STORE_ROLE_STORE_H_

#include <vector>

#include "iam/store/authz_records.h"
#include "iam/store/database.h"

namespace iam::store::roles {

// ALREADY_EXISTS for a name taken in the account.
absl::Status Insert(Tx& tx, const RoleRow& row);
absl::StatusOr<RoleRow> GetByName(Tx& tx, const std::string& account_id, const std::string& name);
absl::StatusOr<RoleRow> Get(Tx& tx, const std::string& id);
absl::StatusOr<std::vector<RoleRow>> List(Tx& tx, const std::string& account_id,
                                          const std::string& after_key, int limit);
// Removes the role and its assignments.
absl::Status Delete(Tx& tx, const std::string& id);

// Creates or replaces (new expiry) the assignment.
absl::Status Assign(Tx& tx, const RoleAssignmentRow& row);
// NOT_FOUND when there is no such assignment.
absl::Status Unassign(Tx& tx, const std::string& role_id, const PrincipalRef& p);
absl::StatusOr<std::vector<RoleAssignmentRow>> ListAssignmentsOfRole(Tx& tx,
                                                                     const std::string& role_id);
absl::StatusOr<std::vector<RoleAssignmentRow>> ListAssignmentsOf(Tx& tx, const PrincipalRef& p);
absl::StatusOr<std::vector<RoleAssignmentRow>> ListAssignmentsOfAccount(
    Tx& tx, const std::string& account_id);
absl::Status DeleteAssignmentsOf(Tx& tx, const PrincipalRef& p);

// The ids of the roles a user holds at `now`, directly or through a group.
absl::StatusOr<std::vector<std::string>> HeldRoleIds(Tx& tx, const std::string& user_id,
                                                     int64_t now);

absl::Status InsertSodRule(Tx& tx, const SodRuleRow& row);
absl::StatusOr<std::vector<SodRuleRow>> ListSodRules(Tx& tx, const std::string& account_id);
// NOT_FOUND when the account has no rule of that name.
absl::Status DeleteSodRule(Tx& tx, const std::string& account_id, const std::string& name);

absl::Status DeleteAllOfAccount(Tx& tx, const std::string& account_id);

}  // namespace iam::store::roles

#endif  // IAM_STORE_ROLE_STORE_H_
