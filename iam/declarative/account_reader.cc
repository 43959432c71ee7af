#include "iam/declarative/account_reader.h"

#include <set>
#include <utility>

#include "iam/common/status_macros.h"
#include "policy/json_syntax.h"

namespace iam::declarative {
namespace {

using account::Caller;
using account::PrincipalName;
using nlohmann::json;

constexpr int kPage = 100;

// Every page of a listing.
template <typename T, typename ListFn>
absl::StatusOr<std::vector<T>> All(ListFn list) {
  std::vector<T> out;
  std::string token;
  do {
    ASSIGN_OR_RETURN(account::Listing<T> page, list(token));
    for (auto& item : page.items) out.push_back(std::move(item));
    token = page.next_page_token;
  } while (!token.empty());
  return out;
}

// A stored document (valid when stored) as JSON.
absl::StatusOr<json> Document(const std::string& text, const std::string& what) {
  return policy::ParseJson(text, what);
}

Tags AsTags(const std::vector<std::pair<std::string, std::string>>& pairs) {
  return Tags(pairs.begin(), pairs.end());
}

class Reader {
 public:
  Reader(const AccountServices& s, const Caller& caller, const std::string& account)
      : s_(s), caller_(caller), account_(account) {}

  absl::Status ReadBindings(const PrincipalName& p, Bindings* b) {
    ASSIGN_OR_RETURN(authz::PrincipalPolicies held, s_.policies.ListOf(caller_, account_, p));
    for (const auto& a : held.attached) b->policies.insert(a.builtin ? a.arn : a.name);
    for (const auto& name : held.inline_names) {
      ASSIGN_OR_RETURN(authz::InlinePolicyView v, s_.policies.GetInline(caller_, account_, p, name));
      ASSIGN_OR_RETURN(b->inline_policies[name], Document(v.document, "inline policy " + name));
    }
    if (held.boundary) b->boundary = held.boundary->builtin ? held.boundary->arn : held.boundary->name;
    return absl::OkStatus();
  }

  absl::Status AccountPolicies(AccountDocument& doc) {
    for (auth::AccountPolicyKind kind : auth::AccountPolicyKinds()) {
      ASSIGN_OR_RETURN(doc.account_policies[auth::AccountPolicyKindName(kind)],
                       s_.auth_admin.GetPolicy(caller_, account_, kind));
    }
    return absl::OkStatus();
  }

  absl::Status Policies(AccountDocument& doc) {
    ASSIGN_OR_RETURN(auto listed, All<authz::ManagedPolicyView>([&](const std::string& token) {
                       return s_.policies.List(caller_, account_, kPage, token, false);
                     }));
    for (const auto& p : listed) {
      ASSIGN_OR_RETURN(authz::ManagedPolicyView full, s_.policies.Get(caller_, account_, p.name));
      PolicySpec& spec = doc.policies[p.name];
      spec.description = full.description;
      ASSIGN_OR_RETURN(spec.document, Document(full.document, "policy " + p.name));
      ASSIGN_OR_RETURN(auto tags, s_.policies.ListPolicyTags(caller_, account_, p.name));
      spec.tags = AsTags(tags);
    }
    return absl::OkStatus();
  }

  absl::Status Groups(AccountDocument& doc) {
    ASSIGN_OR_RETURN(auto listed, All<store::GroupRow>([&](const std::string& token) {
                       return s_.groups.List(caller_, account_, kPage, token);
                     }));
    for (const auto& g : listed) {
      GroupSpec& spec = doc.groups[g.name];
      spec.description = g.description;
      RETURN_IF_ERROR(ReadBindings({store::PrincipalType::kGroup, g.name}, &spec.bindings));
    }
    return absl::OkStatus();
  }

  absl::Status Users(AccountDocument& doc) {
    ASSIGN_OR_RETURN(auto listed, All<account::UserView>([&](const std::string& token) {
                       return s_.users.List(caller_, account_, kPage, token, false);
                     }));
    for (const auto& u : listed) {
      // A service account is its client's: in the document with it, or not at all.
      if (u.row.kind != store::UserKind::kHuman &&
          service_accounts_.count(u.row.username) == 0) {
        continue;
      }
      const std::string& name = u.row.username;
      UserSpec& spec = doc.users[name];
      spec.display_name = u.row.display_name;
      spec.admin = u.row.is_admin;
      spec.disabled = u.row.state == store::UserState::kDisabled;
      ASSIGN_OR_RETURN(auto groups, s_.groups.ListUserGroups(caller_, account_, name));
      for (const auto& g : groups) spec.groups.insert(g.name);
      const PrincipalName p{store::PrincipalType::kUser, name};
      ASSIGN_OR_RETURN(auto tags, s_.policies.ListTags(caller_, account_, p));
      spec.tags = AsTags(tags);
      RETURN_IF_ERROR(ReadBindings(p, &spec.bindings));
      ASSIGN_OR_RETURN(spec.ip_allowlist, s_.auth_admin.GetUserAllowlist(caller_, account_, name));
    }
    return absl::OkStatus();
  }

  absl::Status Roles(AccountDocument& doc) {
    ASSIGN_OR_RETURN(auto listed, All<account::RoleView>([&](const std::string& token) {
                       return s_.roles.List(caller_, account_, kPage, token);
                     }));
    for (const auto& r : listed) {
      const std::string& name = r.row.name;
      ASSIGN_OR_RETURN(account::RoleView full, s_.roles.Get(caller_, account_, name));
      RoleSpec& spec = doc.roles[name];
      spec.description = full.row.description;
      for (const auto& a : full.assignments) {
        if (a.expires_at) continue;
        spec.members.insert(
            (a.principal.type == store::PrincipalType::kGroup ? "group:" : "user:") +
            a.principal.name);
      }
      const PrincipalName p{store::PrincipalType::kRole, name};
      ASSIGN_OR_RETURN(auto tags, s_.policies.ListTags(caller_, account_, p));
      spec.tags = AsTags(tags);
      RETURN_IF_ERROR(ReadBindings(p, &spec.bindings));
    }
    ASSIGN_OR_RETURN(auto rules, s_.roles.ListSodRules(caller_, account_));
    for (const auto& rule : rules) doc.separation_of_duties[rule.name] = rule.roles;
    return absl::OkStatus();
  }

  // Clients an administrator made; those an app registered itself (RFC
  // 7591) are managed with their registration token, not here.
  absl::Status Clients(AccountDocument& doc) {
    ASSIGN_OR_RETURN(auto listed, All<oauth::ClientView>([&](const std::string& token) {
                       return s_.clients.List(caller_, account_, kPage, token);
                     }));
    for (const auto& c : listed) {
      if (c.row.registration_hash.has_value()) continue;
      ClientSpec& spec = doc.clients[c.row.client_id];
      spec.enabled = c.row.state == store::ClientState::kActive;
      spec.metadata = c.metadata.ToJson();
      if (!c.service_account.empty()) service_accounts_.insert(c.service_account);
    }
    ASSIGN_OR_RETURN(auto idps, s_.idps.List(caller_, account_));
    for (const auto& idp : idps) {
      json config = idp.provider.ToJson();
      config.erase("alias");
      doc.identity_providers[idp.provider.alias] = std::move(config);
    }
    return absl::OkStatus();
  }

  absl::Status Resources(AccountDocument& doc) {
    ASSIGN_OR_RETURN(auto policies, s_.resources.ListPolicies(caller_, account_));
    for (const auto& p : policies) {
      ASSIGN_OR_RETURN(doc.resource_policies[p.resource], Document(p.body, p.resource));
    }
    ASSIGN_OR_RETURN(auto acls, s_.resources.ListAcls(caller_, account_));
    for (const auto& a : acls) {
      ASSIGN_OR_RETURN(json stored, Document(a.body, a.resource));
      doc.acls[a.resource] = AclSpec(stored);
    }
    return absl::OkStatus();
  }

 private:
  // The ACL as it was given: a canned ACL by name (stored expanded), or
  // its grants with each grantee as one string.
  static json AclSpec(const json& stored) {
    json out = {{"target", stored.value("target", "object")}};
    if (stored.contains("canned")) {
      out["canned"] = stored["canned"];
      return out;
    }
    out["grants"] = json::array();
    for (const auto& g : stored.value("grants", json::array())) {
      const json& grantee = g.value("grantee", json::object());
      const std::string type = grantee.value("type", "");
      out["grants"].push_back({{"type", type},
                               {"grantee", type == "Group" ? grantee.value("uri", "")
                                                           : grantee.value("id", "")},
                               {"permission", g.value("permission", "")}});
    }
    return out;
  }

  const AccountServices& s_;
  const Caller& caller_;
  const std::string& account_;
  std::set<std::string> service_accounts_;  // of the clients in the document
};

}  // namespace

absl::StatusOr<AccountDocument> ReadAccount(const AccountServices& s, const Caller& caller,
                                            const std::string& account_id) {
  AccountDocument doc;
  Reader r(s, caller, account_id);
  RETURN_IF_ERROR(r.AccountPolicies(doc));
  RETURN_IF_ERROR(r.Policies(doc));
  RETURN_IF_ERROR(r.Clients(doc));  // before the users: which service accounts are in
  RETURN_IF_ERROR(r.Groups(doc));
  RETURN_IF_ERROR(r.Users(doc));
  RETURN_IF_ERROR(r.Roles(doc));
  RETURN_IF_ERROR(r.Resources(doc));
  return doc;
}

}  // namespace iam::declarative
