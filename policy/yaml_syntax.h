// YAML as iamctl and iam-policy write and read it: the JSON data model in
// block style. Pure (text in, text out), like json_syntax.h.
// Writing quotes every string that would read back as something else
// ("123", "true", "null", "1e3"), so that a document read back is the
// document written; reading takes quoted scalars as strings and plain ones
// as null, booleans, numbers or strings, as YAML 1.2's core schema does.
#ifndef IAM_POLICY_YAML_SYNTAX_H_
#define IAM_POLICY_YAML_SYNTAX_H_

#include <string>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace iam::policy {

std::string JsonToYaml(const nlohmann::json& j);

// INVALID_ARGUMENT "<what>: line L, column C: <problem>" for text that is
// not YAML (or JSON, which YAML reads too), or that uses what JSON has no
// form for (anchors aside, which are resolved).
absl::StatusOr<nlohmann::json> YamlToJson(absl::string_view text, absl::string_view what);

}  // namespace iam::policy

#endif  // IAM_POLICY_YAML_SYNTAX_H_
