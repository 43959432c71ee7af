// Pattern: a policy string compiled once for matching many times. It holds
// literal runs, the wildcards '*' (any run, possibly empty) and '?' (one
// character), and policy variables ("${aws:username}", "${key, 'default'}")
// resolved from the request at match time. The escapes ${*}, ${?} and ${$}
// stand for the literal characters. Immutable and thread-safe once built.
#ifndef IAM_POLICY_PATTERN_H_
#define IAM_POLICY_PATTERN_H_

#include <functional>
#include <optional>
#include <string_view>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace iam::policy {

// Looks up a request context key (lower-case); nullptr when absent. Only the
// first value of a multi-valued key stands in for a variable.
using VariableLookup = std::function<const std::vector<std::string>*(absl::string_view key)>;

class Pattern {
 public:
  enum class Kind { kLiteral, kStar, kQuestion, kVariable };
  struct Token {
    Kind kind;
    std::string text;              // literal text, or the variable's key (lower-case)
    std::optional<std::string> fallback;  // ${key, 'default'}
  };

  // wildcards: '*' and '?' are wildcards (Like, Resource, Action); otherwise
  // they are literal (Equals). variables: "${...}" is a variable (policy
  // version 2012-10-17); otherwise literal. INVALID_ARGUMENT for a malformed
  // variable ("${" without "}", an empty key).
  static absl::StatusOr<Pattern> Compile(absl::string_view text, bool wildcards, bool variables);

  // Matches the whole of `subject`. case_insensitive folds ASCII letters.
  // A variable whose key is absent and has no default matches nothing.
  bool Matches(absl::string_view subject, const VariableLookup& vars,
               bool case_insensitive = false) const;

  // The text, with variables resolved; nullopt when one cannot be.
  std::optional<std::string> Resolve(const VariableLookup& vars) const;

  // The literal text before the first wildcard or variable.
  const std::string& literal_prefix() const { return prefix_; }
  bool is_literal() const { return literal_; }
  bool is_match_all() const { return tokens_.size() == 1 && tokens_[0].kind == Kind::kStar; }
  bool has_variables() const { return has_variables_; }
  const std::string& source() const { return source_; }

 private:
  std::vector<Token> tokens_;
  // The whole pattern as a plain glob, when it has no variables and no
  // escaped '*' or '?': the common case, matched without any allocation.
  std::optional<std::string> glob_;
  std::string prefix_;
  std::string source_;
  bool literal_ = true;
  bool has_variables_ = false;
};

// Matches `subject` against a glob with '*' and '?', both plain strings.
bool GlobMatch(absl::string_view pattern, absl::string_view subject, bool case_insensitive);

}  // namespace iam::policy

#endif  // IAM_POLICY_PATTERN_H_
