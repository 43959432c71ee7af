// Where a text stops being JSON, for error messages a person can act on:
// "line 3, column 14: syntax error while parsing object - unexpected '}';
// expected string literal". Exception-free (a SAX pass that only listens
// for the error). Pure; thread-safe.
#ifndef IAM_POLICY_JSON_SYNTAX_H_
#define IAM_POLICY_JSON_SYNTAX_H_

#include <string>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace iam::policy {

// "" when `text` is valid JSON.
std::string JsonSyntaxError(absl::string_view text);

// Parses `text`; INVALID_ARGUMENT "<what>: not valid JSON (line L, column
// C: ...)" when it is not.
absl::StatusOr<nlohmann::json> ParseJson(absl::string_view text, absl::string_view what);

}  // namespace iam::policy

#endif  // IAM_POLICY_JSON_SYNTAX_H_
