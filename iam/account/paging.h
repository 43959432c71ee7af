// Page tokens for List calls: an opaque encoding of the last key returned,
// tied to the kind of listing so a token from one list is refused by another.
#ifndef IAM_ACCOUNT_PAGING_H_
#define IAM_ACCOUNT_PAGING_H_

#include "absl/strings/string_view.h"
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace iam::account {

inline constexpr int kDefaultPageSize = 100;
inline constexpr int kMaxPageSize = 1000;

struct Page {
  int size = kDefaultPageSize;
  std::string after;  // the last key of the previous page; "" for the first
};

// INVALID_ARGUMENT (page_size / page_token) for a negative or too large size
// or a token that is not one of ours for this kind.
absl::StatusOr<Page> ParsePage(int page_size, absl::string_view token, absl::string_view kind);
std::string PageToken(absl::string_view kind, absl::string_view last_key);

}  // namespace iam::account

#endif  // IAM_ACCOUNT_PAGING_H_
