#include "iam/server/request_checks.h"

#include "iam/account/arn.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace iam::server {

bool IsAccountId(const std::string& id) { return account::IsAccountId(id); }

bool IsForm(const HttpRequest& r) {
  const std::string* type = r.Header("content-type");
  if (type == nullptr) return false;
  absl::string_view t = *type;
  return absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(t.substr(0, t.find(';'))),
                                "application/x-www-form-urlencoded");
}

}  // namespace iam::server
