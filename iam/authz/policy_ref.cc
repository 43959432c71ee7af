#include "iam/authz/policy_ref.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "iam/account/arn.h"
#include "iam/account/common.h"
#include "iam/account/ids.h"
#include "iam/authz/builtin_policies.h"
#include "iam/common/status_macros.h"
#include "iam/common/text.h"

namespace iam::authz {

const char* ActionWord(store::PrincipalType type) {
  switch (type) {
    case store::PrincipalType::kUser:
      return "User";
    case store::PrincipalType::kGroup:
      return "Group";
    case store::PrincipalType::kRole:
      return "Role";
  }
  return "";
}

std::string PathOf(const account::PrincipalName& p) {
  return account::PrincipalPath(p.type, p.name);
}

absl::StatusOr<PolicyRef> ParsePolicyRef(const std::string& account, const std::string& ref) {
  if (absl::StartsWith(ref, kBuiltinArnPrefix)) {
    std::string name = ref.substr(sizeof(kBuiltinArnPrefix) - 1);
    if (FindBuiltin(name) == nullptr) return absl::NotFoundError("policy not found");
    return PolicyRef{name, true};
  }
  if (absl::StartsWith(ref, "arn:")) {
    // Another account's policy is not there, as far as this caller knows.
    auto arn = account::ParseIamArn(ref);
    if (!arn || arn->account != account || arn->kind != "policy") {
      return absl::NotFoundError("policy not found");
    }
    RETURN_IF_ERROR(text::CheckName("policy", arn->name, kMaxPolicyName));
    return PolicyRef{arn->name, false};
  }
  RETURN_IF_ERROR(text::CheckName("policy", ref, kMaxPolicyName));
  return PolicyRef{ref, false};
}

absl::StatusOr<std::pair<std::string, PolicyRef>> NamedPolicy(const account::Caller& caller,
                                                              const std::string& account_id,
                                                              const std::string& policy,
                                                              const char* refusal) {
  ASSIGN_OR_RETURN(std::string account, account::ResolveAccountId(caller, account_id));
  ASSIGN_OR_RETURN(PolicyRef ref, ParsePolicyRef(account, policy));
  if (refusal != nullptr && ref.builtin) return absl::FailedPreconditionError(refusal);
  return std::make_pair(std::move(account), std::move(ref));
}

std::string PolicyArnOf(const std::string& account, const PolicyRef& ref) {
  return ref.builtin ? BuiltinArn(ref.name) : account::ManagedPolicyArn(account, ref.name);
}

absl::Status CheckTagKey(const std::string& field, const std::string& key) {
  if (key.empty() || key.size() > 128) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": 1 to 128 characters"));
  }
  for (char c : key) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) &&
        std::string_view(" _.:/=+-@").find(c) == std::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": letters, digits, spaces and _.:/=+-@ only"));
    }
  }
  if (absl::StartsWithIgnoreCase(key, "aws:")) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": the aws: prefix is reserved"));
  }
  return absl::OkStatus();
}

}  // namespace iam::authz
