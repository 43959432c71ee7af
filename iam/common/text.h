// Validation of the text that enters through the API: UTF-8, lengths in code
// points, identifier alphabets, email and phone shapes. Each check returns
// INVALID_ARGUMENT naming the field and the rule, never echoing the value
// (it may be hostile, or a secret typed in the wrong box). Stateless.
#ifndef IAM_COMMON_TEXT_H_
#define IAM_COMMON_TEXT_H_

#include "absl/strings/string_view.h"
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace iam::text {

bool IsValidUtf8(absl::string_view s);
// Number of code points of a valid UTF-8 string.
size_t CodePoints(absl::string_view s);

// 1..max characters of [A-Za-z0-9+=,.@_-] (the alphabet of AWS IAM names).
absl::Status CheckName(absl::string_view field, absl::string_view value, size_t max);
// Account alias: 3..63 characters of [a-z0-9-], not starting or ending with '-'.
absl::Status CheckAccountName(absl::string_view field, absl::string_view value);
// Valid UTF-8, no control characters, at most max code points (0 allowed
// only when allow_empty).
absl::Status CheckFreeText(absl::string_view field, absl::string_view value, size_t max,
                           bool allow_empty = true);
// local@domain, at most 254 bytes, ASCII or UTF-8 without spaces or controls.
absl::Status CheckEmail(absl::string_view field, absl::string_view value);
// Strips spaces, dashes, dots and parentheses; the rest must be an optional
// '+' and 4 to 15 digits (E.164's length). Returns the normalised number.
absl::StatusOr<std::string> NormalizePhone(absl::string_view field, absl::string_view value);

// "alice@example.com" -> "a***@example.com".
std::string MaskEmail(absl::string_view email);
// "13812341234" -> "138****1234"; short numbers keep only the last two digits.
std::string MaskPhone(absl::string_view phone);

std::string AsciiLower(absl::string_view s);

// The longest description a group, a role or an access key may have.
inline constexpr size_t kMaxDescriptionChars = 1000;

// `value` in double quotes for a message, as C escapes what is not
// printable ASCII (a quote, a control character, a byte of UTF-8), cut at
// 64 bytes: a caller's input named back to the caller, never able to
// break the message's line or a terminal.
std::string Quoted(absl::string_view value);

// application/x-www-form-urlencoded (and query) encoding: unreserved
// characters as they are, a space as '+', every other byte as %XX.
std::string FormEncode(absl::string_view text);

}  // namespace iam::text

#endif  // IAM_COMMON_TEXT_H_
