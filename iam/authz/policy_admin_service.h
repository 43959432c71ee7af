// PolicyAdminService: what administrators manage about identity policies:
// managed policies (versioned as AWS versions them: at most five versions,
// one of them the default), inline policies on users, groups and roles,
// attachments, permission boundaries on users and roles, and principal
// tags (aws:PrincipalTag/...). Documents are validated by the policy
// library, whose errors name the JSON path. Every change writes its audit
// record and bumps the account's authorization version in its transaction.
// Thread-safe.
#ifndef IAM_AUTHZ_POLICY_ADMIN_SERVICE_H_
#define IAM_AUTHZ_POLICY_ADMIN_SERVICE_H_

#include <optional>
#include <string>
#include <vector>

#include "iam/account/role_service.h"
#include "iam/account/mutation.h"
#include "iam/account/common.h"
#include "iam/store/authz_records.h"

namespace iam::authz {

inline constexpr int kMaxPolicyVersions = 5;
inline constexpr size_t kMaxTagsPerPrincipal = 50;

struct PolicyVersionView {
  int64_t version = 0;
  bool is_default = false;
  std::string document;
  int64_t created_at = 0;
};

struct ManagedPolicyView {
  std::string name;
  std::string arn;
  std::string description;
  bool builtin = false;
  int64_t default_version = 1;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  int64_t attachment_count = 0;
  std::string document;  // the default version's (Get only)
};

struct PrincipalPolicies {
  std::vector<ManagedPolicyView> attached;  // name and arn
  std::vector<std::string> inline_names;
  std::optional<ManagedPolicyView> boundary;
};

struct InlinePolicyView {
  std::string name;
  std::string document;
  int64_t updated_at = 0;
};

class PolicyAdminService {
 public:
  // identity_limit: the largest identity policy document, in characters not
  // counting white space (0: AWS's 6,144).
  // identity_limit: the largest document in bytes (0: AWS's default).
  PolicyAdminService(store::Database& db, const Clock& clock, Random& random,
                     const account::Mutations& mutations, size_t identity_limit = 0)
      : db_(db), clock_(clock), random_(random), mutations_(mutations), limit_(identity_limit) {}

  absl::StatusOr<ManagedPolicyView> Create(const account::Caller& caller,
                                           const std::string& account_id, const std::string& name,
                                           const std::string& description,
                                           const std::string& document);
  // `policy`: a name, or the ARN of a managed or built-in policy.
  absl::StatusOr<ManagedPolicyView> Get(const account::Caller& caller,
                                        const std::string& account_id, const std::string& policy);
  absl::StatusOr<account::Listing<ManagedPolicyView>> List(const account::Caller& caller,
                                                           const std::string& account_id,
                                                           int page_size,
                                                           const std::string& page_token,
                                                           bool include_builtin);
  // FAILED_PRECONDITION while attached anywhere or used as a boundary.
  absl::Status Delete(const account::Caller& caller, const std::string& account_id,
                      const std::string& policy);

  // FAILED_PRECONDITION when the policy has kMaxPolicyVersions versions.
  absl::StatusOr<PolicyVersionView> CreateVersion(const account::Caller& caller,
                                                  const std::string& account_id,
                                                  const std::string& policy,
                                                  const std::string& document, bool set_default);
  absl::StatusOr<PolicyVersionView> GetVersion(const account::Caller& caller,
                                               const std::string& account_id,
                                               const std::string& policy, int64_t version);
  absl::StatusOr<std::vector<PolicyVersionView>> ListVersions(const account::Caller& caller,
                                                              const std::string& account_id,
                                                              const std::string& policy);
  absl::Status SetDefaultVersion(const account::Caller& caller, const std::string& account_id,
                                 const std::string& policy, int64_t version);
  // FAILED_PRECONDITION for the default version.
  absl::Status DeleteVersion(const account::Caller& caller, const std::string& account_id,
                             const std::string& policy, int64_t version);

  absl::Status Attach(const account::Caller& caller, const std::string& account_id,
                      const std::string& policy, const account::PrincipalName& to);
  absl::Status Detach(const account::Caller& caller, const std::string& account_id,
                      const std::string& policy, const account::PrincipalName& from);
  absl::StatusOr<PrincipalPolicies> ListOf(const account::Caller& caller,
                                           const std::string& account_id,
                                           const account::PrincipalName& p);

  absl::Status PutInline(const account::Caller& caller, const std::string& account_id,
                         const account::PrincipalName& p, const std::string& name,
                         const std::string& document);
  absl::StatusOr<InlinePolicyView> GetInline(const account::Caller& caller,
                                             const std::string& account_id,
                                             const account::PrincipalName& p,
                                             const std::string& name);
  absl::Status DeleteInline(const account::Caller& caller, const std::string& account_id,
                            const account::PrincipalName& p, const std::string& name);

  // Users and roles only.
  absl::Status SetBoundary(const account::Caller& caller, const std::string& account_id,
                           const account::PrincipalName& p, const std::string& policy);
  absl::Status ClearBoundary(const account::Caller& caller, const std::string& account_id,
                             const account::PrincipalName& p);

  // Users and roles only. Keys are 1..128 characters of [A-Za-z0-9 _.:/=+@-],
  // values up to 256; at most kMaxTagsPerPrincipal tags.
  absl::Status Tag(const account::Caller& caller, const std::string& account_id,
                   const account::PrincipalName& p,
                   const std::vector<std::pair<std::string, std::string>>& tags);
  absl::Status Untag(const account::Caller& caller, const std::string& account_id,
                     const account::PrincipalName& p, const std::vector<std::string>& keys);
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ListTags(
      const account::Caller& caller, const std::string& account_id,
      const account::PrincipalName& p);

  // A managed policy's tags (not a built-in's: FAILED_PRECONDITION), by
  // the same rules; deleted with the policy. Metadata: evaluation does not
  // read them. (policy_admin_tags.cc)
  absl::Status TagPolicy(const account::Caller& caller, const std::string& account_id,
                         const std::string& policy,
                         const std::vector<std::pair<std::string, std::string>>& tags);
  absl::Status UntagPolicy(const account::Caller& caller, const std::string& account_id,
                           const std::string& policy, const std::vector<std::string>& keys);
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ListPolicyTags(
      const account::Caller& caller, const std::string& account_id, const std::string& policy);

  // INVALID_ARGUMENT "document: <path>: <problem>" unless a valid identity
  // policy within the size limit.
  absl::Status ValidateDocument(const std::string& document) const;

 private:
  absl::Status ChangeAttachment(const account::Caller& caller, const std::string& account_id,
                                const std::string& policy, const account::PrincipalName& p,
                                bool attach);

  store::Database& db_;
  const Clock& clock_;
  Random& random_;
  const account::Mutations& mutations_;
  size_t limit_;
};

}  // namespace iam::authz

#endif  // IAM_AUTHZ_POLICY_ADMIN_SERVICE_H_
