#include "policy/lint.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "policy/aws_rules.h"
#include "policy/pattern.h"

namespace iam::policy {
namespace {

using Json = nlohmann::json;

// The services whose actions this service itself governs.
constexpr const char* kCatalog[] = {"iam", "sts", "authz", "audit", "s3"};

// Keys whose values are times or addresses, and so want the operator of
// their type (AWS's global condition keys).
constexpr const char* kDateKeys[] = {"aws:currenttime", "aws:tokenissuetime"};
constexpr const char* kNumericKeys[] = {"aws:epochtime", "aws:multifactorauthage"};
constexpr const char* kIpKeys[] = {"aws:sourceip"};
// Keys AWS documents as holding several values.
constexpr const char* kMultiKeys[] = {"aws:tagkeys", "aws:principalorgpaths"};

template <size_t N>
bool In(const std::string& lower, const char* const (&list)[N]) {
  for (const char* k : list) {
    if (lower == k) return true;
  }
  return false;
}

// A string or a list of strings, as a list.
std::vector<std::string> Values(const Json& v) {
  std::vector<std::string> out;
  if (v.is_string()) out.push_back(v.get<std::string>());
  if (v.is_array()) {
    for (const Json& x : v) {
      if (x.is_string()) out.push_back(x.get<std::string>());
    }
  }
  return out;
}

// Whether the action pattern (as written) covers `action`, both lower case.
bool Covers(const std::string& pattern, const std::string& action) {
  return GlobMatch(absl::AsciiStrToLower(pattern), action, /*case_insensitive=*/true);
}

// Whether the glob `wide` matches every string the glob `narrow` matches:
// a '*' of wide may stand for any run of narrow (its wildcards included), a
// '?' for one character or '?', a letter only for itself.
bool GlobCovers(const std::string& wide, const std::string& narrow, bool case_insensitive) {
  auto same = [&](char a, char b) {
    return case_insensitive ? absl::ascii_tolower(static_cast<unsigned char>(a)) ==
                                  absl::ascii_tolower(static_cast<unsigned char>(b))
                            : a == b;
  };
  // covers[i][j]: wide[i..] covers narrow[j..].
  std::vector<std::vector<char>> covers(wide.size() + 1, std::vector<char>(narrow.size() + 1, 0));
  covers[wide.size()][narrow.size()] = 1;
  for (size_t i = wide.size(); i-- > 0;) {
    for (size_t j = narrow.size() + 1; j-- > 0;) {
      const char w = wide[i];
      if (w == '*') {
        covers[i][j] = covers[i + 1][j] || (j < narrow.size() && covers[i][j + 1]);
      } else if (j < narrow.size() && narrow[j] != '*') {
        const bool one = w == '?' ? true : (narrow[j] != '?' && same(w, narrow[j]));
        covers[i][j] = one && covers[i + 1][j + 1];
      }
    }
  }
  return covers[0][0];
}

// Whether every pattern of `narrow` is covered by one of `wide`.
bool AllCovered(const std::vector<std::string>& wide, const std::vector<std::string>& narrow,
                bool case_insensitive) {
  for (const std::string& n : narrow) {
    bool covered = false;
    for (const std::string& w : wide) covered = covered || GlobCovers(w, n, case_insensitive);
    if (!covered) return false;
  }
  return true;
}

// Whether statement `wide` grants (or denies) everything `narrow` does, on
// the same terms: same effect, no condition or the same conditions, the
// same principal, actions and resources covered.
bool StatementCovers(const Json& wide, const Json& narrow) {
  if (wide.value("Effect", "") != narrow.value("Effect", "")) return false;
  for (const char* exact : {"Condition", "Principal", "NotPrincipal"}) {
    const Json w = wide.value(exact, Json()), n = narrow.value(exact, Json());
    const bool w_empty = w.is_null() || w.empty(), n_empty = n.is_null() || n.empty();
    if (w_empty && n_empty) continue;
    if (w != n) return false;
  }
  for (const char* negated : {"NotAction", "NotResource"}) {
    if (wide.contains(negated) || narrow.contains(negated)) return false;
  }
  if (!narrow.contains("Action") || !narrow.contains("Resource")) return false;
  return AllCovered(Values(wide.value("Action", Json())), Values(narrow["Action"]), true) &&
         AllCovered(Values(wide.value("Resource", Json())), Values(narrow["Resource"]), false);
}

class Linter {
 public:
  Linter(PolicyKind kind, const LintOptions& o) : kind_(kind), options_(o) {}

  void Statement(const Json& st, const std::string& path) {
    const bool allow = st.value("Effect", "") == "Allow";
    const std::vector<std::string> actions = Values(st.value("Action", Json()));
    const std::vector<std::string> resources = Values(st.value("Resource", Json()));
    const bool conditioned = st.contains("Condition") && !st["Condition"].empty();
    if (st.contains("Sid") && st["Sid"].is_string()) {
      const std::string sid = st["Sid"].get<std::string>();
      if (!sid.empty() && !sids_.emplace(sid, path).second) {
        Add("DUPLICATE_SID", Severity::kWarning, path + ".Sid",
            absl::StrCat("the Sid \"", sid, "\" is also ", sids_[sid],
                         "'s: a reason naming it is ambiguous"));
      }
    }
    if (kind_ == PolicyKind::kIdentity && st.contains("Action") && st.contains("Resource")) {
      NotApplicable(st["Action"], resources, path + ".Action");
    }
    if (allow && st.contains("NotAction")) {
      Add("ALLOW_WITH_NOT_ACTION", Severity::kWarning, path + ".NotAction",
          "Allow with NotAction grants every other action, those added later included");
    }
    if (allow && st.contains("NotResource")) {
      Add("ALLOW_WITH_NOT_RESOURCE", Severity::kWarning, path + ".NotResource",
          "Allow with NotResource grants on every other resource, those created later included");
    }
    const bool any_resource = std::find(resources.begin(), resources.end(), "*") != resources.end();
    bool full = false, pass_role = false;
    for (const std::string& a : actions) {
      // Every action at once is FULL_ACCESS's business, not PassRole's.
      const bool everything = a == "*" || a == "*:*";
      full = full || everything;
      pass_role = pass_role || (!everything && Covers(a, "iam:passrole"));
    }
    if (allow && full && any_resource && !conditioned) {
      Add("FULL_ACCESS", Severity::kSecurityWarning, path,
          "Allow of every action on every resource: an administrator's policy");
    } else if (allow && pass_role && any_resource) {
      Add("PASS_ROLE_WITH_STAR_IN_RESOURCE", Severity::kSecurityWarning, path + ".Resource",
          "iam:PassRole on \"*\" lets the holder hand any role, and its rights, to a service; "
          "name the roles");
    }
    for (size_t i = 0; i < actions.size(); ++i) {
      const std::string& a = actions[i];
      const size_t colon = a.find(':');
      if (a == "*" || colon == std::string::npos) continue;
      const std::string service = absl::AsciiStrToLower(a.substr(0, colon));
      if (service.find_first_of("*?") != std::string::npos || KnownService(service)) continue;
      Add("UNKNOWN_SERVICE", Severity::kWarning,
          st["Action"].is_array() ? absl::StrCat(path, ".Action[", i, "]") : path + ".Action",
          absl::StrCat("no service \"", service,
                       "\" is known here (iam, sts, authz, audit, s3, or one declared): check "
                       "its spelling"));
    }
    if (kind_ == PolicyKind::kResource && allow && !conditioned && Public(st)) {
      Add("PUBLIC_ACCESS", Severity::kSecurityWarning, path + ".Principal",
          "anyone, signed in or not, gets what this statement allows: make sure the "
          "resources are meant to be public");
    }
    if (st.contains("Condition")) Conditions(st["Condition"], path + ".Condition", allow);
  }

  std::vector<Finding> Take() { return std::move(findings_); }

 private:
  static bool Public(const Json& st) {
    if (!st.contains("Principal")) return false;
    const Json& p = st["Principal"];
    if (p.is_string()) return p.get<std::string>() == "*";
    if (!p.is_object() || !p.contains("AWS")) return false;
    const std::vector<std::string> aws = Values(p["AWS"]);
    return std::find(aws.begin(), aws.end(), "*") != aws.end();
  }

  bool KnownService(const std::string& service) const {
    for (const char* s : kCatalog) {
      if (service == s) return true;
    }
    for (const std::string& s : options_.services) {
      if (service == absl::AsciiStrToLower(s)) return true;
    }
    return false;
  }

  void Conditions(const Json& block, const std::string& path, bool allow) {
    if (block.is_object() && block.empty()) {
      Add("EMPTY_CONDITION", Severity::kSuggestion, path,
          "an empty Condition block sets no condition: remove it");
      return;
    }
    for (const auto& [op, keys] : block.items()) {
      absl::string_view base_view = op;
      const bool for_all = absl::ConsumePrefix(&base_view, "ForAllValues:");
      absl::ConsumePrefix(&base_view, "ForAnyValue:");
      const bool if_exists = absl::ConsumeSuffix(&base_view, "IfExists");
      const std::string base(base_view);
      if (!keys.is_object()) continue;
      for (const auto& [key, _] : keys.items()) {
        const std::string lower = absl::AsciiStrToLower(key);
        const std::string where = absl::StrCat(path, ".", op, ".", key);
        const bool string_op = absl::StartsWith(base, "String");
        const bool date_op = absl::StartsWith(base, "Date");
        if (string_op && (In(lower, kDateKeys) || In(lower, kIpKeys) || In(lower, kNumericKeys))) {
          Add("MISMATCHED_OPERATOR", Severity::kWarning, where,
              absl::StrCat(key, " is a ",
                           In(lower, kIpKeys) ? "network address: use IpAddress"
                           : In(lower, kDateKeys) ? "time: use a Date operator"
                                                  : "number: use a Numeric operator",
                           "; ", base, " compares its text"));
        } else if (date_op && !In(lower, kDateKeys) && !In(lower, kNumericKeys) &&
                   absl::StartsWith(lower, "aws:") && lower != "aws:currenttime") {
          Add("MISMATCHED_OPERATOR", Severity::kWarning, where,
              absl::StrCat(key, " is not a time: ", base, " never matches its values"));
        }
        if (for_all && allow) {
          Add("FOR_ALL_VALUES_WITH_ALLOW", Severity::kSecurityWarning, where,
              "ForAllValues is true when the key is missing, so this Allow applies to requests "
              "without it; add a Null condition on the key");
        }
        const bool negated = absl::StrContains(base, "Not");
        if (negated && !for_all && In(lower, kMultiKeys)) {
          Add("NEGATED_OPERATOR_ON_MULTIVALUED_KEY", Severity::kWarning, where,
              absl::StrCat(key, " holds several values: ", base,
                           " without a set qualifier tests them as one; use ForAllValues or "
                           "ForAnyValue"));
        }
        if (if_exists && !allow) {
          Add("DENY_WITH_IF_EXISTS", Severity::kSuggestion, where,
              "a Deny with ...IfExists applies to every request without the key too: make sure "
              "that is meant");
        }
      }
    }
  }

  // S3 refuses a bucket policy whose action acts on none of the
  // statement's resources; in an identity policy such an action is
  // accepted and grants nothing there.
  void NotApplicable(const Json& actions, const std::vector<std::string>& resources,
                     const std::string& path) {
    unsigned named = 0;  // what the statement's resources can name
    for (const std::string& r : resources) named |= S3ResourceTargets(r);
    auto check = [&](const Json& a, const std::string& p) {
      if (!a.is_string()) return;
      const unsigned wants = S3ActionTargets(a.get<std::string>());
      if (wants == 0 || (wants & named) != 0) return;
      Add("ACTION_NOT_APPLICABLE", Severity::kWarning, p,
          absl::StrCat("\"", a.get<std::string>(), "\" acts on ", S3TargetsText(wants),
                       "; no resource of the statement is one, so it grants nothing here"));
    };
    if (actions.is_array()) {
      for (size_t i = 0; i < actions.size(); ++i) {
        check(actions[i], absl::StrCat(path, "[", i, "]"));
      }
    } else {
      check(actions, path);
    }
  }

  // A statement another covers wholly adds nothing; of two that cover
  // each other (duplicates), the later is named.
 public:
  void Redundant(const Json& statements) {
    for (size_t i = 0; i < statements.size(); ++i) {
      if (!statements[i].is_object()) continue;
      for (size_t j = 0; j < statements.size(); ++j) {
        if (i == j || !statements[j].is_object()) continue;
        if (!StatementCovers(statements[j], statements[i])) continue;
        if (j > i && StatementCovers(statements[i], statements[j])) continue;
        Add("REDUNDANT_STATEMENT", Severity::kSuggestion, absl::StrCat("Statement[", i, "]"),
            absl::StrCat("Statement[", j, "] already ",
                         statements[i].value("Effect", "") == "Deny" ? "denies" : "allows",
                         " everything this one does: remove it, or narrow the other"));
        break;
      }
    }
  }

  void Add(std::string code, Severity severity, std::string path, std::string message) {
    findings_.push_back({std::move(code), severity, std::move(path), std::move(message)});
  }

 private:

  PolicyKind kind_;
  const LintOptions& options_;
  std::map<std::string, std::string> sids_;  // Sid -> the path of its first statement
  std::vector<Finding> findings_;
};

}  // namespace

const char* SeverityName(Severity s) {
  switch (s) {
    case Severity::kError:
      return "ERROR";
    case Severity::kSecurityWarning:
      return "SECURITY_WARNING";
    case Severity::kWarning:
      return "WARNING";
    case Severity::kSuggestion:
      return "SUGGESTION";
  }
  return "WARNING";
}

std::vector<Finding> LintPolicy(const Json& doc, PolicyKind kind, const LintOptions& options) {
  Linter linter(kind, options);
  if (!doc.is_object() || !doc.contains("Statement")) return {};
  if (!doc.contains("Version")) {
    linter.Add("MISSING_VERSION", Severity::kWarning, "Version",
               "no Version: the policy is read as 2008-10-17, where ${...} is text, not a "
               "variable; state \"2012-10-17\"");
  }
  const Json& statements = doc["Statement"];
  if (statements.is_object()) {
    linter.Statement(statements, "Statement");
  } else if (statements.is_array()) {
    for (size_t i = 0; i < statements.size(); ++i) {
      if (statements[i].is_object()) linter.Statement(statements[i], absl::StrCat("Statement[", i, "]"));
    }
    linter.Redundant(statements);
  }
  return linter.Take();
}

Json FindingsToJson(const std::vector<Finding>& findings) {
  Json out = Json::array();
  for (const Finding& f : findings) {
    out.push_back({{"code", f.code},
                   {"severity", SeverityName(f.severity)},
                   {"path", f.path},
                   {"message", f.message}});
  }
  return out;
}

}  // namespace iam::policy
