#include "iam/store/role_store.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "iam/common/status_macros.h"
#include "iam/common/text.h"

namespace iam::store::roles {
namespace {

constexpr char kSelectRole[] = "SELECT id, account_id, name, description, created_at FROM roles ";

RoleRow RoleFrom(const Row& r) { return RoleRow{r.Str(0), r.Str(1), r.Str(2), r.Str(3), r.Int(4)}; }

constexpr char kSelectAssignment[] =
    "SELECT role_id, principal_type, principal_id, account_id, expires_at, assigned_at, "
    "assigned_by FROM role_assignments ";

RoleAssignmentRow AssignmentFrom(const Row& r) {
  return RoleAssignmentRow{
      r.Str(0), PrincipalOf(r.Str(1), r.Str(2)), r.Str(3), r.OptInt(4), r.Int(5), r.Str(6)};
}

std::vector<RoleAssignmentRow> Assignments(const std::vector<Row>& rows) {
  std::vector<RoleAssignmentRow> out;
  for (const Row& r : rows) out.push_back(AssignmentFrom(r));
  return out;
}

}  // namespace

absl::Status Insert(Tx& tx, const RoleRow& r) {
  return tx
      .Exec(
          "INSERT INTO roles (id, account_id, name, name_key, description, created_at) "
          "VALUES (?, ?, ?, ?, ?, ?)",
          {r.id, r.account_id, r.name, text::AsciiLower(r.name), r.description, r.created_at})
      .status();
}

absl::StatusOr<RoleRow> GetByName(Tx& tx, const std::string& account_id, const std::string& name) {
  ASSIGN_OR_RETURN(auto rows,
                   tx.Query(std::string(kSelectRole) + "WHERE account_id = ? AND name_key = ?",
                            {account_id, text::AsciiLower(name)}));
  if (rows.empty()) {
    return absl::NotFoundError(absl::StrCat("role ", text::Quoted(name), " not found"));
  }
  return RoleFrom(rows[0]);
}

absl::StatusOr<RoleRow> Get(Tx& tx, const std::string& id) {
  ASSIGN_OR_RETURN(auto rows, tx.Query(std::string(kSelectRole) + "WHERE id = ?", {id}));
  if (rows.empty()) return absl::NotFoundError("role not found");
  return RoleFrom(rows[0]);
}

absl::StatusOr<std::vector<RoleRow>> List(Tx& tx, const std::string& account_id,
                                          const std::string& after_key, int limit) {
  ASSIGN_OR_RETURN(auto rows,
                   tx.Query(std::string(kSelectRole) + "WHERE account_id = ? AND name_key > ? "
                                                       "ORDER BY name_key LIMIT ?",
                            {account_id, after_key, int64_t{limit}}));
  std::vector<RoleRow> out;
  for (const Row& r : rows) out.push_back(RoleFrom(r));
  return out;
}

absl::Status Delete(Tx& tx, const std::string& id) {
  RETURN_IF_ERROR(tx.Exec("DELETE FROM role_assignments WHERE role_id = ?", {id}).status());
  ASSIGN_OR_RETURN(int64_t n, tx.Exec("DELETE FROM roles WHERE id = ?", {id}));
  if (n == 0) return absl::NotFoundError("role not found");
  return absl::OkStatus();
}

absl::Status Assign(Tx& tx, const RoleAssignmentRow& a) {
  RETURN_IF_ERROR(tx.Exec("DELETE FROM role_assignments WHERE role_id = ? AND "
                          "principal_type = ? AND principal_id = ?",
                          {a.role_id, Name(a.principal.type), a.principal.id})
                      .status());
  return tx
      .Exec(
          "INSERT INTO role_assignments (role_id, principal_type, principal_id, account_id, "
          "expires_at, assigned_at, assigned_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
          {a.role_id, Name(a.principal.type), a.principal.id, a.account_id, NullOr(a.expires_at),
           a.assigned_at, a.assigned_by})
      .status();
}

absl::Status Unassign(Tx& tx, const std::string& role_id, const PrincipalRef& p) {
  ASSIGN_OR_RETURN(int64_t n, tx.Exec("DELETE FROM role_assignments WHERE role_id = ? AND "
                                      "principal_type = ? AND principal_id = ?",
                                      {role_id, Name(p.type), p.id}));
  if (n == 0) return absl::NotFoundError("role is not assigned");
  return absl::OkStatus();
}

absl::StatusOr<std::vector<RoleAssignmentRow>> ListAssignmentsOfRole(Tx& tx,
                                                                     const std::string& role_id) {
  ASSIGN_OR_RETURN(auto rows, tx.Query(std::string(kSelectAssignment) +
                                           "WHERE role_id = ? ORDER BY principal_type, "
                                           "principal_id",
                                       {role_id}));
  return Assignments(rows);
}

absl::StatusOr<std::vector<RoleAssignmentRow>> ListAssignmentsOf(Tx& tx, const PrincipalRef& p) {
  ASSIGN_OR_RETURN(auto rows, tx.Query(std::string(kSelectAssignment) +
                                           "WHERE principal_type = ? AND principal_id = ? "
                                           "ORDER BY role_id",
                                       {Name(p.type), p.id}));
  return Assignments(rows);
}

absl::StatusOr<std::vector<RoleAssignmentRow>> ListAssignmentsOfAccount(
    Tx& tx, const std::string& account_id) {
  ASSIGN_OR_RETURN(auto rows,
                   tx.Query(std::string(kSelectAssignment) + "WHERE account_id = ?", {account_id}));
  return Assignments(rows);
}

absl::Status DeleteAssignmentsOf(Tx& tx, const PrincipalRef& p) {
  return tx
      .Exec("DELETE FROM role_assignments WHERE principal_type = ? AND principal_id = ?",
            {Name(p.type), p.id})
      .status();
}

absl::StatusOr<std::vector<std::string>> HeldRoleIds(Tx& tx, const std::string& user_id,
                                                     int64_t now) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT DISTINCT role_id FROM role_assignments "
                                       "WHERE (expires_at IS NULL OR expires_at > ?) AND "
                                       "((principal_type = 'user' AND principal_id = ?) OR "
                                       "(principal_type = 'group' AND principal_id IN "
                                       "(SELECT group_id FROM group_members WHERE user_id = ?)))",
                                       {now, user_id, user_id}));
  std::vector<std::string> out;
  for (const Row& r : rows) out.push_back(r.Str(0));
  return out;
}

absl::Status InsertSodRule(Tx& tx, const SodRuleRow& r) {
  return tx
      .Exec(
          "INSERT INTO sod_rules (id, account_id, name, name_key, role_ids, created_at) "
          "VALUES (?, ?, ?, ?, ?, ?)",
          {r.id, r.account_id, r.name, text::AsciiLower(r.name), nlohmann::json(r.role_ids).dump(),
           r.created_at})
      .status();
}

absl::StatusOr<std::vector<SodRuleRow>> ListSodRules(Tx& tx, const std::string& account_id) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT id, account_id, name, role_ids, created_at "
                                       "FROM sod_rules WHERE account_id = ? ORDER BY name_key",
                                       {account_id}));
  std::vector<SodRuleRow> out;
  for (const Row& r : rows) {
    auto ids = nlohmann::json::parse(r.Str(3), nullptr, false);
    if (!ids.is_array()) return absl::DataLossError("stored separation-of-duties rule is corrupt");
    out.push_back(
        SodRuleRow{r.Str(0), r.Str(1), r.Str(2), ids.get<std::vector<std::string>>(), r.Int(4)});
  }
  return out;
}

absl::Status DeleteSodRule(Tx& tx, const std::string& account_id, const std::string& name) {
  ASSIGN_OR_RETURN(int64_t n, tx.Exec("DELETE FROM sod_rules WHERE account_id = ? AND "
                                      "name_key = ?",
                                      {account_id, text::AsciiLower(name)}));
  if (n == 0) return absl::NotFoundError("separation-of-duties rule not found");
  return absl::OkStatus();
}

absl::Status DeleteAllOfAccount(Tx& tx, const std::string& account_id) {
  for (const char* table : {"role_assignments", "roles", "sod_rules"}) {
    RETURN_IF_ERROR(
        tx.Exec(std::string("DELETE FROM ") + table + " WHERE account_id = ?", {account_id})
            .status());
  }
  return absl::OkStatus();
}

}  // namespace iam::store::roles
