#include "policy/arn.h"

#include "policy/pattern.h"

namespace iam::policy {

bool IsAccountName(absl::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

bool SplitArn(absl::string_view text, ArnParts* parts) {
  if (text.substr(0, 4) != "arn:") return false;
  size_t start = 0;
  for (int i = 0; i < 5; ++i) {
    const size_t colon = text.find(':', start);
    if (colon == absl::string_view::npos) return false;
    (*parts)[i] = text.substr(start, colon - start);
    start = colon + 1;
  }
  (*parts)[5] = text.substr(start);
  return true;
}

bool ArnMatch(absl::string_view pattern, absl::string_view arn, bool ci) {
  if (pattern == "*") return true;
  ArnParts p, a;
  if (!SplitArn(pattern, &p) || !SplitArn(arn, &a)) return false;
  for (int i = 0; i < 6; ++i) {
    if (!GlobMatch(p[i], a[i], ci)) return false;
  }
  return true;
}

}  // namespace iam::policy
