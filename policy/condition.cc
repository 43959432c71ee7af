#include "policy/condition.h"

#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "policy/arn.h"

namespace iam::policy {
namespace {

struct BaseName {
  const char* name;
  Family family;
  Compare compare;
  bool negated;
};

constexpr BaseName kBases[] = {
    {"StringEquals", Family::kString, Compare::kEquals, false},
    {"StringNotEquals", Family::kString, Compare::kEquals, true},
    {"StringEqualsIgnoreCase", Family::kString, Compare::kEqualsIgnoreCase, false},
    {"StringNotEqualsIgnoreCase", Family::kString, Compare::kEqualsIgnoreCase, true},
    {"StringLike", Family::kString, Compare::kLike, false},
    {"StringNotLike", Family::kString, Compare::kLike, true},
    {"NumericEquals", Family::kNumeric, Compare::kEquals, false},
    {"NumericNotEquals", Family::kNumeric, Compare::kEquals, true},
    {"NumericLessThan", Family::kNumeric, Compare::kLess, false},
    {"NumericLessThanEquals", Family::kNumeric, Compare::kLessEquals, false},
    {"NumericGreaterThan", Family::kNumeric, Compare::kGreater, false},
    {"NumericGreaterThanEquals", Family::kNumeric, Compare::kGreaterEquals, false},
    {"DateEquals", Family::kDate, Compare::kEquals, false},
    {"DateNotEquals", Family::kDate, Compare::kEquals, true},
    {"DateLessThan", Family::kDate, Compare::kLess, false},
    {"DateLessThanEquals", Family::kDate, Compare::kLessEquals, false},
    {"DateGreaterThan", Family::kDate, Compare::kGreater, false},
    {"DateGreaterThanEquals", Family::kDate, Compare::kGreaterEquals, false},
    {"Bool", Family::kBool, Compare::kEquals, false},
    {"BinaryEquals", Family::kBinary, Compare::kEquals, false},
    {"IpAddress", Family::kIp, Compare::kEquals, false},
    {"NotIpAddress", Family::kIp, Compare::kEquals, true},
    {"ArnEquals", Family::kArn, Compare::kEquals, false},
    {"ArnLike", Family::kArn, Compare::kLike, false},
    {"ArnNotEquals", Family::kArn, Compare::kEquals, true},
    {"ArnNotLike", Family::kArn, Compare::kLike, true},
    {"Null", Family::kNull, Compare::kEquals, false},
};

template <typename T>
bool CompareOrdered(Compare c, const T& request, const T& policy) {
  switch (c) {
    case Compare::kLess:
      return request < policy;
    case Compare::kLessEquals:
      return request <= policy;
    case Compare::kGreater:
      return request > policy;
    case Compare::kGreaterEquals:
      return request >= policy;
    default:
      return request == policy;
  }
}

bool ParseNumber(absl::string_view text, double* out) {
  text = absl::StripAsciiWhitespace(text);
  if (text.empty() || text.size() > 64) return false;
  for (char c : text) {
    if (!(absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '+' ||
          c == '.' || c == 'e' || c == 'E')) {
      return false;  // refuses "nan", "inf", hex
    }
  }
  return absl::SimpleAtod(text, out) && std::isfinite(*out);
}

bool IsBase64(absl::string_view s) {
  if (s.empty() || s.size() % 4 != 0) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/') continue;
    if (c == '=' && i >= s.size() - 2) continue;
    return false;
  }
  return true;
}

}  // namespace

bool ParsePolicyTime(absl::string_view text, absl::Time* out) {
  text = absl::StripAsciiWhitespace(text);
  if (text.empty() || text.size() > 64) return false;
  int64_t epoch = 0;
  if (absl::SimpleAtoi(text, &epoch)) {
    if (epoch < -62135596800 || epoch > 253402300799) return false;  // years 1..9999
    *out = absl::FromUnixSeconds(epoch);
    return true;
  }
  std::string err;
  const std::string s(text);
  for (const char* fmt : {"%Y-%m-%d%ET%H:%M:%E*S%Ez", "%Y-%m-%d%ET%H:%M%Ez",
                          "%Y-%m-%d%ET%H:%M:%E*S", "%Y-%m-%d"}) {
    if (absl::ParseTime(fmt, s, absl::UTCTimeZone(), out, &err)) return true;
  }
  return false;
}

absl::StatusOr<Operator> ParseOperator(absl::string_view name) {
  Operator op;
  absl::string_view rest = name;
  if (absl::ConsumePrefix(&rest, "ForAllValues:")) {
    op.set = SetQualifier::kForAllValues;
  } else if (absl::ConsumePrefix(&rest, "ForAnyValue:")) {
    op.set = SetQualifier::kForAnyValue;
  }
  if (absl::ConsumeSuffix(&rest, "IfExists")) op.if_exists = true;
  for (const BaseName& b : kBases) {
    if (rest == b.name) {
      if (b.family == Family::kNull && (op.if_exists || op.set != SetQualifier::kNone)) {
        return absl::InvalidArgumentError("Null takes neither IfExists nor a set qualifier");
      }
      op.family = b.family;
      op.compare = b.compare;
      op.negated = b.negated;
      return op;
    }
  }
  return absl::InvalidArgumentError("unknown condition operator");
}

absl::StatusOr<Condition> Condition::Compile(const Operator& op, absl::string_view key,
                                             const std::vector<std::string>& values,
                                             bool variables) {
  Condition c;
  c.op_ = op;
  c.key_ = absl::AsciiStrToLower(key);
  if (values.empty()) return absl::InvalidArgumentError(": at least one value is required");
  for (size_t i = 0; i < values.size(); ++i) {
    const std::string& v = values[i];
    auto bad = [&](absl::string_view what) {
      return absl::InvalidArgumentError(absl::StrCat("[", i, "]: ", what));
    };
    switch (op.family) {
      case Family::kString:
      case Family::kArn: {
        const bool wildcards = op.family == Family::kArn || op.compare == Compare::kLike;
        auto p = Pattern::Compile(v, wildcards, variables);
        if (!p.ok()) return bad(p.status().message());
        if (op.family == Family::kArn && v != "*" && !absl::StartsWith(v, "arn:") &&
            !p->has_variables()) {
          return bad("not an ARN");
        }
        c.patterns_.push_back(std::move(*p));
        break;
      }
      case Family::kNumeric: {
        double d;
        if (!ParseNumber(v, &d)) return bad("not a number");
        c.numbers_.push_back(d);
        break;
      }
      case Family::kDate: {
        absl::Time t;
        if (!ParsePolicyTime(v, &t)) return bad("not a date (ISO 8601 or epoch seconds)");
        c.times_.push_back(t);
        break;
      }
      case Family::kBool:
      case Family::kNull: {
        const std::string lower = absl::AsciiStrToLower(v);
        if (lower != "true" && lower != "false") return bad("must be true or false");
        if (op.family == Family::kNull) {
          if (values.size() != 1) return bad("Null takes exactly one value");
          c.null_expected_ = lower == "true";
        }
        c.texts_.push_back(lower);
        break;
      }
      case Family::kBinary: {
        // Kept decoded: the request's value is the bytes themselves.
        std::string bytes;
        if (!IsBase64(v) || !absl::Base64Unescape(v, &bytes)) return bad("not base64");
        c.texts_.push_back(std::move(bytes));
        break;
      }
      case Family::kIp: {
        auto cidr = Cidr::Parse(v);
        if (!cidr.ok()) return bad("not a CIDR");
        c.cidrs_.push_back(*cidr);
        break;
      }
    }
  }
  return c;
}

Condition::Outcome Condition::MatchOne(absl::string_view value, const VariableLookup& vars) const {
  auto any = [](bool b) { return b ? Outcome::kMatch : Outcome::kNoMatch; };
  switch (op_.family) {
    case Family::kString:
      for (const Pattern& p : patterns_) {
        if (p.Matches(value, vars, op_.compare == Compare::kEqualsIgnoreCase)) {
          return Outcome::kMatch;
        }
      }
      return Outcome::kNoMatch;
    case Family::kArn:
      for (const Pattern& p : patterns_) {
        if (!p.has_variables()) {
          if (ArnMatch(p.source(), value)) return Outcome::kMatch;
          continue;
        }
        auto resolved = p.Resolve(vars);
        if (resolved && ArnMatch(*resolved, value)) return Outcome::kMatch;
      }
      return Outcome::kNoMatch;
    case Family::kNumeric: {
      double d;
      if (!ParseNumber(value, &d)) return Outcome::kError;
      for (double n : numbers_) {
        if (CompareOrdered(op_.compare, d, n)) return Outcome::kMatch;
      }
      return Outcome::kNoMatch;
    }
    case Family::kDate: {
      absl::Time t;
      if (!ParsePolicyTime(value, &t)) return Outcome::kError;
      for (absl::Time p : times_) {
        if (CompareOrdered(op_.compare, t, p)) return Outcome::kMatch;
      }
      return Outcome::kNoMatch;
    }
    case Family::kBool: {
      const std::string lower = absl::AsciiStrToLower(value);
      if (lower != "true" && lower != "false") return Outcome::kError;
      for (const std::string& t : texts_) {
        if (t == lower) return Outcome::kMatch;
      }
      return Outcome::kNoMatch;
    }
    case Family::kBinary:
      for (const std::string& t : texts_) {
        if (t == value) return Outcome::kMatch;
      }
      return Outcome::kNoMatch;
    case Family::kIp: {
      auto ip = IpAddress::Parse(value);
      if (!ip) return Outcome::kError;
      bool hit = false;
      for (const Cidr& c : cidrs_) hit = hit || c.Contains(*ip);
      return any(hit);
    }
    case Family::kNull:
      return Outcome::kNoMatch;  // handled in Evaluate
  }
  return Outcome::kError;
}

bool Condition::Evaluate(const Context& context, const VariableLookup& vars) const {
  const Context::Entry* entry = context.Find(key_);
  const bool present = entry != nullptr && !entry->values.empty();
  if (op_.family == Family::kNull) return null_expected_ != present;
  if (!present) {
    if (op_.if_exists) return true;
    switch (op_.set) {
      case SetQualifier::kForAllValues:
        return true;  // vacuously: every one of no values matches
      case SetQualifier::kForAnyValue:
        return false;
      case SetQualifier::kNone:
        return op_.negated;
    }
  }
  // For each request value: does it pass? For a negated operator a value
  // passes when it matches none of the policy's values (NOR).
  auto passes = [&](absl::string_view v, bool* error) {
    const Outcome o = MatchOne(v, vars);
    if (o == Outcome::kError) *error = true;
    return op_.negated ? o == Outcome::kNoMatch : o == Outcome::kMatch;
  };
  bool error = false;
  switch (op_.set) {
    case SetQualifier::kForAllValues:
      for (const std::string& v : entry->values) {
        if (!passes(v, &error) || error) return false;
      }
      return true;
    case SetQualifier::kForAnyValue: {
      bool any = false;
      for (const std::string& v : entry->values) {
        any = passes(v, &error) || any;
        if (error) return false;
      }
      return any;
    }
    case SetQualifier::kNone: {
      // Unqualified: the operator holds when some request value matches
      // (negated: when none does).
      bool matched = false;
      for (const std::string& v : entry->values) {
        const Outcome o = MatchOne(v, vars);
        if (o == Outcome::kError) return false;
        matched = matched || o == Outcome::kMatch;
      }
      return op_.negated ? !matched : matched;
    }
  }
  return false;
}

}  // namespace iam::policy
