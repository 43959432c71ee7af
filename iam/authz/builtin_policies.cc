#include "iam/authz/builtin_policies.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace iam::authz {

const std::vector<BuiltinPolicy>& BuiltinPolicies() {
  static const auto* list = new std::vector<BuiltinPolicy>{
      {kAdministratorAccess, "Every action on every resource of the account.",
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})"},
      {"ReadOnlyAccess", "Every Get, List and Describe action.",
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
       R"("Action":["*:Get*","*:List*","*:Describe*"],"Resource":"*"}]})"},
      {"IAMReadOnlyAccess", "Read the account's users, groups, roles and policies.",
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
       R"("Action":["iam:Get*","iam:List*"],"Resource":"*"}]})"},
      {"AuthzCheckAccess", "Ask for authorization decisions (services calling Check).",
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
       R"("Action":["authz:Check","authz:BatchCheck"],"Resource":"*"}]})"},
  };
  return *list;
}

const BuiltinPolicy* FindBuiltin(absl::string_view name) {
  for (const BuiltinPolicy& b : BuiltinPolicies()) {
    if (name == b.name) return &b;
  }
  return nullptr;
}

std::string BuiltinId(absl::string_view name) { return absl::StrCat(kBuiltinIdPrefix, name); }
std::string BuiltinArn(absl::string_view name) { return absl::StrCat(kBuiltinArnPrefix, name); }
bool IsBuiltinId(absl::string_view policy_id) {
  return absl::StartsWith(policy_id, kBuiltinIdPrefix);
}

}  // namespace iam::authz
