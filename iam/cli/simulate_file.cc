// iamctl simulate --file: the requests of a policy test file (the one
// `iam-policy test` runs offline, policy/policy_tests.h) asked of the
// account's live policies through Explain. The file's own policies are
// not used, nor its expected reasons (the live reasons name the account's
// policies); each request's principal is a user of the account, or
// anonymous.
#include <iostream>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "iam/cli/commands.h"
#include "policy/policy_tests.h"

namespace iam::cli {
namespace {

using nlohmann::json;

absl::Status Bad(const std::string& where, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(where, ": ", problem));
}

// A context value as the file gives it: a string, a list, or {"base64": ...}.
absl::Status AddContext(const std::string& where, const std::string& key, const json& v,
                        v1::CheckRequest* check) {
  v1::ContextEntry* e = check->add_context();
  e->set_key(key);
  const json* values = &v;
  if (v.is_object() && v.size() == 1 && v.contains("base64")) {
    e->set_base64(true);
    values = &v["base64"];
  }
  if (values->is_string()) {
    e->add_values(values->get<std::string>());
    return absl::OkStatus();
  }
  if (!values->is_array()) return Bad(where, "a string, a list of strings or {base64: ...}");
  e->set_multi(true);
  for (const json& one : *values) {
    if (!one.is_string()) return Bad(where, "a list of strings");
    e->add_values(one.get<std::string>());
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::ExplainRequest> LiveRequest(const policy::PolicyTestCase& c,
                                               const std::string& account) {
  const json& r = c.input["request"];
  const std::string where = c.where + ".request";
  v1::ExplainRequest q;
  q.set_what_if(true);
  v1::CheckRequest* check = q.mutable_check();
  const json principal = r.value("principal", json::object());
  if (principal.value("anonymous", false)) {
    check->mutable_principal()->set_anonymous(true);
  } else if (principal.contains("user") && principal["user"].is_string()) {
    check->mutable_principal()->set_account_id(account);
    check->mutable_principal()->set_username(principal["user"].get<std::string>());
  } else {
    return Bad(where + ".principal", "a live simulation needs a user of the account, or anonymous");
  }
  for (const char* field : {"action", "resource"}) {
    if (!r.contains(field) || !r[field].is_string()) return Bad(where + "." + field, "required");
  }
  check->set_action(r["action"].get<std::string>());
  check->set_resource(r["resource"].get<std::string>());
  if (r.contains("context")) {
    if (!r["context"].is_object()) return Bad(where + ".context", "must be a map");
    for (const auto& [key, v] : r["context"].items()) {
      if (absl::Status s = AddContext(where + ".context." + key, key, v, check); !s.ok()) return s;
    }
  }
  return q;
}

const char* DecisionName(v1::Decision d) {
  switch (d) {
    case v1::ALLOW:
      return "Allow";
    case v1::EXPLICIT_DENY:
      return "ExplicitDeny";
    default:
      return "ImplicitDeny";
  }
}

}  // namespace

int SimulateFile(Context& c, const Args& a) {
  auto file = ReadYamlDocument(a["--file"]);
  if (!file.ok()) return Refuse(file.status());
  auto cases = policy::ReadPolicyTests(*file);
  if (!cases.ok()) return Refuse(cases.status());
  // Every request built before the first is sent.
  std::vector<v1::ExplainRequest> requests;
  for (const auto& tc : *cases) {
    auto q = LiveRequest(tc, a["--account"]);
    if (!q.ok()) return Refuse(q.status());
    requests.push_back(*std::move(q));
  }
  int passed = 0, failed = 0;
  json results = json::array();
  for (size_t i = 0; i < cases->size(); ++i) {
    const auto& tc = (*cases)[i];
    v1::ExplainResponse r;
    grpc::Status s = Invoke(c, &v1::AuthzService::Stub::Explain, requests[i], &r);
    if (!s.ok()) {
      std::cerr << "iamctl: " << tc.where << ":\n";
      return Fail(c, s);
    }
    const std::string got = DecisionName(r.result().decision());
    const bool ok = policy::DecisionMeets(tc.expected, got);
    ok ? ++passed : ++failed;
    std::vector<std::string> reasons(r.result().reasons().begin(), r.result().reasons().end());
    results.push_back({{"name", tc.name}, {"expected", tc.expected}, {"got", got},
                       {"passed", ok}, {"reasons", reasons}});
    if (c.json()) continue;
    if (ok) {
      std::cout << "ok    " << tc.name << "\n";
    } else {
      std::cout << "FAIL  " << tc.name << "\n      expected " << tc.expected << ", got " << got
                << "\n      reasons: " << json(reasons).dump() << "\n";
    }
  }
  if (c.json()) {
    std::cout << json{{"results", results}, {"passed", passed}, {"failed", failed}}.dump(2) << "\n";
  } else {
    std::cout << passed << " passed, " << failed << " failed"
              << " (against the account's live policies; the file's are not used)\n";
  }
  return failed == 0 ? 0 : 1;
}

}  // namespace iam::cli
