// LintPolicy: what is worth a second look in a valid policy document, as
// IAM Access Analyzer's policy validation reports it: each finding with a
// code, a severity, the JSON path and one line of explanation. Findings
// never refuse a document (validation does that, as AWS does); they are
// for the administrator, and `--strict` tools may refuse on a security
// warning. Pure.
#ifndef IAM_POLICY_LINT_H_
#define IAM_POLICY_LINT_H_

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "policy/policy.h"

namespace iam::policy {

enum class Severity { kError, kSecurityWarning, kWarning, kSuggestion };
const char* SeverityName(Severity s);  // "ERROR", "SECURITY_WARNING", ...

struct Finding {
  std::string code;  // "PASS_ROLE_WITH_STAR_IN_RESOURCE"
  Severity severity = Severity::kWarning;
  std::string path;  // "Statement[1].Resource"
  std::string message;
};

struct LintOptions {
  // Service prefixes beyond the ones this service governs (iam, sts, authz,
  // audit, s3): the services an account declares.
  std::vector<std::string> services;
};

// `doc` is a document ParsePolicy accepted for `kind`.
std::vector<Finding> LintPolicy(const nlohmann::json& doc, PolicyKind kind,
                                const LintOptions& options = {});

nlohmann::json FindingsToJson(const std::vector<Finding>& findings);

}  // namespace iam::policy

#endif  // IAM_POLICY_LINT_H_
