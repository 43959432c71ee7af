#include "iam/declarative/account_plan.h"

#include <cstring>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "iam/account/user_service.h"
#include "iam/common/status_macros.h"
#include "iam/federation/identity_provider.h"
#include "iam/oauth/client_metadata.h"
#include "iam/store/states.h"

namespace iam::declarative {
namespace {

using account::Caller;
using account::PrincipalName;
using nlohmann::json;
using store::PrincipalType;

std::string Q(const std::string& s) { return json(s).dump(); }

bool IsServiceAccount(const std::string& username) {
  return username.rfind(account::kServiceAccountPrefix, 0) == 0;
}

// "user" -> "User": the word in the principal's actions (iam:TagUser).
std::string ActionWord(std::string kind) {
  if (!kind.empty()) kind[0] = static_cast<char>(kind[0] - 'a' + 'A');
  return kind;
}

PrincipalName MemberName(const std::string& member) {
  const bool group = member.rfind("group:", 0) == 0;
  return {group ? PrincipalType::kGroup : PrincipalType::kUser,
          member.substr(group ? 6 : 5)};
}

class Planner {
 public:
  Planner(const AccountServices& s, const Caller& caller, std::string account)
      : s_(s), caller_(caller), account_(std::move(account)) {}

  // The steps by phase, in the order they run.
  enum Phase {
    kUnblock,      // rules of separation of duties that go or change
    kSettings,     // account policies
    kCreate,       // managed policies, groups, roles, users: created or changed
    kMembership,   // group members
    kBindings,     // attached, inline and boundary policies
    kAssignments,  // role members
    kRules,        // rules of separation of duties that come or change
    kResources,    // resource policies and ACLs
    kDeleteUsers,
    kDeleteRoles,
    kDeleteGroups,
    kDeletePolicies,
    kPhases
  };

  void Add(Phase phase, PlannedChange change, std::string action, std::string path,
           std::function<absl::Status()> run) {
    steps_[phase].push_back({std::move(change), std::move(run), std::move(action), std::move(path)});
  }

  std::vector<Step> Steps() {
    std::vector<Step> out;
    for (auto& phase : steps_) {
      for (auto& step : phase) out.push_back(std::move(step));
    }
    return out;
  }

  absl::Status AccountPolicies(const AccountDocument& cur, const AccountDocument& want) {
    for (const auto& [kind, doc] : want.account_policies) {
      auto it = cur.account_policies.find(kind);
      if (it != cur.account_policies.end() && it->second == doc) continue;
      const std::vector<std::string> details =
          it == cur.account_policies.end() ? std::vector<std::string>{}
                                           : FieldChanges("", it->second, doc);
      auto k = auth::ParseAccountPolicyKind(kind);
      if (!k.ok()) {
        return absl::InvalidArgumentError(absl::StrCat("account_policies.", kind, ": ",
                                                       k.status().message()));
      }
      Add(kSettings, {"~", "account_policy", kind, details}, auth::AccountPolicySetAction(*k), "",
          [this, k = *k, doc = doc] {
            return s_.auth_admin.SetPolicy(caller_, account_, k, doc).status();
          });
    }
    return absl::OkStatus();
  }

  absl::Status Policies(const AccountDocument& cur, const AccountDocument& want) {
    for (const auto& [name, p] : want.policies) {
      const std::string path = "policy/" + name;
      auto it = cur.policies.find(name);
      if (it == cur.policies.end()) {
        Add(kCreate, {"+", "policy", name, {}}, "iam:CreatePolicy", path,
            [this, name = name, p = p]() -> absl::Status {
              RETURN_IF_ERROR(
                  s_.policies.Create(caller_, account_, name, p.description, p.document.dump())
                      .status());
              if (p.tags.empty()) return absl::OkStatus();
              return s_.policies.TagPolicy(caller_, account_, name,
                                           {p.tags.begin(), p.tags.end()});
            });
        continue;
      }
      if (it->second.description != p.description) {
        return Unchangeable("policies", name, it->second.description, p.description);
      }
      if (it->second.document != p.document) {
        Add(kCreate, {"~", "policy", name, {"document: a new default version"}},
            "iam:CreatePolicyVersion", path, [this, name = name, p = p]() -> absl::Status {
              return NewDefaultVersion(name, p.document);
            });
      }
      TagChanges(kCreate, "policy", name, path, it->second.tags, p.tags,
                 [this, name = name](const Tags& set, const std::vector<std::string>& drop) {
                   if (!drop.empty()) {
                     RETURN_IF_ERROR(s_.policies.UntagPolicy(caller_, account_, name, drop));
                   }
                   if (set.empty()) return absl::OkStatus();
                   return s_.policies.TagPolicy(caller_, account_, name, {set.begin(), set.end()});
                 });
    }
    for (const auto& [name, _] : cur.policies) {
      if (want.policies.count(name) != 0) continue;
      Add(kDeletePolicies, {"-", "policy", name, {}}, "iam:DeletePolicy", "policy/" + name,
          [this, name = name] { return s_.policies.Delete(caller_, account_, name); });
    }
    return absl::OkStatus();
  }

  absl::Status Groups(const AccountDocument& cur, const AccountDocument& want) {
    for (const auto& [name, g] : want.groups) {
      auto it = cur.groups.find(name);
      const PrincipalName p{PrincipalType::kGroup, name};
      if (it == cur.groups.end()) {
        Add(kCreate, {"+", "group", name, {}}, "iam:CreateGroup", "group/" + name,
            [this, name = name, d = g.description] {
              return s_.groups.Create(caller_, account_, name, d).status();
            });
        BindingChanges(p, {}, g.bindings);
        continue;
      }
      if (it->second.description != g.description) {
        return Unchangeable("groups", name, it->second.description, g.description);
      }
      BindingChanges(p, it->second.bindings, g.bindings);
    }
    for (const auto& [name, _] : cur.groups) {
      if (want.groups.count(name) != 0) continue;
      Add(kDeleteGroups, {"-", "group", name, {}}, "iam:DeleteGroup", "group/" + name,
          [this, name = name] { return s_.groups.Delete(caller_, account_, name); });
    }
    return absl::OkStatus();
  }

  absl::Status Users(const AccountDocument& cur, const AccountDocument& want) {
    for (const auto& [name, u] : want.users) {
      const std::string path = "user/" + name;
      const PrincipalName p{PrincipalType::kUser, name};
      auto it = cur.users.find(name);
      UserSpec before = it == cur.users.end() ? UserSpec{} : it->second;
      const bool service = IsServiceAccount(name);
      if (service && it == cur.users.end()) {
        // Made by its client, in an earlier step; the rest converges here.
        const std::string client = name.substr(std::strlen(account::kServiceAccountPrefix));
        if (want.clients.count(client) == 0) {
          return absl::InvalidArgumentError(absl::StrCat(
              "users[", name, "]: a service account comes with its OAuth client; the document "
                              "has no client ", Q(client)));
        }
        before.display_name = oauth::ServiceAccountDisplayName(client);
      } else if (it == cur.users.end()) {
        Add(kCreate, {"+", "user", name, {}}, "iam:CreateUser", path, [this, name = name, u = u] {
          account::NewUser nu;
          nu.username = name;
          nu.display_name = u.display_name;
          nu.admin = u.admin;
          return s_.users.Create(caller_, account_, nu).status();
        });
      } else {
        account::UserUpdate update;
        std::vector<std::string> details;
        if (before.display_name != u.display_name) {
          update.display_name = u.display_name;
          details.push_back(absl::StrCat("display_name: ", Q(before.display_name), " -> ",
                                         Q(u.display_name)));
        }
        if (before.admin != u.admin) {
          update.admin = u.admin;
          details.push_back(absl::StrCat("admin: ", before.admin, " -> ", u.admin));
        }
        if (!details.empty()) {
          Add(kCreate, {"~", "user", name, details}, "iam:UpdateUser", path,
              [this, name = name, update] {
                return s_.users.Update(caller_, account_, name, update).status();
              });
        }
      }
      if (before.disabled != u.disabled) {
        Add(kCreate, {"~", "user", name, {u.disabled ? "disabled" : "enabled"}},
            u.disabled ? "iam:DisableUser" : "iam:EnableUser", path,
            [this, name = name, disable = u.disabled] {
              return disable ? s_.users.Disable(caller_, account_, name, "iamctl apply").status()
                             : s_.users.Enable(caller_, account_, name).status();
            });
      }
      TagChanges(kCreate, "user", name, path, before.tags, u.tags, PrincipalTagger(p));
      if (before.ip_allowlist != u.ip_allowlist) {
        Add(kCreate,
            {"~", "user", name,
             {absl::StrCat("ip_allowlist: ", json(before.ip_allowlist).dump(), " -> ",
                           json(u.ip_allowlist).dump())}},
            "iam:UpdateUserIpAllowlist", path, [this, name = name, cidrs = u.ip_allowlist] {
              return s_.auth_admin.SetUserAllowlist(caller_, account_, name, cidrs).status();
            });
      }
      for (const auto& g : u.groups) {
        if (before.groups.count(g) != 0) continue;
        Add(kMembership, {"+", "group_member", g, {"user " + name}}, "iam:AddUserToGroup",
            "group/" + g, [this, g = g, name = name] {
              return s_.groups.AddMember(caller_, account_, g, name);
            });
      }
      for (const auto& g : before.groups) {
        if (u.groups.count(g) != 0) continue;
        Add(kMembership, {"-", "group_member", g, {"user " + name}}, "iam:RemoveUserFromGroup",
            "group/" + g, [this, g = g, name = name] {
              return s_.groups.RemoveMember(caller_, account_, g, name);
            });
      }
      BindingChanges(p, before.bindings, u.bindings);
    }
    for (const auto& [name, _] : cur.users) {
      if (want.users.count(name) != 0) continue;
      if (IsServiceAccount(name)) continue;  // goes with its client, or stays with it
      if (name == caller_.username && account_ == caller_.account_id) {
        return absl::InvalidArgumentError(absl::StrCat(
            "users: the document leaves out ", Q(name),
            ", who applies it: a user cannot delete themselves this way; add them to the "
            "document, or apply as another administrator"));
      }
      Add(kDeleteUsers, {"-", "user", name, {}}, "iam:DeleteUser", "user/" + name,
          [this, name = name] { return s_.users.Delete(caller_, account_, name); });
    }
    return absl::OkStatus();
  }

  absl::Status Roles(const AccountDocument& cur, const AccountDocument& want) {
    for (const auto& [name, r] : want.roles) {
      const std::string path = "role/" + name;
      const PrincipalName p{PrincipalType::kRole, name};
      auto it = cur.roles.find(name);
      const RoleSpec before = it == cur.roles.end() ? RoleSpec{} : it->second;
      if (it == cur.roles.end()) {
        Add(kCreate, {"+", "role", name, {}}, "iam:CreateRole", path,
            [this, name = name, d = r.description] {
              return s_.roles.Create(caller_, account_, name, d).status();
            });
      } else if (before.description != r.description) {
        return Unchangeable("roles", name, before.description, r.description);
      }
      TagChanges(kCreate, "role", name, path, before.tags, r.tags, PrincipalTagger(p));
      BindingChanges(p, before.bindings, r.bindings);
      for (const auto& m : r.members) {
        if (before.members.count(m) != 0) continue;
        Add(kAssignments, {"+", "role_member", name, {m}}, "iam:AssignRole", path,
            [this, name = name, m = m] {
              return s_.roles.Assign(caller_, account_, name, MemberName(m), {}).status();
            });
      }
      for (const auto& m : before.members) {
        if (r.members.count(m) != 0) continue;
        Add(kAssignments, {"-", "role_member", name, {m}}, "iam:UnassignRole", path,
            [this, name = name, m = m] {
              return s_.roles.Unassign(caller_, account_, name, MemberName(m));
            });
      }
    }
    for (const auto& [name, _] : cur.roles) {
      if (want.roles.count(name) != 0) continue;
      Add(kDeleteRoles, {"-", "role", name, {}}, "iam:DeleteRole", "role/" + name,
          [this, name = name] { return s_.roles.Delete(caller_, account_, name); });
    }
    // A rule that changes is removed before the assignments change and
    // made again after.
    for (const auto& [name, roles] : cur.separation_of_duties) {
      auto it = want.separation_of_duties.find(name);
      if (it != want.separation_of_duties.end() && it->second == roles) continue;
      Add(kUnblock, {"-", "separation_of_duties", name, {}}, "iam:DeleteSeparationOfDutiesRule",
          "sod-rule/" + name,
          [this, name = name] { return s_.roles.DeleteSodRule(caller_, account_, name); });
    }
    for (const auto& [name, roles] : want.separation_of_duties) {
      auto it = cur.separation_of_duties.find(name);
      if (it != cur.separation_of_duties.end() && it->second == roles) continue;
      Add(kRules, {"+", "separation_of_duties", name, {json(roles).dump()}}, "iam:CreateSeparationOfDutiesRule",
          "sod-rule/" + name, [this, name = name, roles = roles] {
            return s_.roles.CreateSodRule(caller_, account_, name, roles).status();
          });
    }
    return absl::OkStatus();
  }

  absl::Status Clients(const AccountDocument& cur, const AccountDocument& want) {
    for (const auto& [id, c] : want.clients) {
      const std::string path = "client/" + id;
      // As the service stores it (defaults filled in, lists normalised),
      // so that a file written by hand compares equal once applied.
      auto parsed = oauth::ParseClientMetadata(c.metadata, "clients[" + id + "].metadata.");
      if (!parsed.ok()) return parsed.status();
      const json metadata = parsed->ToJson();
      auto it = cur.clients.find(id);
      if (it == cur.clients.end()) {
        std::vector<std::string> details;
        if (parsed->UsesSecret()) {
          details.push_back(absl::StrCat("a new secret, never shown: `iamctl client rotate-secret ",
                                         id, "` issues one to give the app"));
        }
        Add(kCreate, {"+", "client", id, details}, "iam:CreateClient", path,
            [this, id = id, metadata, enabled = c.enabled]() -> absl::Status {
              RETURN_IF_ERROR(s_.clients.Create(caller_, account_, id, metadata).status());
              if (enabled) return absl::OkStatus();
              return s_.clients.Update(caller_, account_, id, std::nullopt, false).status();
            });
        continue;
      }
      if (it->second.metadata != metadata) {
        Add(kCreate, {"~", "client", id, FieldChanges("metadata", it->second.metadata, metadata)},
            "iam:UpdateClient", path, [this, id = id, metadata] {
              return s_.clients.Update(caller_, account_, id, metadata, std::nullopt).status();
            });
      }
      if (it->second.enabled != c.enabled) {
        Add(kCreate, {"~", "client", id, {c.enabled ? "enabled" : "disabled"}}, "iam:UpdateClient",
            path, [this, id = id, enabled = c.enabled] {
              return s_.clients.Update(caller_, account_, id, std::nullopt, enabled).status();
            });
      }
    }
    for (const auto& [id, _] : cur.clients) {
      if (want.clients.count(id) != 0) continue;
      Add(kDeleteUsers, {"-", "client", id, {"and its service account"}}, "iam:DeleteClient",
          "client/" + id, [this, id = id] { return s_.clients.Delete(caller_, account_, id); });
    }
    for (const auto& [alias, config] : want.identity_providers) {
      const std::string path = "identity-provider/" + alias;
      json given = config;
      given["alias"] = alias;
      auto parsed = federation::IdentityProvider::FromJson(given);
      if (!parsed.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("identity_providers[", alias, "].", parsed.status().message()));
      }
      json normal = parsed->ToJson();
      normal.erase("alias");
      auto it = cur.identity_providers.find(alias);
      if (it == cur.identity_providers.end()) {
        Add(kCreate, {"+", "identity_provider", alias, {}}, "iam:CreateIdentityProvider", path,
            [this, given] { return s_.idps.Create(caller_, account_, given, "").status(); });
      } else if (it->second != normal) {
        Add(kCreate, {"~", "identity_provider", alias, FieldChanges("", it->second, normal)},
            "iam:UpdateIdentityProvider", path, [this, alias = alias, given] {
              return s_.idps.Update(caller_, account_, alias, given, {}).status();
            });
      }
    }
    for (const auto& [alias, _] : cur.identity_providers) {
      if (want.identity_providers.count(alias) != 0) continue;
      Add(kDeleteUsers, {"-", "identity_provider", alias, {}}, "iam:DeleteIdentityProvider",
          "identity-provider/" + alias,
          [this, alias = alias] { return s_.idps.Delete(caller_, account_, alias); });
    }
    return absl::OkStatus();
  }

  void Resources(const AccountDocument& cur, const AccountDocument& want) {
    for (const auto& [resource, doc] : want.resource_policies) {
      auto it = cur.resource_policies.find(resource);
      if (it != cur.resource_policies.end() && it->second == doc) continue;
      Add(kResources,
          {it == cur.resource_policies.end() ? "+" : "~", "resource_policy", resource, {}},
          "iam:PutResourcePolicy", resource, [this, resource = resource, doc = doc] {
            return s_.resources.PutPolicy(caller_, account_, resource, doc.dump()).status();
          });
    }
    for (const auto& [resource, _] : cur.resource_policies) {
      if (want.resource_policies.count(resource) != 0) continue;
      Add(kResources, {"-", "resource_policy", resource, {}}, "iam:DeleteResourcePolicy", resource,
          [this, resource = resource] {
            return s_.resources.DeletePolicy(caller_, account_, resource);
          });
    }
    for (const auto& [resource, acl] : want.acls) {
      auto it = cur.acls.find(resource);
      if (it != cur.acls.end() && it->second == acl) continue;
      Add(kResources, {it == cur.acls.end() ? "+" : "~", "acl", resource, {}},
          "iam:PutResourceAcl", resource, [this, resource = resource, acl = acl] {
            authz::AclInput in;
            in.target = acl.value("target", "object");
            in.canned = acl.value("canned", "");
            for (const auto& g : acl.value("grants", json::array())) {
              in.grants.push_back({g.value("type", ""), g.value("grantee", ""),
                                   g.value("permission", "")});
            }
            return s_.resources.PutAcl(caller_, account_, resource, in).status();
          });
    }
    for (const auto& [resource, _] : cur.acls) {
      if (want.acls.count(resource) != 0) continue;
      Add(kResources, {"-", "acl", resource, {}}, "iam:DeleteResourceAcl", resource,
          [this, resource = resource] {
            return s_.resources.DeleteAcl(caller_, account_, resource);
          });
    }
  }

 private:
  using Tagger = std::function<absl::Status(const Tags& set, const std::vector<std::string>& drop)>;

  // "prefix.field: before -> after", one line a top-level field that differs.
  static std::vector<std::string> FieldChanges(const std::string& prefix, const json& before,
                                               const json& after) {
    std::vector<std::string> out;
    auto line = [&](const std::string& key, const json* b, const json* a) {
      out.push_back(absl::StrCat(prefix.empty() ? "" : prefix + ".", key, ": ",
                                 b == nullptr ? "(none)" : b->dump(), " -> ",
                                 a == nullptr ? "(none)" : a->dump()));
    };
    for (const auto& [key, value] : after.items()) {
      auto b = before.find(key);
      if (b == before.end()) line(key, nullptr, &value);
      else if (*b != value) line(key, &*b, &value);
    }
    for (const auto& [key, value] : before.items()) {
      if (!after.contains(key)) line(key, &value, nullptr);
    }
    return out;
  }

  static absl::Status Unchangeable(const char* kind, const std::string& name,
                                   const std::string& has, const std::string& wants) {
    return absl::InvalidArgumentError(absl::StrCat(
        kind, "[", name, "].description: is ", Q(has), " in the account, ", Q(wants),
        " in the document; a description cannot change (as in AWS IAM): state the account's, "
        "or delete the object and create it under another name"));
  }

  Tagger PrincipalTagger(const PrincipalName& p) {
    return [this, p](const Tags& set, const std::vector<std::string>& drop) {
      if (!drop.empty()) RETURN_IF_ERROR(s_.policies.Untag(caller_, account_, p, drop));
      if (set.empty()) return absl::OkStatus();
      return s_.policies.Tag(caller_, account_, p, {set.begin(), set.end()});
    };
  }

  void TagChanges(Phase phase, const char* kind, const std::string& name, const std::string& path,
                  const Tags& before, const Tags& after, Tagger tagger) {
    const std::string word = ActionWord(kind);
    Tags set;
    std::vector<std::string> drop, details;
    for (const auto& [k, v] : after) {
      auto it = before.find(k);
      if (it != before.end() && it->second == v) continue;
      set[k] = v;
      details.push_back(absl::StrCat("tags.", k, ": ", it == before.end() ? "(none)" : Q(it->second),
                                     " -> ", Q(v)));
    }
    for (const auto& [k, v] : before) {
      if (after.count(k) != 0) continue;
      drop.push_back(k);
      details.push_back(absl::StrCat("tags.", k, ": ", Q(v), " -> (none)"));
    }
    if (details.empty()) return;
    const bool policy = std::string(kind) == "policy";
    Add(phase, {"~", kind, name, details},
        absl::StrCat(drop.empty() ? "iam:Tag" : "iam:Untag", policy ? "Policy" : word),
        path, [tagger, set, drop] { return tagger(set, drop); });
  }

  void BindingChanges(const PrincipalName& p, const Bindings& before, const Bindings& after) {
    const std::string kind = store::Name(p.type);
    const std::string path = kind + "/" + p.name;
    const std::string word = ActionWord(kind);
    for (const auto& policy : after.policies) {
      if (before.policies.count(policy) != 0) continue;
      Add(kBindings, {"+", "attachment", kind + " " + p.name, {policy}}, absl::StrCat("iam:Attach", word, "Policy"), path,
          [this, p, policy = policy] { return s_.policies.Attach(caller_, account_, policy, p); });
    }
    for (const auto& policy : before.policies) {
      if (after.policies.count(policy) != 0) continue;
      Add(kBindings, {"-", "attachment", kind + " " + p.name, {policy}}, absl::StrCat("iam:Detach", word, "Policy"), path,
          [this, p, policy = policy] { return s_.policies.Detach(caller_, account_, policy, p); });
    }
    for (const auto& [name, doc] : after.inline_policies) {
      auto it = before.inline_policies.find(name);
      if (it != before.inline_policies.end() && it->second == doc) continue;
      Add(kBindings,
          {it == before.inline_policies.end() ? "+" : "~", "inline_policy", kind + " " + p.name,
           {name}},
          absl::StrCat("iam:Put", word, "Policy"), path, [this, p, name = name, doc = doc] {
            return s_.policies.PutInline(caller_, account_, p, name, doc.dump());
          });
    }
    for (const auto& [name, _] : before.inline_policies) {
      if (after.inline_policies.count(name) != 0) continue;
      Add(kBindings, {"-", "inline_policy", kind + " " + p.name, {name}}, absl::StrCat("iam:Delete", word, "Policy"), path, [this, p, name = name] {
            return s_.policies.DeleteInline(caller_, account_, p, name);
          });
    }
    if (before.boundary != after.boundary) {
      if (after.boundary.empty()) {
        Add(kBindings, {"-", "boundary", kind + " " + p.name, {before.boundary}},
            absl::StrCat("iam:Delete", word, "PermissionsBoundary"), path,
            [this, p] { return s_.policies.ClearBoundary(caller_, account_, p); });
      } else {
        Add(kBindings,
            {before.boundary.empty() ? "+" : "~", "boundary", kind + " " + p.name, {after.boundary}},
            absl::StrCat("iam:Put", word, "PermissionsBoundary"), path, [this, p, b = after.boundary] {
              return s_.policies.SetBoundary(caller_, account_, p, b);
            });
      }
    }
  }

  // A managed policy keeps at most five versions: the oldest one that is
  // not the default makes room for the new one.
  absl::Status NewDefaultVersion(const std::string& name, const json& document) {
    ASSIGN_OR_RETURN(auto versions, s_.policies.ListVersions(caller_, account_, name));
    if (versions.size() >= static_cast<size_t>(authz::kMaxPolicyVersions)) {
      const authz::PolicyVersionView* oldest = nullptr;
      for (const auto& v : versions) {
        if (!v.is_default && (oldest == nullptr || v.version < oldest->version)) oldest = &v;
      }
      if (oldest != nullptr) {
        RETURN_IF_ERROR(s_.policies.DeleteVersion(caller_, account_, name, oldest->version));
      }
    }
    return s_.policies.CreateVersion(caller_, account_, name, document.dump(), true).status();
  }

  const AccountServices& s_;
  const Caller& caller_;
  const std::string account_;
  std::vector<Step> steps_[kPhases];
};

}  // namespace

absl::StatusOr<std::vector<Step>> PlanChanges(const AccountServices& s, const Caller& caller,
                                              const std::string& account_id,
                                              const AccountDocument& current,
                                              const AccountDocument& desired) {
  // The planner's steps call back into it; it lives as long as they do.
  auto planner = std::make_shared<Planner>(s, caller, account_id);
  RETURN_IF_ERROR(planner->AccountPolicies(current, desired));
  RETURN_IF_ERROR(planner->Policies(current, desired));
  RETURN_IF_ERROR(planner->Clients(current, desired));  // before the users: their service accounts
  RETURN_IF_ERROR(planner->Groups(current, desired));
  RETURN_IF_ERROR(planner->Users(current, desired));
  RETURN_IF_ERROR(planner->Roles(current, desired));
  planner->Resources(current, desired);
  std::vector<Step> steps = planner->Steps();
  for (auto& step : steps) {
    step.run = [planner, run = std::move(step.run)] { return run(); };
  }
  return steps;
}

std::string PlanText(const std::vector<PlannedChange>& changes) {
  std::string out;
  for (const auto& c : changes) {
    absl::StrAppend(&out, c.op, " ", c.kind, " ", c.name, "\n");
    for (const auto& d : c.details) absl::StrAppend(&out, "    ", d, "\n");
  }
  return out;
}

}  // namespace iam::declarative
