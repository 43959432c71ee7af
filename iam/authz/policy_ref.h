// How policy requests name what they act on, shared by the policy admin
// service's files: a policy by name or ARN (managed or built-in), a
// principal's path, the word IAM's action names use for a principal type,
// and the rules of a tag key. Pure functions.
#ifndef IAM_AUTHZ_POLICY_REF_H_
#define IAM_AUTHZ_POLICY_REF_H_

#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "iam/account/caller.h"
#include "iam/account/role_service.h"
#include "iam/store/authz_records.h"

namespace iam::authz {

inline constexpr size_t kMaxPolicyName = 128;
inline constexpr char kCannotChange[] = "built-in policies cannot be changed";
inline constexpr char kCannotDelete[] = "built-in policies cannot be deleted";

// The principal type as IAM's action names spell it (iam:AttachUserPolicy).
const char* ActionWord(store::PrincipalType type);

// "user/bob", "role/oncall": the resource path of a principal.
std::string PathOf(const account::PrincipalName& p);

// A policy as a request names it: a name, or a managed or built-in ARN.
struct PolicyRef {
  std::string name;
  bool builtin = false;
};

// NOT_FOUND for a built-in policy that does not exist or another account's
// policy; INVALID_ARGUMENT for a malformed name.
absl::StatusOr<PolicyRef> ParsePolicyRef(const std::string& account, const std::string& ref);

// The account and the policy a request names. With a refusal, a built-in
// policy is refused with it: those cannot be changed or deleted.
absl::StatusOr<std::pair<std::string, PolicyRef>> NamedPolicy(const account::Caller& caller,
                                                              const std::string& account_id,
                                                              const std::string& policy,
                                                              const char* refusal = nullptr);

std::string PolicyArnOf(const std::string& account, const PolicyRef& ref);

// A tag key: 1 to 128 of letters, digits, spaces and _.:/=+-@, not under
// the reserved aws: prefix. INVALID_ARGUMENT naming `field`.
absl::Status CheckTagKey(const std::string& field, const std::string& key);

}  // namespace iam::authz

#endif  // IAM_AUTHZ_POLICY_REF_H_
