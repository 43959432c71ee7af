#include "iam/store/group_store.h"

#include "absl/strings/str_cat.h"
#include "iam/common/status_macros.h"
#include "iam/common/text.h"

namespace iam::store::groups {
namespace {

constexpr char kSelect[] =
    "SELECT g.id, g.account_id, g.name, g.description, g.created_at FROM user_groups g ";

GroupRow FromRow(const Row& r) { return GroupRow{r.Str(0), r.Str(1), r.Str(2), r.Str(3), r.Int(4)}; }

std::vector<GroupRow> FromRows(const std::vector<Row>& rows) {
  std::vector<GroupRow> out;
  for (const Row& r : rows) out.push_back(FromRow(r));
  return out;
}

}  // namespace

absl::Status Insert(Tx& tx, const GroupRow& g) {
  return tx
      .Exec("INSERT INTO user_groups (id, account_id, name, name_key, description, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            {g.id, g.account_id, g.name, text::AsciiLower(g.name), g.description, g.created_at})
      .status();
}

absl::StatusOr<GroupRow> GetByName(Tx& tx, const std::string& account_id,
                                   const std::string& name) {
  ASSIGN_OR_RETURN(auto rows, tx.Query(std::string(kSelect) +
                                           "WHERE g.account_id = ? AND g.name_key = ?",
                                       {account_id, text::AsciiLower(name)}));
  if (rows.empty()) {
    return absl::NotFoundError(absl::StrCat("group ", text::Quoted(name), " not found"));
  }
  return FromRow(rows[0]);
}

absl::StatusOr<std::vector<GroupRow>> List(Tx& tx, const std::string& account_id,
                                           const std::string& after_key, int limit) {
  ASSIGN_OR_RETURN(auto rows, tx.Query(std::string(kSelect) +
                                           "WHERE g.account_id = ? AND g.name_key > ? "
                                           "ORDER BY g.name_key LIMIT ?",
                                       {account_id, after_key, int64_t{limit}}));
  return FromRows(rows);
}

absl::Status Delete(Tx& tx, const std::string& id) {
  ASSIGN_OR_RETURN(int64_t n, tx.Exec("DELETE FROM user_groups WHERE id = ?", {id}));
  if (n == 0) return absl::NotFoundError("group not found");
  return absl::OkStatus();
}

absl::Status AddMember(Tx& tx, const std::string& account_id, const std::string& group_id,
                       const std::string& user_id, int64_t at) {
  absl::Status s = tx.Exec("INSERT INTO group_members (group_id, user_id, account_id, added_at) "
                           "VALUES (?, ?, ?, ?)",
                           {group_id, user_id, account_id, at})
                       .status();
  if (absl::IsAlreadyExists(s)) return absl::AlreadyExistsError("already a member of the group");
  return s;
}

absl::Status RemoveMember(Tx& tx, const std::string& group_id, const std::string& user_id) {
  ASSIGN_OR_RETURN(int64_t n, tx.Exec("DELETE FROM group_members WHERE group_id = ? AND user_id = ?",
                                      {group_id, user_id}));
  if (n == 0) return absl::NotFoundError("not a member of the group");
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> ListMemberIds(Tx& tx, const std::string& group_id,
                                                       const std::string& after_user_id,
                                                       int limit) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT user_id FROM group_members WHERE group_id = ? "
                                       "AND user_id > ? ORDER BY user_id LIMIT ?",
                                       {group_id, after_user_id, int64_t{limit}}));
  std::vector<std::string> out;
  for (const Row& r : rows) out.push_back(r.Str(0));
  return out;
}

absl::StatusOr<std::vector<GroupRow>> ListGroupsOfUser(Tx& tx, const std::string& user_id) {
  ASSIGN_OR_RETURN(auto rows, tx.Query(std::string(kSelect) +
                                           "JOIN group_members m ON m.group_id = g.id "
                                           "WHERE m.user_id = ? ORDER BY g.name_key",
                                       {user_id}));
  return FromRows(rows);
}

absl::Status DeleteMembershipsOfUser(Tx& tx, const std::string& user_id) {
  return tx.Exec("DELETE FROM group_members WHERE user_id = ?", {user_id}).status();
}

absl::Status DeleteMembershipsOfGroup(Tx& tx, const std::string& group_id) {
  return tx.Exec("DELETE FROM group_members WHERE group_id = ?", {group_id}).status();
}

absl::Status DeleteAllOfAccount(Tx& tx, const std::string& account_id) {
  RETURN_IF_ERROR(
      tx.Exec("DELETE FROM group_members WHERE account_id = ?", {account_id}).status());
  return tx.Exec("DELETE FROM user_groups WHERE account_id = ?", {account_id}).status();
}

}  // namespace iam::store::groups
