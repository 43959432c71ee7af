#include "iam/store/iam_policy_store.h"

#include "iam/common/status_macros.h"
#include "iam/common/text.h"

namespace iam::store::iam_policies {
namespace {

constexpr char kSelectPolicy[] =
    "SELECT id, account_id, name, description, default_version, next_version, created_at, "
    "updated_at FROM managed_policies ";

ManagedPolicyRow PolicyFrom(const Row& r) {
  return ManagedPolicyRow{r.Str(0), r.Str(1), r.Str(2), r.Str(3),
                          r.Int(4), r.Int(5), r.Int(6), r.Int(7)};
}

constexpr char kSelectInline[] =
    "SELECT principal_type, principal_id, name, account_id, document, updated_at "
    "FROM inline_policies ";

InlinePolicyRow InlineFrom(const Row& r) {
  return InlinePolicyRow{PrincipalOf(r.Str(0), r.Str(1)), r.Str(2), r.Str(3), r.Str(4), r.Int(5)};
}

constexpr char kSelectAttachment[] =
    "SELECT policy_id, principal_type, principal_id, account_id, attached_at "
    "FROM policy_attachments ";

AttachmentRow AttachmentFrom(const Row& r) {
  return AttachmentRow{r.Str(0), PrincipalOf(r.Str(1), r.Str(2)), r.Str(3), r.Int(4)};
}

constexpr char kSelectBoundary[] =
    "SELECT principal_type, principal_id, account_id, policy_id, set_at "
    "FROM permission_boundaries ";

BoundaryRow BoundaryFrom(const Row& r) {
  return BoundaryRow{PrincipalOf(r.Str(0), r.Str(1)), r.Str(2), r.Str(3), r.Int(4)};
}

constexpr char kSelectTag[] =
    "SELECT principal_type, principal_id, tag_key, tag_value, account_id FROM principal_tags ";

TagRow TagFrom(const Row& r) {
  return TagRow{PrincipalOf(r.Str(0), r.Str(1)), r.Str(2), r.Str(3), r.Str(4)};
}

template <typename T, typename F>
std::vector<T> Map(const std::vector<Row>& rows, F from) {
  std::vector<T> out;
  out.reserve(rows.size());
  for (const Row& r : rows) out.push_back(from(r));
  return out;
}

}  // namespace

absl::Status InsertPolicy(Tx& tx, const ManagedPolicyRow& p) {
  return tx
      .Exec(
          "INSERT INTO managed_policies (id, account_id, name, name_key, description, "
          "default_version, next_version, created_at, updated_at) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {p.id, p.account_id, p.name, text::AsciiLower(p.name), p.description, p.default_version,
           p.next_version, p.created_at, p.updated_at})
      .status();
}

absl::StatusOr<ManagedPolicyRow> GetPolicy(Tx& tx, const std::string& account_id,
                                           const std::string& name) {
  ASSIGN_OR_RETURN(auto rows,
                   tx.Query(std::string(kSelectPolicy) + "WHERE account_id = ? AND name_key = ?",
                            {account_id, text::AsciiLower(name)}));
  if (rows.empty()) return absl::NotFoundError("policy not found");
  return PolicyFrom(rows[0]);
}

absl::StatusOr<ManagedPolicyRow> GetPolicyById(Tx& tx, const std::string& id) {
  ASSIGN_OR_RETURN(auto rows, tx.Query(std::string(kSelectPolicy) + "WHERE id = ?", {id}));
  if (rows.empty()) return absl::NotFoundError("policy not found");
  return PolicyFrom(rows[0]);
}

absl::StatusOr<std::vector<ManagedPolicyRow>> ListPolicies(Tx& tx, const std::string& account_id,
                                                           const std::string& after_key,
                                                           int limit) {
  ASSIGN_OR_RETURN(auto rows,
                   tx.Query(std::string(kSelectPolicy) + "WHERE account_id = ? AND name_key > ? "
                                                         "ORDER BY name_key LIMIT ?",
                            {account_id, after_key, int64_t{limit}}));
  return Map<ManagedPolicyRow>(rows, PolicyFrom);
}

absl::Status UpdatePolicy(Tx& tx, const ManagedPolicyRow& p) {
  ASSIGN_OR_RETURN(int64_t n,
                   tx.Exec("UPDATE managed_policies SET description = ?, "
                           "default_version = ?, next_version = ?, updated_at = ? "
                           "WHERE id = ?",
                           {p.description, p.default_version, p.next_version, p.updated_at, p.id}));
  if (n == 0) return absl::NotFoundError("policy not found");
  return absl::OkStatus();
}

absl::Status DeletePolicy(Tx& tx, const std::string& id) {
  RETURN_IF_ERROR(tx.Exec("DELETE FROM policy_versions WHERE policy_id = ?", {id}).status());
  RETURN_IF_ERROR(tx.Exec("DELETE FROM policy_tags WHERE policy_id = ?", {id}).status());
  ASSIGN_OR_RETURN(int64_t n, tx.Exec("DELETE FROM managed_policies WHERE id = ?", {id}));
  if (n == 0) return absl::NotFoundError("policy not found");
  return absl::OkStatus();
}

absl::Status InsertVersion(Tx& tx, const std::string& account_id, const PolicyVersionRow& v) {
  return tx
      .Exec(
          "INSERT INTO policy_versions (policy_id, version, account_id, document, created_at) "
          "VALUES (?, ?, ?, ?, ?)",
          {v.policy_id, v.version, account_id, v.document, v.created_at})
      .status();
}

absl::StatusOr<PolicyVersionRow> GetVersion(Tx& tx, const std::string& policy_id, int64_t version) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT policy_id, version, document, created_at "
                                       "FROM policy_versions WHERE policy_id = ? AND version = ?",
                                       {policy_id, version}));
  if (rows.empty()) return absl::NotFoundError("policy version not found");
  return PolicyVersionRow{rows[0].Str(0), rows[0].Int(1), rows[0].Str(2), rows[0].Int(3)};
}

absl::StatusOr<std::vector<PolicyVersionRow>> ListVersions(Tx& tx, const std::string& policy_id) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT policy_id, version, document, created_at "
                                       "FROM policy_versions WHERE policy_id = ? "
                                       "ORDER BY version DESC",
                                       {policy_id}));
  return Map<PolicyVersionRow>(rows, [](const Row& r) {
    return PolicyVersionRow{r.Str(0), r.Int(1), r.Str(2), r.Int(3)};
  });
}

absl::Status DeleteVersion(Tx& tx, const std::string& policy_id, int64_t version) {
  ASSIGN_OR_RETURN(int64_t n, tx.Exec("DELETE FROM policy_versions WHERE policy_id = ? AND "
                                      "version = ?",
                                      {policy_id, version}));
  if (n == 0) return absl::NotFoundError("policy version not found");
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::pair<ManagedPolicyRow, std::string>>> ListDefaults(
    Tx& tx, const std::string& account_id) {
  ASSIGN_OR_RETURN(auto rows,
                   tx.Query("SELECT p.id, p.account_id, p.name, p.description, p.default_version, "
                            "p.next_version, p.created_at, p.updated_at, v.document "
                            "FROM managed_policies p JOIN policy_versions v "
                            "ON v.policy_id = p.id AND v.version = p.default_version "
                            "WHERE p.account_id = ?",
                            {account_id}));
  std::vector<std::pair<ManagedPolicyRow, std::string>> out;
  out.reserve(rows.size());
  for (const Row& r : rows) out.emplace_back(PolicyFrom(r), r.Str(8));
  return out;
}

absl::Status PutInline(Tx& tx, const InlinePolicyRow& p) {
  RETURN_IF_ERROR(tx.Exec("DELETE FROM inline_policies WHERE principal_type = ? AND "
                          "principal_id = ? AND name_key = ?",
                          {Name(p.principal.type), p.principal.id, text::AsciiLower(p.name)})
                      .status());
  return tx
      .Exec(
          "INSERT INTO inline_policies (principal_type, principal_id, name_key, name, "
          "account_id, document, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
          {Name(p.principal.type), p.principal.id, text::AsciiLower(p.name), p.name, p.account_id,
           p.document, p.updated_at})
      .status();
}

absl::StatusOr<InlinePolicyRow> GetInline(Tx& tx, const PrincipalRef& p, const std::string& name) {
  ASSIGN_OR_RETURN(auto rows, tx.Query(std::string(kSelectInline) +
                                           "WHERE principal_type = ? AND principal_id = ? AND "
                                           "name_key = ?",
                                       {Name(p.type), p.id, text::AsciiLower(name)}));
  if (rows.empty()) return absl::NotFoundError("inline policy not found");
  return InlineFrom(rows[0]);
}

absl::StatusOr<std::vector<InlinePolicyRow>> ListInline(Tx& tx, const PrincipalRef& p) {
  ASSIGN_OR_RETURN(auto rows, tx.Query(std::string(kSelectInline) +
                                           "WHERE principal_type = ? AND principal_id = ? "
                                           "ORDER BY name_key",
                                       {Name(p.type), p.id}));
  return Map<InlinePolicyRow>(rows, InlineFrom);
}

absl::StatusOr<std::vector<InlinePolicyRow>> ListInlineOfAccount(Tx& tx,
                                                                 const std::string& account_id) {
  ASSIGN_OR_RETURN(auto rows,
                   tx.Query(std::string(kSelectInline) + "WHERE account_id = ? ORDER BY name_key",
                            {account_id}));
  return Map<InlinePolicyRow>(rows, InlineFrom);
}

absl::Status DeleteInline(Tx& tx, const PrincipalRef& p, const std::string& name) {
  ASSIGN_OR_RETURN(int64_t n, tx.Exec("DELETE FROM inline_policies WHERE principal_type = ? AND "
                                      "principal_id = ? AND name_key = ?",
                                      {Name(p.type), p.id, text::AsciiLower(name)}));
  if (n == 0) return absl::NotFoundError("inline policy not found");
  return absl::OkStatus();
}

absl::Status Attach(Tx& tx, const AttachmentRow& a) {
  absl::Status s =
      tx.Exec(
            "INSERT INTO policy_attachments (policy_id, principal_type, "
            "principal_id, account_id, attached_at) VALUES (?, ?, ?, ?, ?)",
            {a.policy_id, Name(a.principal.type), a.principal.id, a.account_id, a.attached_at})
          .status();
  if (absl::IsAlreadyExists(s)) return absl::AlreadyExistsError("policy is attached already");
  return s;
}

absl::Status Detach(Tx& tx, const std::string& policy_id, const PrincipalRef& p) {
  ASSIGN_OR_RETURN(int64_t n, tx.Exec("DELETE FROM policy_attachments WHERE policy_id = ? AND "
                                      "principal_type = ? AND principal_id = ?",
                                      {policy_id, Name(p.type), p.id}));
  if (n == 0) return absl::NotFoundError("policy is not attached");
  return absl::OkStatus();
}

absl::StatusOr<std::vector<AttachmentRow>> ListAttachmentsOf(Tx& tx, const PrincipalRef& p) {
  ASSIGN_OR_RETURN(auto rows, tx.Query(std::string(kSelectAttachment) +
                                           "WHERE principal_type = ? AND principal_id = ? "
                                           "ORDER BY policy_id",
                                       {Name(p.type), p.id}));
  return Map<AttachmentRow>(rows, AttachmentFrom);
}

absl::StatusOr<std::vector<AttachmentRow>> ListAttachmentsOfPolicy(Tx& tx,
                                                                   const std::string& policy_id) {
  ASSIGN_OR_RETURN(auto rows, tx.Query(std::string(kSelectAttachment) +
                                           "WHERE policy_id = ? ORDER BY principal_type, "
                                           "principal_id",
                                       {policy_id}));
  return Map<AttachmentRow>(rows, AttachmentFrom);
}

absl::StatusOr<std::vector<AttachmentRow>> ListAttachmentsOfAccount(Tx& tx,
                                                                    const std::string& account_id) {
  ASSIGN_OR_RETURN(auto rows,
                   tx.Query(std::string(kSelectAttachment) + "WHERE account_id = ?", {account_id}));
  return Map<AttachmentRow>(rows, AttachmentFrom);
}

absl::Status SetBoundary(Tx& tx, const BoundaryRow& b) {
  RETURN_IF_ERROR(tx.Exec("DELETE FROM permission_boundaries WHERE principal_type = ? AND "
                          "principal_id = ?",
                          {Name(b.principal.type), b.principal.id})
                      .status());
  return tx
      .Exec(
          "INSERT INTO permission_boundaries (principal_type, principal_id, account_id, "
          "policy_id, set_at) VALUES (?, ?, ?, ?, ?)",
          {Name(b.principal.type), b.principal.id, b.account_id, b.policy_id, b.set_at})
      .status();
}

absl::StatusOr<std::optional<BoundaryRow>> GetBoundary(Tx& tx, const PrincipalRef& p) {
  ASSIGN_OR_RETURN(auto rows, tx.Query(std::string(kSelectBoundary) +
                                           "WHERE principal_type = ? AND principal_id = ?",
                                       {Name(p.type), p.id}));
  if (rows.empty()) return std::optional<BoundaryRow>();
  return std::optional<BoundaryRow>(BoundaryFrom(rows[0]));
}

absl::Status ClearBoundary(Tx& tx, const PrincipalRef& p) {
  ASSIGN_OR_RETURN(int64_t n, tx.Exec("DELETE FROM permission_boundaries WHERE "
                                      "principal_type = ? AND principal_id = ?",
                                      {Name(p.type), p.id}));
  if (n == 0) return absl::NotFoundError("no permission boundary is set");
  return absl::OkStatus();
}

absl::StatusOr<std::vector<BoundaryRow>> ListBoundariesOfAccount(Tx& tx,
                                                                 const std::string& account_id) {
  ASSIGN_OR_RETURN(auto rows,
                   tx.Query(std::string(kSelectBoundary) + "WHERE account_id = ?", {account_id}));
  return Map<BoundaryRow>(rows, BoundaryFrom);
}

absl::StatusOr<int64_t> CountBoundaryUses(Tx& tx, const std::string& policy_id) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT COUNT(*) FROM permission_boundaries "
                                       "WHERE policy_id = ?",
                                       {policy_id}));
  return rows.empty() ? 0 : rows[0].Int(0);
}

absl::Status PutTag(Tx& tx, const TagRow& t) {
  RETURN_IF_ERROR(tx.Exec("DELETE FROM principal_tags WHERE principal_type = ? AND "
                          "principal_id = ? AND key_lower = ?",
                          {Name(t.principal.type), t.principal.id, text::AsciiLower(t.key)})
                      .status());
  return tx
      .Exec(
          "INSERT INTO principal_tags (principal_type, principal_id, key_lower, tag_key, "
          "tag_value, account_id) VALUES (?, ?, ?, ?, ?, ?)",
          {Name(t.principal.type), t.principal.id, text::AsciiLower(t.key), t.key, t.value,
           t.account_id})
      .status();
}

absl::Status DeleteTag(Tx& tx, const PrincipalRef& p, const std::string& key) {
  ASSIGN_OR_RETURN(int64_t n, tx.Exec("DELETE FROM principal_tags WHERE principal_type = ? AND "
                                      "principal_id = ? AND key_lower = ?",
                                      {Name(p.type), p.id, text::AsciiLower(key)}));
  if (n == 0) return absl::NotFoundError("tag not found");
  return absl::OkStatus();
}

absl::StatusOr<std::vector<TagRow>> ListTags(Tx& tx, const PrincipalRef& p) {
  ASSIGN_OR_RETURN(
      auto rows, tx.Query(std::string(kSelectTag) + "WHERE principal_type = ? AND principal_id = ? "
                                                    "ORDER BY key_lower",
                          {Name(p.type), p.id}));
  return Map<TagRow>(rows, TagFrom);
}

absl::StatusOr<std::vector<TagRow>> ListTagsOfAccount(Tx& tx, const std::string& account_id) {
  ASSIGN_OR_RETURN(auto rows,
                   tx.Query(std::string(kSelectTag) + "WHERE account_id = ?", {account_id}));
  return Map<TagRow>(rows, TagFrom);
}

absl::Status PutPolicyTag(Tx& tx, const PolicyTagRow& t) {
  RETURN_IF_ERROR(tx.Exec("DELETE FROM policy_tags WHERE policy_id = ? AND key_lower = ?",
                          {t.policy_id, text::AsciiLower(t.key)})
                      .status());
  return tx
      .Exec("INSERT INTO policy_tags (policy_id, key_lower, tag_key, tag_value, account_id) "
            "VALUES (?, ?, ?, ?, ?)",
            {t.policy_id, text::AsciiLower(t.key), t.key, t.value, t.account_id})
      .status();
}

absl::Status DeletePolicyTag(Tx& tx, const std::string& policy_id, const std::string& key) {
  ASSIGN_OR_RETURN(int64_t n, tx.Exec("DELETE FROM policy_tags WHERE policy_id = ? AND "
                                      "key_lower = ?",
                                      {policy_id, text::AsciiLower(key)}));
  if (n == 0) return absl::NotFoundError("tag not found");
  return absl::OkStatus();
}

absl::StatusOr<std::vector<PolicyTagRow>> ListPolicyTags(Tx& tx, const std::string& policy_id) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT policy_id, tag_key, tag_value, account_id FROM "
                                       "policy_tags WHERE policy_id = ? ORDER BY key_lower",
                                       {policy_id}));
  std::vector<PolicyTagRow> out;
  for (const Row& r : rows) out.push_back({r.Str(0), r.Str(1), r.Str(2), r.Str(3)});
  return out;
}

absl::Status DeleteAllOfPrincipal(Tx& tx, const PrincipalRef& p) {
  for (const char* table :
       {"inline_policies", "policy_attachments", "permission_boundaries", "principal_tags"}) {
    RETURN_IF_ERROR(tx.Exec(std::string("DELETE FROM ") + table +
                                " WHERE principal_type = ? AND principal_id = ?",
                            {Name(p.type), p.id})
                        .status());
  }
  return absl::OkStatus();
}

absl::Status DeleteAllOfAccount(Tx& tx, const std::string& account_id) {
  for (const char* table : {"policy_versions", "policy_tags", "managed_policies",
                            "inline_policies", "policy_attachments", "permission_boundaries",
                            "principal_tags"}) {
    RETURN_IF_ERROR(
        tx.Exec(std::string("DELETE FROM ") + table + " WHERE account_id = ?", {account_id})
            .status());
  }
  return absl::OkStatus();
}

}  // namespace iam::store::iam_policies
