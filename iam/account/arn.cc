#include "iam/account/arn.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace iam::account {

bool IsAccountId(absl::string_view id) {
  return id.size() == 12 && std::all_of(id.begin(), id.end(), [](char c) {
           return absl::ascii_isdigit(static_cast<unsigned char>(c));
         });
}

std::string IamArn(absl::string_view account_id, absl::string_view path) {
  bool printable = path.size() <= 256;
  for (char c : path) printable = printable && c > 0x20 && c < 0x7f;
  return absl::StrCat("arn:aws:iam::", account_id, ":", printable ? path : "*");
}

std::string PrincipalPath(store::PrincipalType type, absl::string_view name) {
  return absl::StrCat(store::Name(type), "/", name);
}

std::string PrincipalArn(absl::string_view account_id, store::PrincipalType type,
                         absl::string_view name) {
  return IamArn(account_id, PrincipalPath(type, name));
}

std::string UserArn(absl::string_view account_id, absl::string_view username) {
  return PrincipalArn(account_id, store::PrincipalType::kUser, username);
}

std::string GroupArn(absl::string_view account_id, absl::string_view name) {
  return PrincipalArn(account_id, store::PrincipalType::kGroup, name);
}

std::string RoleArn(absl::string_view account_id, absl::string_view name) {
  return PrincipalArn(account_id, store::PrincipalType::kRole, name);
}

std::string ManagedPolicyArn(absl::string_view account_id, absl::string_view name) {
  return IamArn(account_id, absl::StrCat("policy/", name));
}

std::optional<IamName> ParseIamArn(absl::string_view arn) {
  if (!absl::ConsumePrefix(&arn, "arn:aws:iam::")) return std::nullopt;
  const size_t colon = arn.find(':');
  if (colon == absl::string_view::npos || colon == 0) return std::nullopt;
  IamName out;
  out.account = std::string(arn.substr(0, colon));
  absl::string_view rest = arn.substr(colon + 1);
  const size_t slash = rest.find('/');
  out.kind = std::string(rest.substr(0, slash));
  if (out.kind.empty()) return std::nullopt;
  if (slash != absl::string_view::npos) out.name = std::string(rest.substr(slash + 1));
  return out;
}

}  // namespace iam::account
