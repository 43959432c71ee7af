// IamPolicyStore: managed policies and their versions, inline policies,
// attachments, permission boundaries and principal tags, inside a caller's
// transaction. Names are unique per account (or per principal, for inline
// policies) regardless of case. Stateless.
#ifndef IAM_STORE_IAM_POLICY_STORE_H_
#define IAM_STORE_IAM_POLICY_STORE_H_

#include <vector>

#include "iam/store/authz_records.h"
#include "iam/store/database.h"

namespace iam::store::iam_policies {

// ALREADY_EXISTS for a name taken in the account.
absl::Status InsertPolicy(Tx& tx, const ManagedPolicyRow& row);
absl::StatusOr<ManagedPolicyRow> GetPolicy(Tx& tx, const std::string& account_id,
                                           const std::string& name);
absl::StatusOr<ManagedPolicyRow> GetPolicyById(Tx& tx, const std::string& id);
// Ordered by name (case-folded), after `after_key`.
absl::StatusOr<std::vector<ManagedPolicyRow>> ListPolicies(Tx& tx, const std::string& account_id,
                                                           const std::string& after_key,
                                                           int limit);
absl::Status UpdatePolicy(Tx& tx, const ManagedPolicyRow& row);
// Removes the policy and every version of it.
absl::Status DeletePolicy(Tx& tx, const std::string& id);

absl::Status InsertVersion(Tx& tx, const std::string& account_id, const PolicyVersionRow& row);
absl::StatusOr<PolicyVersionRow> GetVersion(Tx& tx, const std::string& policy_id,
                                            int64_t version);
// Newest first.
absl::StatusOr<std::vector<PolicyVersionRow>> ListVersions(Tx& tx, const std::string& policy_id);
absl::Status DeleteVersion(Tx& tx, const std::string& policy_id, int64_t version);

// Every managed policy of the account with its default document, as
// (policy, document) pairs: what a decision reads.
absl::StatusOr<std::vector<std::pair<ManagedPolicyRow, std::string>>> ListDefaults(
    Tx& tx, const std::string& account_id);

// Replaces any inline policy of that name on the principal.
absl::Status PutInline(Tx& tx, const InlinePolicyRow& row);
absl::StatusOr<InlinePolicyRow> GetInline(Tx& tx, const PrincipalRef& p, const std::string& name);
absl::StatusOr<std::vector<InlinePolicyRow>> ListInline(Tx& tx, const PrincipalRef& p);
absl::StatusOr<std::vector<InlinePolicyRow>> ListInlineOfAccount(Tx& tx,
                                                                 const std::string& account_id);
absl::Status DeleteInline(Tx& tx, const PrincipalRef& p, const std::string& name);

// ALREADY_EXISTS when attached already; Detach: NOT_FOUND when not.
absl::Status Attach(Tx& tx, const AttachmentRow& row);
absl::Status Detach(Tx& tx, const std::string& policy_id, const PrincipalRef& p);
absl::StatusOr<std::vector<AttachmentRow>> ListAttachmentsOf(Tx& tx, const PrincipalRef& p);
absl::StatusOr<std::vector<AttachmentRow>> ListAttachmentsOfPolicy(Tx& tx,
                                                                   const std::string& policy_id);
absl::StatusOr<std::vector<AttachmentRow>> ListAttachmentsOfAccount(
    Tx& tx, const std::string& account_id);

absl::Status SetBoundary(Tx& tx, const BoundaryRow& row);
// nullopt when the principal has none.
absl::StatusOr<std::optional<BoundaryRow>> GetBoundary(Tx& tx, const PrincipalRef& p);
// NOT_FOUND when the principal has none.
absl::Status ClearBoundary(Tx& tx, const PrincipalRef& p);
absl::StatusOr<std::vector<BoundaryRow>> ListBoundariesOfAccount(Tx& tx,
                                                                 const std::string& account_id);
// How many principals use the policy as their boundary.
absl::StatusOr<int64_t> CountBoundaryUses(Tx& tx, const std::string& policy_id);

// Replaces the value of a tag of that key (case-insensitive).
absl::Status PutTag(Tx& tx, const TagRow& row);
// NOT_FOUND when the principal has no such tag.
absl::Status DeleteTag(Tx& tx, const PrincipalRef& p, const std::string& key);
absl::StatusOr<std::vector<TagRow>> ListTags(Tx& tx, const PrincipalRef& p);
absl::StatusOr<std::vector<TagRow>> ListTagsOfAccount(Tx& tx, const std::string& account_id);

// A managed policy's tags, as the principal ones: PutPolicyTag replaces a
// key's value (case-insensitive), DeletePolicyTag answers NOT_FOUND when
// there is no such tag. DeletePolicy removes them with the policy.
absl::Status PutPolicyTag(Tx& tx, const PolicyTagRow& row);
absl::Status DeletePolicyTag(Tx& tx, const std::string& policy_id, const std::string& key);
absl::StatusOr<std::vector<PolicyTagRow>> ListPolicyTags(Tx& tx, const std::string& policy_id);

// Everything bound to one principal (inline policies, attachments,
// boundary, tags), when it is deleted.
absl::Status DeleteAllOfPrincipal(Tx& tx, const PrincipalRef& p);
absl::Status DeleteAllOfAccount(Tx& tx, const std::string& account_id);

}  // namespace iam::store::iam_policies

#endif  // IAM_STORE_IAM_POLICY_STORE_H_
