#include "iam/account/paging.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "iam/common/crypto.h"

namespace iam::account {

absl::StatusOr<Page> ParsePage(int page_size, absl::string_view token, absl::string_view kind) {
  Page p;
  if (page_size < 0) return absl::InvalidArgumentError("page_size: must not be negative");
  if (page_size > kMaxPageSize) {
    return absl::InvalidArgumentError(absl::StrCat("page_size: at most ", kMaxPageSize));
  }
  if (page_size > 0) p.size = page_size;
  if (token.empty()) return p;
  auto raw = token.size() > 512 ? absl::InvalidArgumentError("") : crypto::FromBase64Url(token);
  const std::string prefix = absl::StrCat(kind, "|");
  if (!raw.ok() || !absl::StartsWith(*raw, prefix)) {
    return absl::InvalidArgumentError("page_token: not a token of this listing");
  }
  p.after = raw->substr(prefix.size());
  return p;
}

std::string PageToken(absl::string_view kind, absl::string_view last_key) {
  return crypto::Base64Url(absl::StrCat(kind, "|", last_key));
}

}  // namespace iam::account
