// ParsePolicy: JSON text to a compiled Policy, validating as it goes.
#include <nlohmann/json.hpp>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "policy/aws_rules.h"
#include "policy/arn.h"
#include "policy/json_syntax.h"
#include "policy/policy.h"

namespace iam::policy {
namespace {

using Json = nlohmann::json;

absl::Status Error(const std::string& path, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", what));
}

// A string, or a non-empty array of strings. A null in an array is
// skipped, as AWS skips it; `indices` (when given) receives each string's
// position in the array, for the paths of errors.
absl::StatusOr<std::vector<std::string>> Strings(const Json& v, const std::string& path,
                                                 std::vector<size_t>* indices = nullptr) {
  std::vector<std::string> out;
  if (v.is_string()) {
    out.push_back(v.get<std::string>());
    if (indices) indices->push_back(0);
    return out;
  }
  if (!v.is_array()) return Error(path, "must be a string or an array of strings");
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i].is_null()) continue;
    if (!v[i].is_string()) return Error(absl::StrCat(path, "[", i, "]"), "must be a string");
    out.push_back(v[i].get<std::string>());
    if (indices) indices->push_back(i);
  }
  if (out.empty()) return Error(path, "must not be empty");
  return out;
}

absl::Status ParseActions(const Json& v, const std::string& path, bool stored, Statement& st) {
  std::vector<size_t> at;
  auto list = Strings(v, path, &at);
  if (!list.ok()) return list.status();
  for (size_t i = 0; i < list->size(); ++i) {
    const std::string& a = (*list)[i];
    const std::string p = v.is_array() ? absl::StrCat(path, "[", at[i], "]") : path;
    if (a.empty()) return Error(p, "empty action");
    if (a != "*" && (stored ? a.find(':') == std::string::npos
                            : std::count(a.begin(), a.end(), ':') != 1)) {
      return Error(p, "an action is \"service:Name\" (one ':') or \"*\"");
    }
    for (char c : a) {
      if (!(absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == ':' || c == '*' ||
            c == '?' || c == '-' || c == '_' || c == '.')) {
        return Error(p, "bad character in action");
      }
    }
    auto pat = Pattern::Compile(absl::AsciiStrToLower(a), /*wildcards=*/true, /*variables=*/false);
    if (!pat.ok()) return Error(p, pat.status().message());
    st.actions.push_back(std::move(*pat));
  }
  return absl::OkStatus();
}

absl::Status ParseResources(const Json& v, const std::string& path, bool variables, bool stored,
                            Statement& st) {
  std::vector<size_t> at;
  auto list = Strings(v, path, &at);
  if (!list.ok()) return list.status();
  for (size_t i = 0; i < list->size(); ++i) {
    const std::string& r = (*list)[i];
    const std::string p = v.is_array() ? absl::StrCat(path, "[", at[i], "]") : path;
    if (r != "*") {
      if (!absl::StartsWith(r, "arn:") ||
          std::count(r.begin(), r.end(), ':') < 5) {
        return Error(p, "not an ARN (arn:partition:service:region:account:resource) or \"*\"");
      }
      if (!stored) {
        if (absl::Status layout = CheckResourceLayout(r, p); !layout.ok()) return layout;
      }
    }
    auto pat = Pattern::Compile(r, /*wildcards=*/true, variables);
    if (!pat.ok()) return Error(p, pat.status().message());
    st.resources.push_back(std::move(*pat));
  }
  return absl::OkStatus();
}

absl::Status ParsePrincipal(const Json& v, const std::string& path, PrincipalSpec& out) {
  if (v.is_string()) {
    if (v.get<std::string>() != "*") return Error(path, "a string principal must be \"*\"");
    out.everyone = true;
    return absl::OkStatus();
  }
  if (!v.is_object() || v.empty()) {
    return Error(path, "must be \"*\" or an object of AWS, CanonicalUser, Service, Federated");
  }
  for (auto it = v.begin(); it != v.end(); ++it) {
    const std::string p = absl::StrCat(path, ".", it.key());
    auto list = Strings(it.value(), p);
    if (!list.ok()) return list.status();
    for (size_t i = 0; i < list->size(); ++i) {
      const std::string& s = (*list)[i];
      const std::string pi = it.value().is_array() ? absl::StrCat(p, "[", i, "]") : p;
      if (it.key() == "AWS") {
        if (s == "*") {
          out.everyone = true;
        } else if (IsAccountName(s)) {
          out.accounts.push_back(s);
        } else if (absl::StartsWith(s, "arn:")) {
          if (s.find_first_of("*?") != std::string::npos) {
            return Error(pi, "wildcards are not allowed in a principal ARN");
          }
          ArnParts parts;
          if (!SplitArn(s, &parts) || !IsAccountName(parts[4])) {
            return Error(pi, "not a principal ARN");
          }
          if (parts[5] == "root") {
            out.accounts.push_back(std::string(parts[4]));
          } else {
            out.arns.push_back(s);
          }
        } else {
          return Error(pi, "not an account, an ARN or \"*\"");
        }
      } else if (it.key() == "CanonicalUser") {
        // Canonical ids are account names here.
        if (!IsAccountName(s)) return Error(pi, kAccountNameRule);
        out.accounts.push_back(s);
      } else if (it.key() == "Service" || it.key() == "Federated") {
        if (s.empty()) return Error(pi, "empty principal");
        out.others.push_back(s);
      } else {
        return Error(p, "unknown principal type");
      }
    }
  }
  return absl::OkStatus();
}

// JSON numbers and booleans are accepted where AWS accepts them, as text.
absl::StatusOr<std::vector<std::string>> ConditionValues(const Json& v, const std::string& path) {
  std::vector<std::string> out;
  auto one = [&](const Json& x, const std::string& p) -> absl::Status {
    if (x.is_string()) {
      out.push_back(x.get<std::string>());
    } else if (x.is_boolean()) {
      out.push_back(x.get<bool>() ? "true" : "false");
    } else if (x.is_number()) {
      out.push_back(x.dump());
    } else {
      return Error(p, "must be a string, number or boolean");
    }
    return absl::OkStatus();
  };
  if (v.is_array()) {
    if (v.empty()) return Error(path, "must not be empty");
    for (size_t i = 0; i < v.size(); ++i) {
      absl::Status s = one(v[i], absl::StrCat(path, "[", i, "]"));
      if (!s.ok()) return s;
    }
  } else {
    absl::Status s = one(v, path);
    if (!s.ok()) return s;
  }
  return out;
}

absl::Status ParseConditions(const Json& v, const std::string& path, bool variables,
                             Statement& st) {
  if (!v.is_object()) return Error(path, "must be an object");
  for (auto op_it = v.begin(); op_it != v.end(); ++op_it) {
    const std::string op_path = absl::StrCat(path, ".", op_it.key());
    auto op = ParseOperator(op_it.key());
    if (!op.ok()) return Error(op_path, op.status().message());
    if (!op_it.value().is_object() || op_it.value().empty()) {
      return Error(op_path, "must be an object of condition keys");
    }
    for (auto k = op_it.value().begin(); k != op_it.value().end(); ++k) {
      const std::string key_path = absl::StrCat(op_path, ".", k.key());
      if (k.key().empty()) return Error(key_path, "empty condition key");
      auto values = ConditionValues(k.value(), key_path);
      if (!values.ok()) return values.status();
      auto cond = Condition::Compile(*op, k.key(), *values, variables);
      if (!cond.ok()) {
        // Messages are relative to the key: "[i]: ..." or ": ...".
        return absl::InvalidArgumentError(absl::StrCat(key_path, cond.status().message()));
      }
      st.conditions.push_back(std::move(*cond));
    }
  }
  return absl::OkStatus();
}

absl::Status ParseStatement(const Json& s, const std::string& path, const Policy& policy,
                            const std::string& label, bool stored, Statement& st) {
  if (!s.is_object()) return Error(path, "must be an object");
  static const absl::flat_hash_set<std::string> kKnown = {
      "Sid", "Effect", "Action", "NotAction", "Resource", "NotResource",
      "Principal", "NotPrincipal", "Condition"};
  for (auto it = s.begin(); it != s.end(); ++it) {
    if (!kKnown.contains(it.key())) return Error(absl::StrCat(path, ".", it.key()), "unknown element");
  }
  const bool variables = policy.version == "2012-10-17";
  if (s.contains("Sid")) {
    if (!s["Sid"].is_string()) return Error(path + ".Sid", "must be a string");
    st.sid = s["Sid"].get<std::string>();
    // IAM takes only letters and digits in an identity policy's Sid; S3
    // takes any text in a bucket policy's.
    if (!stored && policy.kind == PolicyKind::kIdentity) {
      for (char c : st.sid) {
        if (!absl::ascii_isalnum(static_cast<unsigned char>(c))) {
          return Error(path + ".Sid",
                       "in an identity policy, letters and digits only (A-Z, a-z, 0-9)");
        }
      }
    }
  }
  st.label = st.sid.empty() ? label : absl::StrCat(label, " (", st.sid, ")");
  if (!s.contains("Effect")) return Error(path + ".Effect", "required");
  if (s["Effect"] == "Allow") {
    st.effect = Effect::kAllow;
  } else if (s["Effect"] == "Deny") {
    st.effect = Effect::kDeny;
  } else {
    return Error(path + ".Effect", "must be \"Allow\" or \"Deny\"");
  }
  const bool has_a = s.contains("Action"), has_na = s.contains("NotAction");
  if (has_a && has_na) return Error(path, "Action and NotAction cannot be used together");
  if (!has_a && !has_na) return Error(path + ".Action", "required");
  st.not_action = has_na;
  absl::Status r = ParseActions(s[has_a ? "Action" : "NotAction"],
                                path + (has_a ? ".Action" : ".NotAction"), stored, st);
  if (!r.ok()) return r;
  const bool has_r = s.contains("Resource"), has_nr = s.contains("NotResource");
  if (has_r && has_nr) return Error(path, "Resource and NotResource cannot be used together");
  if (!has_r && !has_nr) return Error(path + ".Resource", "required");
  st.not_resource = has_nr;
  r = ParseResources(s[has_r ? "Resource" : "NotResource"],
                     path + (has_r ? ".Resource" : ".NotResource"), variables, stored, st);
  if (!r.ok()) return r;
  const bool has_p = s.contains("Principal"), has_np = s.contains("NotPrincipal");
  if (policy.kind == PolicyKind::kIdentity && (has_p || has_np)) {
    return Error(path + (has_p ? ".Principal" : ".NotPrincipal"),
                 "not allowed in an identity policy");
  }
  if (policy.kind == PolicyKind::kResource) {
    if (has_p && has_np) return Error(path, "Principal and NotPrincipal cannot be used together");
    if (!has_p && !has_np) return Error(path + ".Principal", "required in a resource policy");
    st.has_principal = true;
    st.not_principal = has_np;
    r = ParsePrincipal(s[has_p ? "Principal" : "NotPrincipal"],
                       path + (has_p ? ".Principal" : ".NotPrincipal"), st.principal);
    if (!r.ok()) return r;
  }
  if (s.contains("Condition")) {
    r = ParseConditions(s["Condition"], path + ".Condition", variables, st);
    if (!r.ok()) return r;
  }
  // S3's rule for bucket policies: every action applies to one of the
  // statement's resources (an object action to an object, a bucket action
  // to a bucket). In identity policies AWS does not refuse this; lint
  // reports it there.
  if (!stored && policy.kind == PolicyKind::kResource && has_a && has_r) {
    std::vector<size_t> at;
    auto actions = Strings(s["Action"], path + ".Action", &at);
    if (!actions.ok()) return actions.status();
    unsigned named = 0;  // what the statement's resources can name
    for (const Pattern& res : st.resources) named |= S3ResourceTargets(res.source());
    for (size_t i = 0; i < actions->size(); ++i) {
      const unsigned wants = S3ActionTargets((*actions)[i]);
      if (wants != 0 && (wants & named) == 0) {
        const std::string at_path = s["Action"].is_array()
                                        ? absl::StrCat(path, ".Action[", at[i], "]")
                                        : path + ".Action";
        return Error(at_path,
                     absl::StrCat("\"", (*actions)[i],
                                  "\" applies to no resource of the statement (it acts on ",
                                  S3TargetsText(wants), ")"));
      }
    }
  }
  return absl::OkStatus();
}

size_t CountNonWhitespace(absl::string_view text) {
  size_t n = 0;
  for (char c : text) {
    if (!absl::ascii_isspace(static_cast<unsigned char>(c))) ++n;
  }
  return n;
}

}  // namespace

absl::StatusOr<Policy> ParsePolicy(absl::string_view text, const ParseOptions& options) {
  const size_t limit = options.max_size != 0 ? options.max_size
                       : options.kind == PolicyKind::kIdentity ? kDefaultIdentityPolicyLimit
                                                               : kDefaultResourcePolicyLimit;
  const size_t size = CountNonWhitespace(text);
  if (size > limit) {
    return absl::InvalidArgumentError(
        absl::StrCat("policy: ", size, " characters (not counting white space), more than the "
                     "limit of ", limit));
  }
  absl::StatusOr<Json> parsed = ParseJson(text, "policy");
  if (!parsed.ok()) return parsed.status();
  Json doc = *std::move(parsed);
  if (!doc.is_object()) return absl::InvalidArgumentError("policy: must be a JSON object");
  Policy policy;
  policy.kind = options.kind;
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    if (it.key() != "Version" && it.key() != "Id" && it.key() != "Statement") {
      return Error(it.key(), "unknown element");
    }
  }
  policy.version = "2008-10-17";
  if (doc.contains("Version")) {
    if (doc["Version"] != "2012-10-17" && doc["Version"] != "2008-10-17") {
      return Error("Version", "must be \"2012-10-17\" or \"2008-10-17\"");
    }
    policy.version = doc["Version"].get<std::string>();
  }
  if (doc.contains("Id")) {
    if (!doc["Id"].is_string()) return Error("Id", "must be a string");
    policy.id = doc["Id"].get<std::string>();
  }
  if (!doc.contains("Statement")) return Error("Statement", "required");
  const Json& stmts = doc["Statement"];
  if (stmts.is_array() && stmts.empty()) return Error("Statement", "must not be empty");
  const bool single = stmts.is_object();
  if (!single && !stmts.is_array()) return Error("Statement", "must be an object or an array");
  const size_t n = single ? 1 : stmts.size();
  absl::flat_hash_set<std::string> sids;
  for (size_t i = 0; i < n; ++i) {
    const std::string path = single ? "Statement" : absl::StrCat("Statement[", i, "]");
    Statement st;
    absl::Status s = ParseStatement(single ? stmts : stmts[i], path, policy,
                                    absl::StrCat(options.label, ".", path), options.stored, st);
    if (!s.ok()) return s;
    if (!st.sid.empty() && !sids.insert(st.sid).second) {
      return Error(path + ".Sid", "duplicate Sid in the policy");
    }
    policy.statements.push_back(std::move(st));
  }
  return policy;
}

}  // namespace iam::policy
