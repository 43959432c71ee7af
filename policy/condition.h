// Condition: one "operator: {key: values}" pair of a statement's Condition
// block, compiled. Covers every AWS operator family (String*, Numeric*,
// Date*, Bool, BinaryEquals, IpAddress/NotIpAddress, Arn*, Null), the
// ...IfExists suffix and the ForAllValues:/ForAnyValue: qualifiers, with
// AWS's rules: values of one key OR together (NOR for a negated operator);
// a missing key fails positive operators and satisfies negated ones; a value
// that cannot be read (a non-number for Numeric*) fails the condition
// whatever the operator (fail closed). Immutable, thread-safe.
#ifndef IAM_POLICY_CONDITION_H_
#define IAM_POLICY_CONDITION_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "policy/cidr.h"
#include "policy/pattern.h"
#include "policy/request.h"

namespace iam::policy {

enum class Family { kString, kNumeric, kDate, kBool, kBinary, kIp, kArn, kNull };
enum class Compare { kEquals, kEqualsIgnoreCase, kLike, kLess, kLessEquals, kGreater, kGreaterEquals };
enum class SetQualifier { kNone, kForAllValues, kForAnyValue };

struct Operator {
  Family family = Family::kString;
  Compare compare = Compare::kEquals;
  bool negated = false;
  bool if_exists = false;
  SetQualifier set = SetQualifier::kNone;
};

// "ForAnyValue:StringNotLikeIfExists" -> its parts. INVALID_ARGUMENT when
// unknown.
absl::StatusOr<Operator> ParseOperator(absl::string_view name);

class Condition {
 public:
  // values: the policy's strings (JSON numbers and booleans already turned
  // into text). variables: the policy's version allows ${...}. Errors are
  // INVALID_ARGUMENT with a message relative to the value ("[1]: not a CIDR").
  static absl::StatusOr<Condition> Compile(const Operator& op, absl::string_view key,
                                           const std::vector<std::string>& values,
                                           bool variables);

  bool Evaluate(const Context& context, const VariableLookup& vars) const;
  const std::string& key() const { return key_; }

 private:
  enum class Outcome { kMatch, kNoMatch, kError };
  // Does one request value match any of the policy's values?
  Outcome MatchOne(absl::string_view value, const VariableLookup& vars) const;

  Operator op_;
  std::string key_;  // lower-case
  std::vector<Pattern> patterns_;  // String*, Arn*
  std::vector<double> numbers_;
  std::vector<absl::Time> times_;
  std::vector<Cidr> cidrs_;
  std::vector<std::string> texts_;  // Bool ("true"/"false"), Binary (the decoded bytes)
  bool null_expected_ = false;      // Null: true means "the key is absent"
};

// ISO 8601 ("2026-01-02", "2026-01-02T03:04:05Z", with fractions or an
// offset) or epoch seconds.
bool ParsePolicyTime(absl::string_view text, absl::Time* out);

}  // namespace iam::policy

#endif  // IAM_POLICY_CONDITION_H_
