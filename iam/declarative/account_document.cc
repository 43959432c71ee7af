#include "iam/declarative/account_document.h"

#include <initializer_list>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "iam/common/status_macros.h"

namespace iam::declarative {
namespace {

using nlohmann::json;

// A document this large is a mistake or an attack, not an account.
constexpr size_t kMaxObjectsPerKind = 10000;

json TagsJson(const Tags& tags) { return json(tags); }

void PutBindings(json& out, const Bindings& b) {
  if (!b.policies.empty()) out["policies"] = b.policies;
  if (!b.inline_policies.empty()) out["inline_policies"] = b.inline_policies;
  if (!b.boundary.empty()) out["boundary"] = b.boundary;
}

// An object's fields, read strictly: each known field once, with its type
// checked, and any other field refused. Errors name the path.
class Fields {
 public:
  Fields(const json& j, std::string path) : j_(j), path_(std::move(path)) {}

  absl::Status Object(std::initializer_list<const char*> known) const {
    if (!j_.is_object()) return Bad(path_, "must be an object");
    for (const auto& [key, _] : j_.items()) {
      bool ok = false;
      for (const char* k : known) ok = ok || key == k;
      if (!ok) return Bad(Path(key), "unknown field");
    }
    return absl::OkStatus();
  }

  const json& Whole() const { return j_; }
  std::string Path(absl::string_view key) const { return absl::StrCat(path_, ".", key); }
  bool Has(const char* key) const { return j_.contains(key) && !j_.at(key).is_null(); }
  const json& At(const char* key) const { return j_.at(key); }

  absl::Status String(const char* key, std::string* out, bool required = false) const {
    if (!Has(key)) return required ? Bad(Path(key), "is required") : absl::OkStatus();
    if (!At(key).is_string()) return Bad(Path(key), "must be a string");
    *out = At(key).get<std::string>();
    return absl::OkStatus();
  }

  absl::Status Bool(const char* key, bool* out) const {
    if (!Has(key)) return absl::OkStatus();
    if (!At(key).is_boolean()) return Bad(Path(key), "must be true or false");
    *out = At(key).get<bool>();
    return absl::OkStatus();
  }

  absl::Status Strings(const char* key, std::vector<std::string>* out) const {
    if (!Has(key)) return absl::OkStatus();
    if (!At(key).is_array()) return Bad(Path(key), "must be a list of strings");
    for (size_t i = 0; i < At(key).size(); ++i) {
      if (!At(key)[i].is_string()) {
        return Bad(absl::StrCat(Path(key), "[", i, "]"), "must be a string");
      }
      out->push_back(At(key)[i].get<std::string>());
    }
    return absl::OkStatus();
  }

  absl::Status StringSet(const char* key, std::set<std::string>* out) const {
    std::vector<std::string> list;
    RETURN_IF_ERROR(Strings(key, &list));
    for (auto& s : list) {
      if (!out->insert(s).second) return Bad(Path(key), absl::StrCat("\"", s, "\" is listed twice"));
    }
    return absl::OkStatus();
  }

  absl::Status StringMap(const char* key, Tags* out) const {
    if (!Has(key)) return absl::OkStatus();
    if (!At(key).is_object()) return Bad(Path(key), "must be a map of strings");
    for (const auto& [k, v] : At(key).items()) {
      if (!v.is_string()) return Bad(absl::StrCat(Path(key), ".", k), "must be a string");
      (*out)[k] = v.get<std::string>();
    }
    return absl::OkStatus();
  }

  absl::Status Documents(const char* key, declarative::Documents* out) const {
    if (!Has(key)) return absl::OkStatus();
    if (!At(key).is_object()) return Bad(Path(key), "must be a map of policy documents");
    for (const auto& [k, v] : At(key).items()) {
      if (!v.is_object()) return Bad(absl::StrCat(Path(key), ".", k), "must be a policy document");
      (*out)[k] = v;
    }
    return absl::OkStatus();
  }

  absl::Status ReadBindings(Bindings* b, bool boundary) const {
    RETURN_IF_ERROR(StringSet("policies", &b->policies));
    RETURN_IF_ERROR(Documents("inline_policies", &b->inline_policies));
    if (boundary) RETURN_IF_ERROR(String("boundary", &b->boundary));
    return absl::OkStatus();
  }

  static absl::Status Bad(absl::string_view path, absl::string_view problem) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", problem));
  }

 private:
  const json& j_;
  std::string path_;
};

// Reads a list of named objects into a map by name; `read` fills one.
template <typename Spec, typename Read>
absl::Status ReadList(const json& doc, const char* kind, const char* name_field,
                      std::map<std::string, Spec>* out, Read read) {
  if (!doc.contains(kind) || doc.at(kind).is_null()) return absl::OkStatus();
  const json& list = doc.at(kind);
  if (!list.is_array()) return Fields::Bad(kind, "must be a list");
  if (list.size() > kMaxObjectsPerKind) {
    return Fields::Bad(kind, absl::StrCat("at most ", kMaxObjectsPerKind, " entries"));
  }
  for (size_t i = 0; i < list.size(); ++i) {
    std::string name;
    Fields at_index(list[i], absl::StrCat(kind, "[", i, "]"));
    if (!list[i].is_object()) return Fields::Bad(absl::StrCat(kind, "[", i, "]"), "must be an object");
    RETURN_IF_ERROR(at_index.String(name_field, &name, /*required=*/true));
    if (out->count(name) != 0) {
      return Fields::Bad(absl::StrCat(kind, "[", i, "]"), absl::StrCat("\"", name, "\" is listed twice"));
    }
    Fields f(list[i], absl::StrCat(kind, "[", name, "]"));
    RETURN_IF_ERROR(read(f, (*out)[name]));
  }
  return absl::OkStatus();
}

}  // namespace

json ToJson(const AccountDocument& doc) {
  json out = {{"kind", kDocumentKind}};
  if (!doc.account_policies.empty()) out["account_policies"] = doc.account_policies;
  json policies = json::array();
  for (const auto& [name, p] : doc.policies) {
    json j = {{"name", name}};
    if (!p.description.empty()) j["description"] = p.description;
    j["document"] = p.document;
    if (!p.tags.empty()) j["tags"] = TagsJson(p.tags);
    policies.push_back(std::move(j));
  }
  json groups = json::array();
  for (const auto& [name, g] : doc.groups) {
    json j = {{"name", name}};
    if (!g.description.empty()) j["description"] = g.description;
    PutBindings(j, g.bindings);
    groups.push_back(std::move(j));
  }
  json users = json::array();
  for (const auto& [name, u] : doc.users) {
    json j = {{"username", name}};
    if (!u.display_name.empty()) j["display_name"] = u.display_name;
    if (u.admin) j["admin"] = true;
    if (u.disabled) j["disabled"] = true;
    if (!u.groups.empty()) j["groups"] = u.groups;
    if (!u.tags.empty()) j["tags"] = TagsJson(u.tags);
    PutBindings(j, u.bindings);
    if (!u.ip_allowlist.empty()) j["ip_allowlist"] = u.ip_allowlist;
    users.push_back(std::move(j));
  }
  json roles = json::array();
  for (const auto& [name, r] : doc.roles) {
    json j = {{"name", name}};
    if (!r.description.empty()) j["description"] = r.description;
    if (!r.tags.empty()) j["tags"] = TagsJson(r.tags);
    PutBindings(j, r.bindings);
    if (!r.members.empty()) j["members"] = r.members;
    roles.push_back(std::move(j));
  }
  json rules = json::array();
  for (const auto& [name, role_names] : doc.separation_of_duties) {
    rules.push_back({{"name", name}, {"roles", role_names}});
  }
  json resource_policies = json::array();
  for (const auto& [resource, d] : doc.resource_policies) {
    resource_policies.push_back({{"resource", resource}, {"document", d}});
  }
  json acls = json::array();
  for (const auto& [resource, acl] : doc.acls) {
    json j = {{"resource", resource}};
    j.update(acl);
    acls.push_back(std::move(j));
  }
  json clients = json::array();
  for (const auto& [id, c] : doc.clients) {
    json j = {{"client_id", id}, {"metadata", c.metadata}};
    if (!c.enabled) j["enabled"] = false;
    clients.push_back(std::move(j));
  }
  json idps = json::array();
  for (const auto& [alias, config] : doc.identity_providers) {
    json j = config;
    j["alias"] = alias;
    idps.push_back(std::move(j));
  }
  auto put = [&](const char* key, json& list) {
    if (!list.empty()) out[key] = std::move(list);
  };
  put("policies", policies);
  put("groups", groups);
  put("users", users);
  put("roles", roles);
  put("separation_of_duties", rules);
  put("resource_policies", resource_policies);
  put("acls", acls);
  put("clients", clients);
  put("identity_providers", idps);
  return out;
}

absl::StatusOr<AccountDocument> ParseAccountDocument(const json& j) {
  Fields top(j, "document");
  if (!j.is_object()) return Fields::Bad("document", "must be a map of fields");
  RETURN_IF_ERROR(top.Object({"kind", "account", "account_policies", "policies", "groups", "users",
                              "roles", "separation_of_duties", "resource_policies", "acls",
                              "clients", "identity_providers"}));
  std::string kind;
  RETURN_IF_ERROR(top.String("kind", &kind, /*required=*/true));
  if (kind != kDocumentKind) {
    return Fields::Bad("kind", absl::StrCat("must be \"", kDocumentKind, "\", not \"", kind, "\""));
  }
  AccountDocument doc;
  if (top.Has("account_policies")) {
    const json& ap = j.at("account_policies");
    if (!ap.is_object()) return Fields::Bad("account_policies", "must be a map of policies by kind");
    for (const auto& [k, v] : ap.items()) {
      if (!v.is_object()) return Fields::Bad("account_policies." + k, "must be an object");
      doc.account_policies[k] = v;
    }
  }
  RETURN_IF_ERROR(ReadList(j, "policies", "name", &doc.policies, [](const Fields& f, PolicySpec& p) {
    RETURN_IF_ERROR(f.Object({"name", "description", "document", "tags"}));
    RETURN_IF_ERROR(f.String("description", &p.description));
    if (!f.Has("document") || !f.At("document").is_object()) {
      return Fields::Bad(f.Path("document"), "a policy document (an object) is required");
    }
    p.document = f.At("document");
    return f.StringMap("tags", &p.tags);
  }));
  RETURN_IF_ERROR(ReadList(j, "groups", "name", &doc.groups, [](const Fields& f, GroupSpec& g) {
    RETURN_IF_ERROR(f.Object({"name", "description", "policies", "inline_policies"}));
    RETURN_IF_ERROR(f.String("description", &g.description));
    return f.ReadBindings(&g.bindings, /*boundary=*/false);
  }));
  RETURN_IF_ERROR(ReadList(j, "users", "username", &doc.users, [](const Fields& f, UserSpec& u) {
    RETURN_IF_ERROR(f.Object({"username", "display_name", "admin", "disabled", "groups", "tags",
                              "policies", "inline_policies", "boundary", "ip_allowlist"}));
    RETURN_IF_ERROR(f.String("display_name", &u.display_name));
    RETURN_IF_ERROR(f.Bool("admin", &u.admin));
    RETURN_IF_ERROR(f.Bool("disabled", &u.disabled));
    RETURN_IF_ERROR(f.StringSet("groups", &u.groups));
    RETURN_IF_ERROR(f.StringMap("tags", &u.tags));
    RETURN_IF_ERROR(f.ReadBindings(&u.bindings, /*boundary=*/true));
    return f.Strings("ip_allowlist", &u.ip_allowlist);
  }));
  RETURN_IF_ERROR(ReadList(j, "roles", "name", &doc.roles, [](const Fields& f, RoleSpec& r) {
    RETURN_IF_ERROR(f.Object(
        {"name", "description", "tags", "policies", "inline_policies", "boundary", "members"}));
    RETURN_IF_ERROR(f.String("description", &r.description));
    RETURN_IF_ERROR(f.StringMap("tags", &r.tags));
    RETURN_IF_ERROR(f.ReadBindings(&r.bindings, /*boundary=*/true));
    RETURN_IF_ERROR(f.StringSet("members", &r.members));
    for (const auto& m : r.members) {
      if (m.rfind("user:", 0) != 0 && m.rfind("group:", 0) != 0) {
        return Fields::Bad(f.Path("members"),
                           absl::StrCat("\"", m, "\": a member is user:<name> or group:<name>"));
      }
    }
    return absl::OkStatus();
  }));
  std::map<std::string, std::vector<std::string>> rules;
  RETURN_IF_ERROR(ReadList(j, "separation_of_duties", "name", &rules,
                           [](const Fields& f, std::vector<std::string>& roles) {
                             RETURN_IF_ERROR(f.Object({"name", "roles"}));
                             return f.Strings("roles", &roles);
                           }));
  doc.separation_of_duties = std::move(rules);
  std::map<std::string, json> resource_policies;
  RETURN_IF_ERROR(ReadList(j, "resource_policies", "resource", &resource_policies,
                           [](const Fields& f, json& d) {
                             RETURN_IF_ERROR(f.Object({"resource", "document"}));
                             if (!f.Has("document") || !f.At("document").is_object()) {
                               return Fields::Bad(f.Path("document"),
                                                  "a policy document (an object) is required");
                             }
                             d = f.At("document");
                             return absl::OkStatus();
                           }));
  doc.resource_policies = std::move(resource_policies);
  std::map<std::string, json> acls;
  RETURN_IF_ERROR(ReadList(j, "acls", "resource", &acls, [](const Fields& f, json& acl) {
    RETURN_IF_ERROR(f.Object({"resource", "target", "canned", "grants"}));
    std::string target = "object", canned;
    RETURN_IF_ERROR(f.String("target", &target));
    RETURN_IF_ERROR(f.String("canned", &canned));
    acl = {{"target", target}};
    if (!canned.empty()) acl["canned"] = canned;
    if (f.Has("grants")) {
      if (!f.At("grants").is_array()) return Fields::Bad(f.Path("grants"), "must be a list");
      acl["grants"] = json::array();
      for (size_t i = 0; i < f.At("grants").size(); ++i) {
        Fields g(f.At("grants")[i], absl::StrCat(f.Path("grants"), "[", i, "]"));
        RETURN_IF_ERROR(g.Object({"type", "grantee", "permission"}));
        std::string type, grantee, permission;
        RETURN_IF_ERROR(g.String("type", &type, true));
        RETURN_IF_ERROR(g.String("grantee", &grantee, true));
        RETURN_IF_ERROR(g.String("permission", &permission, true));
        acl["grants"].push_back({{"type", type}, {"grantee", grantee}, {"permission", permission}});
      }
    }
    return absl::OkStatus();
  }));
  doc.acls = std::move(acls);
  RETURN_IF_ERROR(ReadList(j, "clients", "client_id", &doc.clients, [](const Fields& f, ClientSpec& c) {
    RETURN_IF_ERROR(f.Object({"client_id", "enabled", "metadata"}));
    RETURN_IF_ERROR(f.Bool("enabled", &c.enabled));
    if (!f.Has("metadata") || !f.At("metadata").is_object()) {
      return Fields::Bad(f.Path("metadata"), "the client's metadata (an object) is required");
    }
    c.metadata = f.At("metadata");
    return absl::OkStatus();
  }));
  // A provider's settings are checked by the provider's own reader when
  // applied; here only that each is an object with an alias.
  std::map<std::string, json> idps;
  RETURN_IF_ERROR(ReadList(j, "identity_providers", "alias", &idps, [](const Fields& f, json& config) {
    config = f.Whole();
    config.erase("alias");
    return absl::OkStatus();
  }));
  doc.identity_providers = std::move(idps);
  return doc;
}

}  // namespace iam::declarative
