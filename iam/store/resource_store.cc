#include "iam/store/resource_store.h"

#include "iam/common/status_macros.h"

namespace iam::store::resources {
namespace {

const char* Table(Kind kind) { return kind == Kind::kPolicy ? "resource_policies" : "resource_acls"; }
const char* Body(Kind kind) { return kind == Kind::kPolicy ? "document" : "acl"; }

std::string Select(Kind kind) {
  return std::string("SELECT resource_arn, account_id, ") + Body(kind) + ", updated_at FROM " +
         Table(kind) + " ";
}

std::vector<ResourceDocRow> Docs(const std::vector<Row>& rows) {
  std::vector<ResourceDocRow> out;
  out.reserve(rows.size());
  for (const Row& r : rows) out.push_back(ResourceDocRow{r.Str(0), r.Str(1), r.Str(2), r.Int(3)});
  return out;
}

}  // namespace

absl::StatusOr<std::optional<std::string>> OwnerOf(Tx& tx, const std::string& root) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT account_id FROM resource_owners "
                                       "WHERE resource_root = ?",
                                       {root}));
  if (rows.empty()) return std::optional<std::string>();
  return std::optional<std::string>(rows[0].Str(0));
}

absl::Status Claim(Tx& tx, const std::string& root, const std::string& account_id, int64_t at) {
  return tx
      .Exec("INSERT INTO resource_owners (resource_root, account_id, claimed_at) VALUES (?, ?, ?)",
            {root, account_id, at})
      .status();
}

absl::Status Put(Tx& tx, Kind kind, const ResourceDocRow& row) {
  RETURN_IF_ERROR(tx.Exec(std::string("DELETE FROM ") + Table(kind) + " WHERE resource_arn = ?",
                          {row.resource})
                      .status());
  return tx
      .Exec(std::string("INSERT INTO ") + Table(kind) + " (resource_arn, account_id, " +
                Body(kind) + ", updated_at) VALUES (?, ?, ?, ?)",
            {row.resource, row.account_id, row.body, row.updated_at})
      .status();
}

absl::StatusOr<ResourceDocRow> Get(Tx& tx, Kind kind, const std::string& resource) {
  ASSIGN_OR_RETURN(auto rows, tx.Query(Select(kind) + "WHERE resource_arn = ?", {resource}));
  if (rows.empty()) {
    return absl::NotFoundError(kind == Kind::kPolicy ? "resource policy not found"
                                                     : "ACL not found");
  }
  return Docs(rows)[0];
}

absl::Status Delete(Tx& tx, Kind kind, const std::string& resource) {
  ASSIGN_OR_RETURN(int64_t n, tx.Exec(std::string("DELETE FROM ") + Table(kind) +
                                          " WHERE resource_arn = ?",
                                      {resource}));
  if (n == 0) {
    return absl::NotFoundError(kind == Kind::kPolicy ? "resource policy not found"
                                                     : "ACL not found");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<ResourceDocRow>> ListOfAccount(Tx& tx, Kind kind,
                                                          const std::string& account_id) {
  ASSIGN_OR_RETURN(auto rows, tx.Query(Select(kind) + "WHERE account_id = ? ORDER BY resource_arn",
                                       {account_id}));
  return Docs(rows);
}

absl::StatusOr<std::vector<ResourceDocRow>> ListAll(Tx& tx, Kind kind) {
  ASSIGN_OR_RETURN(auto rows, tx.Query(Select(kind), {}));
  return Docs(rows);
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ListOwners(Tx& tx) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT resource_root, account_id FROM resource_owners", {}));
  std::vector<std::pair<std::string, std::string>> out;
  for (const Row& r : rows) out.emplace_back(r.Str(0), r.Str(1));
  return out;
}

absl::Status DeleteAllOfAccount(Tx& tx, const std::string& account_id) {
  for (const char* table : {"resource_policies", "resource_acls", "resource_owners"}) {
    RETURN_IF_ERROR(
        tx.Exec(std::string("DELETE FROM ") + table + " WHERE account_id = ?", {account_id})
            .status());
  }
  return absl::OkStatus();
}

}  // namespace iam::store::resources
