#include "policy/eval_input.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "policy/arn.h"
#include "policy/policy.h"

namespace iam::policy {
namespace {

using Json = nlohmann::json;

absl::Status Error(const std::string& path, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", what));
}

// A policy's own error ("Statement[1].Effect: ...", or "policy: ..." for the
// document as a whole) placed under the path of the policy in the input.
absl::Status Nested(const std::string& path, const absl::Status& s) {
  absl::string_view m = s.message();
  if (absl::ConsumePrefix(&m, "policy: ")) return Error(path, m);
  return absl::InvalidArgumentError(absl::StrCat(path, ".", m));
}

absl::StatusOr<std::string> OptString(const Json& obj, const char* key, const std::string& path) {
  if (!obj.contains(key) || obj[key].is_null()) return std::string();
  if (!obj[key].is_string()) return Error(absl::StrCat(path, ".", key), "must be a string");
  return obj[key].get<std::string>();
}

absl::StatusOr<std::shared_ptr<const PolicySet>> ParseSet(const Json& list,
                                                          const std::string& path,
                                                          PolicyKind kind) {
  if (!list.is_array()) return Error(path, "must be an array of policy documents");
  std::vector<Policy> policies;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string p = absl::StrCat(path, "[", i, "]");
    ParseOptions o;
    o.kind = kind;
    o.label = p;
    auto policy = ParsePolicy(list[i].dump(), o);
    if (!policy.ok()) return Nested(p, policy.status());
    policies.push_back(std::move(*policy));
  }
  return PolicySet::Compile(std::move(policies));
}

absl::Status ParsePrincipal(const Json& j, const std::string& path, Principal& p) {
  if (!j.is_object()) return Error(path, "must be an object");
  if (j.contains("anonymous")) {
    if (!j["anonymous"].is_boolean()) return Error(path + ".anonymous", "must be a boolean");
    p.anonymous = j["anonymous"].get<bool>();
  }
  for (auto [key, field] : {std::pair{"account", &p.account}, std::pair{"user", &p.user},
                            std::pair{"arn", &p.arn}, std::pair{"role", &p.role}}) {
    auto v = OptString(j, key, path);
    if (!v.ok()) return v.status();
    *field = *v;
  }
  if (j.contains("groups")) {
    if (!j["groups"].is_array()) return Error(path + ".groups", "must be an array of strings");
    for (size_t i = 0; i < j["groups"].size(); ++i) {
      if (!j["groups"][i].is_string()) {
        return Error(absl::StrCat(path, ".groups[", i, "]"), "must be a string");
      }
      p.groups.push_back(j["groups"][i].get<std::string>());
    }
  }
  if (p.anonymous) {
    if (!p.account.empty() || !p.arn.empty()) {
      return Error(path, "an anonymous principal has no account or ARN");
    }
    return absl::OkStatus();
  }
  if (!IsAccountName(p.account)) return Error(path + ".account", kAccountNameRule);
  if (p.arn.empty()) {
    p.arn = p.user.empty() ? absl::StrCat("arn:aws:iam::", p.account, ":root")
                           : absl::StrCat("arn:aws:iam::", p.account, ":user/", p.user);
  }
  return absl::OkStatus();
}

absl::Status ParseContext(const Json& j, const std::string& path, Context& ctx) {
  if (!j.is_object()) return Error(path, "must be an object");
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string p = absl::StrCat(path, ".", it.key());
    if (it.value().is_string()) {
      ctx.Set(it.key(), {it.value().get<std::string>()}, false);
    } else if (it.value().is_array()) {
      std::vector<std::string> values;
      for (size_t i = 0; i < it.value().size(); ++i) {
        if (!it.value()[i].is_string()) {
          return Error(absl::StrCat(p, "[", i, "]"), "must be a string");
        }
        values.push_back(it.value()[i].get<std::string>());
      }
      ctx.Set(it.key(), std::move(values), true);
    } else if (it.value().is_object() && it.value().size() == 1 &&
               it.value().contains("base64")) {
      // Binary values that are not text, given as base64: {"base64": "..."}
      // or {"base64": ["...", ...]} (a multivalued key).
      const Json& b = it.value()["base64"];
      const bool multi = b.is_array();
      std::vector<std::string> values;
      for (size_t i = 0; i < (multi ? b.size() : 1); ++i) {
        const Json& one = multi ? b[i] : b;
        const std::string vp = multi ? absl::StrCat(p, ".base64[", i, "]") : p + ".base64";
        std::string bytes;
        if (!one.is_string() || !absl::Base64Unescape(one.get<std::string>(), &bytes)) {
          return Error(vp, "must be base64");
        }
        values.push_back(std::move(bytes));
      }
      ctx.Set(it.key(), std::move(values), multi);
    } else {
      return Error(p, "must be a string, an array of strings or {\"base64\": ...}");
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Acl> ParseAcl(const Json& j, const std::string& path) {
  if (!j.is_object()) return Error(path, "must be an object or null");
  Acl acl;
  auto owner = OptString(j, "owner", path);
  if (!owner.ok()) return owner.status();
  acl.owner = *owner;
  if (acl.owner.empty()) return Error(path + ".owner", "required");
  if (!IsAccountName(acl.owner)) return Error(path + ".owner", kAccountNameRule);
  auto target = OptString(j, "target", path);
  if (!target.ok()) return target.status();
  if (*target == "bucket") {
    acl.target = AclTarget::kBucket;
  } else if (target->empty() || *target == "object") {
    acl.target = AclTarget::kObject;
  } else {
    return Error(path + ".target", "must be \"bucket\" or \"object\"");
  }
  auto canned = OptString(j, "canned", path);
  if (!canned.ok()) return canned.status();
  acl.canned = *canned;
  if (!j.contains("grants")) {
    if (acl.canned.empty()) return Error(path + ".grants", "required (or a canned ACL)");
    auto g = CannedAclGrants(acl.canned, acl.owner, "");
    if (!g.ok()) return Error(path + ".canned", g.status().message());
    acl.grants = *g;
    return acl;
  }
  const Json& grants = j["grants"];
  if (!grants.is_array()) return Error(path + ".grants", "must be an array");
  for (size_t i = 0; i < grants.size(); ++i) {
    const std::string gp = absl::StrCat(path, ".grants[", i, "]");
    const Json& g = grants[i];
    if (!g.is_object() || !g.contains("grantee") || !g["grantee"].is_object()) {
      return Error(gp + ".grantee", "required object");
    }
    AclGrant grant;
    const Json& ge = g["grantee"];
    auto type = OptString(ge, "type", gp + ".grantee");
    if (!type.ok()) return type.status();
    if (*type == "CanonicalUser" || *type == "Account") {
      auto id = OptString(ge, "id", gp + ".grantee");
      if (!id.ok()) return id.status();
      if (id->empty()) return Error(gp + ".grantee.id", "required");
      if (!IsAccountName(*id)) return Error(gp + ".grantee.id", kAccountNameRule);
      grant.grantee = AclGrant::Grantee::kAccount;
      grant.account = *id;
    } else if (*type == "Group") {
      auto uri = OptString(ge, "uri", gp + ".grantee");
      if (!uri.ok()) return uri.status();
      if (*uri == kAllUsersUri) {
        grant.grantee = AclGrant::Grantee::kAllUsers;
      } else if (*uri == kAuthenticatedUsersUri) {
        grant.grantee = AclGrant::Grantee::kAuthenticatedUsers;
      } else {
        return Error(gp + ".grantee.uri", "not a known group (AllUsers, AuthenticatedUsers)");
      }
    } else {
      return Error(gp + ".grantee.type", "must be CanonicalUser, Group or Account");
    }
    auto perm = OptString(g, "permission", gp);
    if (!perm.ok()) return perm.status();
    auto parsed = ParseAclPermission(*perm);
    if (!parsed.ok()) return Error(gp + ".permission", parsed.status().message());
    grant.permission = *parsed;
    acl.grants.push_back(grant);
  }
  return acl;
}

absl::StatusOr<EvalInput> ParseEvalInput(const Json& j) {
  if (!j.is_object()) return Error("$", "must be a JSON object");
  static const char* kKnown[] = {"identity_policies", "resource_policy", "acl", "request",
                                 "permission_boundaries"};
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (std::find_if(std::begin(kKnown), std::end(kKnown),
                     [&](const char* k) { return it.key() == k; }) == std::end(kKnown)) {
      return Error(it.key(), "unknown field");
    }
  }
  EvalInput in;
  if (j.contains("identity_policies")) {
    auto set = ParseSet(j["identity_policies"], "identity_policies", PolicyKind::kIdentity);
    if (!set.ok()) return set.status();
    in.identity = *set;
  } else {
    in.identity = PolicySet::Compile({});
  }
  if (j.contains("permission_boundaries") && !j["permission_boundaries"].is_null()) {
    auto set = ParseSet(j["permission_boundaries"], "permission_boundaries",
                        PolicyKind::kIdentity);
    if (!set.ok()) return set.status();
    in.boundary = *set;
  }
  if (j.contains("resource_policy") && !j["resource_policy"].is_null()) {
    ParseOptions o;
    o.kind = PolicyKind::kResource;
    o.label = "resource_policy";
    auto policy = ParsePolicy(j["resource_policy"].dump(), o);
    if (!policy.ok()) return Nested("resource_policy", policy.status());
    std::vector<Policy> one;
    one.push_back(std::move(*policy));
    in.resource = PolicySet::Compile(std::move(one));
  }
  if (j.contains("acl") && !j["acl"].is_null()) {
    auto acl = ParseAcl(j["acl"], "acl");
    if (!acl.ok()) return acl.status();
    in.acl = std::move(*acl);
  }
  if (!j.contains("request")) return Error("request", "required");
  const Json& r = j["request"];
  if (!r.is_object()) return Error("request", "must be an object");
  if (!r.contains("principal")) return Error("request.principal", "required");
  absl::Status s = ParsePrincipal(r["principal"], "request.principal", in.request.principal);
  if (!s.ok()) return s;
  for (auto [key, field] : {std::pair{"action", &in.request.action},
                            std::pair{"resource", &in.request.resource},
                            std::pair{"resource_owner", &in.request.resource_owner}}) {
    auto v = OptString(r, key, "request");
    if (!v.ok()) return v.status();
    *field = *v;
  }
  if (in.request.action.empty()) return Error("request.action", "required");
  if (in.request.resource.empty()) return Error("request.resource", "required");
  if (!in.request.resource_owner.empty() && !IsAccountName(in.request.resource_owner)) {
    return Error("request.resource_owner", kAccountNameRule);
  }
  if (in.request.principal.anonymous && in.request.resource_owner.empty()) {
    if (in.acl) {
      in.request.resource_owner = in.acl->owner;
    } else {
      return Error("request.resource_owner", "required for an anonymous request");
    }
  }
  if (r.contains("context")) {
    s = ParseContext(r["context"], "request.context", in.request.context);
    if (!s.ok()) return s;
  }
  in.request.AddPrincipalKeys();
  return in;
}

Json ResultToJson(const Result& result, bool explain) {
  Json out;
  out["decision"] = DecisionName(result.decision);
  out["reasons"] = result.Reasons();
  if (explain) out["trace"] = result.trace;
  return out;
}

}  // namespace iam::policy
