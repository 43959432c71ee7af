// Policy: an IAM or resource ("bucket") policy document, parsed, validated
// and compiled: patterns pre-split, actions lower-cased, conditions typed.
// Plain data, immutable after ParsePolicy; safe to share across threads.
#ifndef IAM_POLICY_POLICY_H_
#define IAM_POLICY_POLICY_H_

#include <string>
#include <vector>

#include "policy/condition.h"
#include "policy/arn.h"
#include "policy/pattern.h"

namespace iam::policy {

enum class Effect { kAllow, kDeny };
enum class PolicyKind { kIdentity, kResource };

// Who a resource policy statement names.
struct PrincipalSpec {
  bool everyone = false;              // "*" or {"AWS": "*"}: anyone, anonymous too
  std::vector<std::string> accounts;  // the account as a whole (id, :root ARN, CanonicalUser)
  std::vector<std::string> arns;      // exactly these users, roles or groups' members
  std::vector<std::string> others;    // Service / Federated: never a user principal
};

struct Statement {
  int ordinal = 0;    // position in its PolicySet, for a stable order of reasons
  std::string label;  // "identity_policies[0].Statement[2] (ReadOnly)"
  std::string sid;
  Effect effect = Effect::kAllow;
  bool not_action = false;
  std::vector<Pattern> actions;  // lower-case, wildcards
  bool not_resource = false;
  std::vector<Pattern> resources;
  bool has_principal = false;
  bool not_principal = false;
  PrincipalSpec principal;
  std::vector<Condition> conditions;
};

struct Policy {
  PolicyKind kind = PolicyKind::kIdentity;
  std::string version;  // "2012-10-17" or "2008-10-17"
  std::string id;
  std::vector<Statement> statements;
};

// AWS's limits: 6,144 characters (not counting white space) for a managed
// identity policy, 20 KiB for a bucket policy.
inline constexpr size_t kDefaultIdentityPolicyLimit = 6144;
inline constexpr size_t kDefaultResourcePolicyLimit = 20 * 1024;
// The limit when reading back a stored document: it was held to the write
// limit when stored, and a limit lowered since must not make it unreadable.
inline constexpr size_t kStoredPolicyLimit = 1 << 20;

struct ParseOptions {
  PolicyKind kind = PolicyKind::kIdentity;
  size_t max_size = 0;  // 0: AWS's default for the kind
  std::string label = "policy";  // prefix of the statements' labels
  // Reading back a document stored under earlier rules: AWS's write-time
  // rules (aws_rules.h, the action and Sid forms) are not applied, so a
  // rule added since never makes a stored policy unreadable. The grammar
  // evaluation needs is checked as ever.
  bool stored = false;
};

// INVALID_ARGUMENT naming the JSON path of the first problem, e.g.
// "Statement[2].Condition.IpAddress.aws:SourceIp[0]: not a CIDR".
absl::StatusOr<Policy> ParsePolicy(absl::string_view json_text, const ParseOptions& options);

}  // namespace iam::policy

#endif  // IAM_POLICY_POLICY_H_
