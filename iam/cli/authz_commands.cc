// iamctl policy | role | resource-policy | acl | simulate | export.
#include <google/protobuf/util/time_util.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "iam/cli/commands.h"
#include "iam/cli/duration.h"
#include "iam/cli/output.h"

namespace iam::cli {
namespace {

using google::protobuf::util::TimeUtil;
using v1::AdminService;

struct Args {
  std::string account, name, policy, file, description, user, group, role, resource, target;
  std::string canned, action, duration, until;
  std::vector<std::string> grants, context, roles;
  int64_t version = 0;
  bool builtin = false, no_default = false;
};

// A document from a file, or stdin for "-".
bool ReadDocument(const std::string& path, std::string* out) {
  std::stringstream ss;
  if (path == "-") {
    ss << std::cin.rdbuf();
  } else {
    std::ifstream in(path);
    if (!in) {
      std::cerr << "iamctl: cannot read " << path << "\n";
      return false;
    }
    ss << in.rdbuf();
  }
  *out = ss.str();
  return true;
}

// The one principal of --user / --group / --role.
bool PrincipalOf(const Args& a, v1::PrincipalName* p) {
  int n = !a.user.empty() + !a.group.empty() + !a.role.empty();
  if (n != 1) {
    std::cerr << "iamctl: give exactly one of --user, --group, --role\n";
    return false;
  }
  p->set_type(!a.user.empty() ? v1::PrincipalName::USER
              : !a.group.empty() ? v1::PrincipalName::GROUP
                                 : v1::PrincipalName::ROLE);
  p->set_name(!a.user.empty() ? a.user : !a.group.empty() ? a.group : a.role);
  return true;
}

int Done(Context& c, const grpc::Status& s, const google::protobuf::Message& m,
         const std::string& text) {
  return Render(c, s, m, [&] { std::cout << text << "\n"; });
}

void PrintPolicies(const google::protobuf::RepeatedPtrField<v1::ManagedPolicy>& ps) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& p : ps) {
    rows.push_back({p.name(), p.arn(), p.builtin() ? "built-in" : "v" + std::to_string(p.default_version()),
                    p.description().empty() ? "-" : p.description()});
  }
  PrintTable({"NAME", "ARN", "DEFAULT", "DESCRIPTION"}, rows);
}

using Cmd = std::pair<CLI::App*, std::shared_ptr<Args>>;

Cmd Make(CLI::App* parent, const char* name, const char* help) {
  auto a = std::make_shared<Args>();
  auto* cmd = parent->add_subcommand(name, help);
  cmd->add_option("--account", a->account, "account id (default: your own)");
  return {cmd, a};
}

void PrincipalOptions(CLI::App* cmd, Args& a, bool roles = true) {
  cmd->add_option("--user", a.user, "a user");
  cmd->add_option("--group", a.group, "a group");
  if (roles) cmd->add_option("--role", a.role, "a role");
}

void AddPolicy(CLI::App& app, Action* run) {
  auto* policy = app.add_subcommand("policy", "managed and inline policies");
  policy->require_subcommand(1);
  {
    auto [cmd, a] = Make(policy, "create", "create a managed policy from a JSON document");
    cmd->add_option("name", a->name)->required();
    cmd->add_option("--file", a->file, "the document (- for stdin)")->required();
    cmd->add_option("--description", a->description);
    cmd->callback([run, a] {
      *run = [a](Context& c) {
        v1::CreatePolicyRequest q;
        q.set_account_id(a->account);
        q.set_name(a->name);
        q.set_description(a->description);
        std::string doc;
        if (!ReadDocument(a->file, &doc)) return 1;
        q.set_document(doc);
        v1::ManagedPolicy p;
        grpc::Status s = Invoke(c, &AdminService::Stub::CreatePolicy, q, &p);
        return Done(c, s, p,
                    "created " + p.arn() + " (v1)");
      };
    });
  }
  {
    auto [cmd, a] = Make(policy, "update", "add a version (the default unless --no-default)");
    cmd->add_option("name", a->name)->required();
    cmd->add_option("--file", a->file, "the document (- for stdin)")->required();
    cmd->add_flag("--no-default", a->no_default, "keep the current default version");
    cmd->callback([run, a] {
      *run = [a](Context& c) {
        v1::CreatePolicyVersionRequest q;
        q.set_account_id(a->account);
        q.set_policy(a->name);
        std::string doc;
        if (!ReadDocument(a->file, &doc)) return 1;
        q.set_document(doc);
        q.set_set_as_default(!a->no_default);
        v1::PolicyVersion v;
        grpc::Status s = Invoke(c, &AdminService::Stub::CreatePolicyVersion, q, &v);
        return Done(c, s, v,
                    "version " + std::to_string(v.version()) + (v.is_default() ? " (default)" : ""));
      };
    });
  }
  {
    auto [cmd, a] = Make(policy, "list", "list the account's managed policies");
    cmd->add_flag("--builtin", a->builtin, "include the built-in policies");
    cmd->callback([run, a] {
      *run = [a](Context& c) {
        v1::ListPoliciesRequest q;
        q.set_account_id(a->account);
        q.set_include_builtin(a->builtin);
        v1::ListPoliciesResponse r;
        grpc::Status s = ListAll(c, &AdminService::Stub::ListPolicies, q, &r);
        return Render(c, s, r, [&] { PrintPolicies(r.policies()); });
      };
    });
  }
  {
    auto [cmd, a] = Make(policy, "get", "show a policy's default (or --version) document");
    cmd->add_option("policy", a->name, "name or ARN")->required();
    cmd->add_option("--version", a->version);
    cmd->callback([run, a] {
      *run = [a](Context& c) {
        if (a->version > 0) {
          v1::PolicyVersionRequest q;
          q.set_account_id(a->account);
          q.set_policy(a->name);
          q.set_version(a->version);
          v1::PolicyVersion v;
          grpc::Status s = Invoke(c, &AdminService::Stub::GetPolicyVersion, q, &v);
        return Done(c, s, v, v.document());
        }
        v1::GetPolicyRequest q;
        q.set_account_id(a->account);
        q.set_policy(a->name);
        v1::ManagedPolicy p;
        return Render(c, Invoke(c, &AdminService::Stub::GetPolicy, q, &p), p, [&] {
          std::cout << p.arn() << "  default v" << p.default_version() << "  attached "
                    << p.attachment_count() << "\n" << p.document() << "\n";
        });
      };
    });
  }
  {
    auto [cmd, a] = Make(policy, "versions", "list a policy's versions");
    cmd->add_option("policy", a->name)->required();
    cmd->callback([run, a] {
      *run = [a](Context& c) {
        v1::GetPolicyRequest q;
        q.set_account_id(a->account);
        q.set_policy(a->name);
        v1::ListPolicyVersionsResponse r;
        return Render(c, Invoke(c, &AdminService::Stub::ListPolicyVersions, q, &r), r, [&] {
          std::vector<std::vector<std::string>> rows;
          for (const auto& v : r.versions()) {
            rows.push_back({"v" + std::to_string(v.version()), v.is_default() ? "yes" : "",
                            FormatTime(v.create_time(), v.has_create_time())});
          }
          PrintTable({"VERSION", "DEFAULT", "CREATED"}, rows);
        });
      };
    });
  }
  {
    auto [cmd, a] = Make(policy, "set-default", "make a version the default");
    cmd->add_option("policy", a->name)->required();
    cmd->add_option("version", a->version)->required();
    cmd->callback([run, a] {
      *run = [a](Context& c) {
        v1::PolicyVersionRequest q;
        q.set_account_id(a->account);
        q.set_policy(a->name);
        q.set_version(a->version);
        v1::PolicyVersionResponse r;
        grpc::Status s = Invoke(c, &AdminService::Stub::SetDefaultPolicyVersion, q, &r);
        return Done(c, s, r,
                    "default is now v" + std::to_string(a->version));
      };
    });
  }
  {
    auto [cmd, a] = Make(policy, "delete", "delete a policy, or one of its versions");
    cmd->add_option("policy", a->name)->required();
    cmd->add_option("--version", a->version);
    cmd->callback([run, a] {
      *run = [a](Context& c) {
        if (a->version > 0) {
          v1::PolicyVersionRequest q;
          q.set_account_id(a->account);
          q.set_policy(a->name);
          q.set_version(a->version);
          v1::PolicyVersionResponse r;
          grpc::Status s = Invoke(c, &AdminService::Stub::DeletePolicyVersion, q, &r);
        return Done(c, s, r, "deleted");
        }
        v1::DeletePolicyRequest q;
        q.set_account_id(a->account);
        q.set_policy(a->name);
        v1::DeletePolicyResponse r;
        grpc::Status s = Invoke(c, &AdminService::Stub::DeletePolicy, q, &r);
        return Done(c, s, r, "deleted");
      };
    });
  }
  for (bool attach : {true, false}) {
    auto [cmd, a] = Make(policy, attach ? "attach" : "detach",
                         attach ? "attach a managed or built-in policy" : "detach a policy");
    cmd->add_option("policy", a->name, "name or ARN")->required();
    PrincipalOptions(cmd, *a);
    cmd->callback([run, a, attach] {
      *run = [a, attach](Context& c) {
        v1::AttachPolicyRequest q;
        q.set_account_id(a->account);
        q.set_policy(a->name);
        if (!PrincipalOf(*a, q.mutable_principal())) return 2;
        v1::AttachPolicyResponse r;
        return Done(c,
                    Invoke(c, attach ? &AdminService::Stub::AttachPolicy
                                     : &AdminService::Stub::DetachPolicy,
                           q, &r),
                    r, attach ? "attached" : "detached");
      };
    });
  }
  {
    auto [cmd, a] = Make(policy, "put-inline", "embed a policy in a user, group or role");
    cmd->add_option("name", a->name)->required();
    cmd->add_option("--file", a->file, "the document (- for stdin)")->required();
    PrincipalOptions(cmd, *a);
    cmd->callback([run, a] {
      *run = [a](Context& c) {
        v1::InlinePolicyRequest q;
        q.set_account_id(a->account);
        q.set_policy_name(a->name);
        if (!PrincipalOf(*a, q.mutable_principal())) return 2;
        std::string doc;
        if (!ReadDocument(a->file, &doc)) return 1;
        q.set_document(doc);
        v1::InlinePolicyResponse r;
        grpc::Status s = Invoke(c, &AdminService::Stub::PutInlinePolicy, q, &r);
        return Done(c, s, r, "saved");
      };
    });
  }
  {
    auto [cmd, a] = Make(policy, "delete-inline", "remove an inline policy");
    cmd->add_option("name", a->name)->required();
    PrincipalOptions(cmd, *a);
    cmd->callback([run, a] {
      *run = [a](Context& c) {
        v1::InlinePolicyRequest q;
        q.set_account_id(a->account);
        q.set_policy_name(a->name);
        if (!PrincipalOf(*a, q.mutable_principal())) return 2;
        v1::InlinePolicyResponse r;
        grpc::Status s = Invoke(c, &AdminService::Stub::DeleteInlinePolicy, q, &r);
        return Done(c, s, r, "deleted");
      };
    });
  }
  {
    auto [cmd, a] = Make(policy, "list-for", "what a user, group or role has");
    PrincipalOptions(cmd, *a);
    cmd->callback([run, a] {
      *run = [a](Context& c) {
        v1::PrincipalRequest q;
        q.set_account_id(a->account);
        if (!PrincipalOf(*a, q.mutable_principal())) return 2;
        v1::PrincipalPolicies r;
        return Render(c, Invoke(c, &AdminService::Stub::ListPrincipalPolicies, q, &r), r, [&] {
          std::vector<std::vector<std::string>> rows;
          for (const auto& p : r.attached()) rows.push_back({"attached", p.arn()});
          for (const auto& n : r.inline_policy_names()) rows.push_back({"inline", n});
          if (r.has_permissions_boundary()) {
            rows.push_back({"boundary", r.permissions_boundary().arn()});
          }
          PrintTable({"KIND", "POLICY"}, rows);
        });
      };
    });
  }
  for (bool set : {true, false}) {
    auto [cmd, a] = Make(policy, set ? "set-boundary" : "clear-boundary",
                         set ? "limit a user or role to a policy" : "remove a boundary");
    if (set) cmd->add_option("policy", a->name)->required();
    cmd->add_option("--user", a->user);
    cmd->add_option("--role", a->role);
    cmd->callback([run, a, set] {
      *run = [a, set](Context& c) {
        v1::PermissionsBoundaryRequest q;
        q.set_account_id(a->account);
        q.set_policy(a->name);
        if (!PrincipalOf(*a, q.mutable_principal())) return 2;
        v1::PermissionsBoundaryResponse r;
        return Done(c,
                    Invoke(c, set ? &AdminService::Stub::PutPermissionsBoundary
                                  : &AdminService::Stub::DeletePermissionsBoundary,
                           q, &r),
                    r, set ? "boundary set" : "boundary removed");
      };
    });
  }
}

void PrintRoles(const v1::Role& r) {
  std::cout << r.arn() << (r.description().empty() ? "" : "  " + r.description()) << "\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& a : r.assignments()) {
    rows.push_back({a.principal().type() == v1::PrincipalName::USER ? "user" : "group",
                    a.principal().name(),
                    a.has_expire_time() ? FormatTime(a.expire_time(), true) : "never",
                    a.expired() ? "expired" : "active"});
  }
  if (!rows.empty()) PrintTable({"TYPE", "HOLDER", "EXPIRES", "STATE"}, rows);
}

void AddRole(CLI::App& app, Action* run) {
  auto* role = app.add_subcommand("role", "roles, their assignments, separation of duties");
  role->require_subcommand(1);
  {
    auto [cmd, a] = Make(role, "create", "create a role");
    cmd->add_option("name", a->name)->required();
    cmd->add_option("--description", a->description);
    cmd->callback([run, a] {
      *run = [a](Context& c) {
        v1::CreateRoleRequest q;
        q.set_account_id(a->account);
        q.set_name(a->name);
        q.set_description(a->description);
        v1::Role r;
        return Render(c, Invoke(c, &AdminService::Stub::CreateRole, q, &r), r,
                      [&] { PrintRoles(r); });
      };
    });
  }
  {
    auto [cmd, a] = Make(role, "get", "show a role and who holds it");
    cmd->add_option("name", a->name)->required();
    cmd->callback([run, a] {
      *run = [a](Context& c) {
        v1::RoleRequest q;
        q.set_account_id(a->account);
        q.set_name(a->name);
        v1::Role r;
        return Render(c, Invoke(c, &AdminService::Stub::GetRole, q, &r), r,
                      [&] { PrintRoles(r); });
      };
    });
  }
  {
    auto [cmd, a] = Make(role, "list", "list roles, or the roles a --user holds");
    cmd->add_option("--user", a->user);
    cmd->callback([run, a] {
      *run = [a](Context& c) {
        if (!a->user.empty()) {
          v1::ListUserRolesRequest q;
          q.set_account_id(a->account);
          q.set_username(a->user);
          v1::ListUserRolesResponse r;
          return Render(c, Invoke(c, &AdminService::Stub::ListUserRoles, q, &r), r, [&] {
            std::vector<std::vector<std::string>> rows;
            for (const auto& h : r.roles()) {
              rows.push_back({h.role(), h.via_group().empty() ? "-" : h.via_group(),
                              h.has_expire_time() ? FormatTime(h.expire_time(), true) : "never"});
            }
            PrintTable({"ROLE", "VIA GROUP", "EXPIRES"}, rows);
          });
        }
        v1::ListRolesRequest q;
        q.set_account_id(a->account);
        v1::ListRolesResponse r;
        grpc::Status s = ListAll(c, &AdminService::Stub::ListRoles, q, &r);
        return Render(c, s, r, [&] {
          std::vector<std::vector<std::string>> rows;
          for (const auto& x : r.roles()) rows.push_back({x.name(), x.arn(), x.description()});
          PrintTable({"NAME", "ARN", "DESCRIPTION"}, rows);
        });
      };
    });
  }
  {
    auto [cmd, a] = Make(role, "delete", "delete a role and its assignments");
    cmd->add_option("name", a->name)->required();
    cmd->callback([run, a] {
      *run = [a](Context& c) {
        v1::RoleRequest q;
        q.set_account_id(a->account);
        q.set_name(a->name);
        v1::DeleteRoleResponse r;
        grpc::Status s = Invoke(c, &AdminService::Stub::DeleteRole, q, &r);
        return Done(c, s, r, "deleted");
      };
    });
  }
  {
    auto [cmd, a] = Make(role, "assign", "give a role to a user or group (--for 4h: temporary)");
    cmd->add_option("role", a->name)->required();
    PrincipalOptions(cmd, *a, false);
    cmd->add_option("--for", a->duration, "ends by itself after 90s, 30m, 4h, 7d...");
    cmd->add_option("--until", a->until, "ends by itself at this RFC 3339 time");
    cmd->callback([run, a] {
      *run = [a](Context& c) {
        v1::AssignRoleRequest q;
        q.set_account_id(a->account);
        q.set_role(a->name);
        if (!PrincipalOf(*a, q.mutable_principal())) return 2;
        if (!a->duration.empty()) {
          int64_t seconds = ParseDurationSeconds(a->duration);
          if (seconds == 0) {
            std::cerr << "iamctl: --for: a number followed by s, m, h or d\n";
            return 2;
          }
          q.set_duration_seconds(seconds);
        }
        if (!a->until.empty() &&
            !TimeUtil::FromString(a->until, q.mutable_expire_time())) {
          std::cerr << "iamctl: --until: an RFC 3339 time (2026-12-01T18:00:00Z)\n";
          return 2;
        }
        v1::RoleAssignment r;
        grpc::Status s = Invoke(c, &AdminService::Stub::AssignRole, q, &r);
        return Done(c, s, r,
                    "assigned " + a->name + " to " + r.principal().name() +
                        (r.has_expire_time() ? " until " + FormatTime(r.expire_time(), true)
                                             : ""));
      };
    });
  }
  {
    auto [cmd, a] = Make(role, "unassign", "take a role back");
    cmd->add_option("role", a->name)->required();
    PrincipalOptions(cmd, *a, false);
    cmd->callback([run, a] {
      *run = [a](Context& c) {
        v1::UnassignRoleRequest q;
        q.set_account_id(a->account);
        q.set_role(a->name);
        if (!PrincipalOf(*a, q.mutable_principal())) return 2;
        v1::UnassignRoleResponse r;
        grpc::Status s = Invoke(c, &AdminService::Stub::UnassignRole, q, &r);
        return Done(c, s, r, "unassigned");
      };
    });
  }
  {
    auto [cmd, a] = Make(role, "forbid-together", "separation of duties: no one holds two of these");
    cmd->add_option("rule", a->name)->required();
    cmd->add_option("roles", a->roles)->required()->expected(2, 20);
    cmd->callback([run, a] {
      *run = [a](Context& c) {
        v1::CreateSodRuleRequest q;
        q.set_account_id(a->account);
        q.set_name(a->name);
        for (const auto& r : a->roles) q.add_roles(r);
        v1::SodRule r;
        grpc::Status s = Invoke(c, &AdminService::Stub::CreateSodRule, q, &r);
        return Done(c, s, r,
                    "rule " + r.name() + ": " + absl::StrJoin(r.roles(), ", "));
      };
    });
  }
  {
    auto [cmd, a] = Make(role, "rules", "list separation-of-duties rules");
    cmd->callback([run, a] {
      *run = [a](Context& c) {
        v1::SodRuleRequest q;
        q.set_account_id(a->account);
        v1::ListSodRulesResponse r;
        return Render(c, Invoke(c, &AdminService::Stub::ListSodRules, q, &r), r, [&] {
          std::vector<std::vector<std::string>> rows;
          for (const auto& x : r.rules()) rows.push_back({x.name(), absl::StrJoin(x.roles(), ", ")});
          PrintTable({"RULE", "ROLES"}, rows);
        });
      };
    });
  }
  {
    auto [cmd, a] = Make(role, "delete-rule", "delete a separation-of-duties rule");
    cmd->add_option("rule", a->name)->required();
    cmd->callback([run, a] {
      *run = [a](Context& c) {
        v1::SodRuleRequest q;
        q.set_account_id(a->account);
        q.set_name(a->name);
        v1::DeleteSodRuleResponse r;
        grpc::Status s = Invoke(c, &AdminService::Stub::DeleteSodRule, q, &r);
        return Done(c, s, r, "deleted");
      };
    });
  }
}

void AddResources(CLI::App& app, Action* run) {
  auto* rp = app.add_subcommand("resource-policy", "resource (bucket) policies");
  rp->require_subcommand(1);
  for (const char* verb : {"put", "get", "delete"}) {
    auto [cmd, a] = Make(rp, verb, "a resource policy on an ARN prefix");
    cmd->add_option("resource", a->resource)->required();
    if (std::string(verb) == "put") cmd->add_option("--file", a->file)->required();
    const std::string v = verb;
    cmd->callback([run, a, v] {
      *run = [a, v](Context& c) {
        v1::ResourcePolicyRequest q;
        q.set_account_id(a->account);
        q.set_resource(a->resource);
        if (v == "delete") {
          v1::DeleteResourcePolicyResponse r;
          grpc::Status s = Invoke(c, &AdminService::Stub::DeleteResourcePolicy, q, &r);
        return Done(c, s, r, "deleted");
        }
        if (v == "put") {
          std::string doc;
          if (!ReadDocument(a->file, &doc)) return 1;
          q.set_document(doc);
        }
        v1::ResourcePolicy r;
        grpc::Status s = v == "put" ? Invoke(c, &AdminService::Stub::PutResourcePolicy, q, &r)
                                    : Invoke(c, &AdminService::Stub::GetResourcePolicy, q, &r);
        return Done(c, s, r, v == "put" ? "saved" : r.document());
      };
    });
  }
  auto* acl = app.add_subcommand("acl", "access control lists on resources");
  acl->require_subcommand(1);
  {
    auto [cmd, a] = Make(acl, "put", "set an ACL: --canned NAME or --grant TYPE:GRANTEE:PERM...");
    cmd->add_option("resource", a->resource)->required();
    cmd->add_option("--canned", a->canned, "private, public-read, public-read-write, ...");
    cmd->add_option("--grant", a->grants,
                    "CanonicalUser:<account id>:READ or Group:AllUsers:READ (repeatable)");
    cmd->add_option("--target", a->target, "bucket or object (default)");
    cmd->callback([run, a] {
      *run = [a](Context& c) {
        v1::PutResourceAclRequest q;
        q.set_account_id(a->account);
        q.set_resource(a->resource);
        q.set_canned(a->canned);
        q.set_target(a->target);
        for (const auto& g : a->grants) {
          std::vector<std::string> parts = absl::StrSplit(g, ':');
          if (parts.size() != 3) {
            std::cerr << "iamctl: --grant: TYPE:GRANTEE:PERMISSION\n";
            return 2;
          }
          auto* grant = q.add_grants();
          grant->set_grantee_type(parts[0]);
          grant->set_grantee(parts[1]);
          grant->set_permission(parts[2]);
        }
        v1::ResourceAcl r;
        grpc::Status s = Invoke(c, &AdminService::Stub::PutResourceAcl, q, &r);
        return Done(c, s, r, "saved");
      };
    });
  }
  {
    auto [cmd, a] = Make(acl, "get", "show a resource's ACL");
    cmd->add_option("resource", a->resource)->required();
    cmd->callback([run, a] {
      *run = [a](Context& c) {
        v1::GetResourceAclRequest q;
        q.set_account_id(a->account);
        q.set_resource(a->resource);
        v1::ResourceAcl r;
        return Render(c, Invoke(c, &AdminService::Stub::GetResourceAcl, q, &r), r, [&] {
          std::cout << r.resource() << "  owner " << r.owner() << "  " << r.target()
                    << (r.canned().empty() ? "" : "  canned " + r.canned()) << "\n";
          std::vector<std::vector<std::string>> rows;
          for (const auto& g : r.grants()) {
            rows.push_back({g.grantee_type(), g.grantee(), g.permission()});
          }
          PrintTable({"TYPE", "GRANTEE", "PERMISSION"}, rows);
        });
      };
    });
  }
}

void AddSimulate(CLI::App& app, Action* run) {
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("simulate", "what the policies decide, and why");
  cmd->add_option("--account", a->account, "the user's account (default: your own)");
  cmd->add_option("--user", a->user)->required();
  cmd->add_option("--action", a->action)->required();
  cmd->add_option("--resource", a->resource)->required();
  cmd->add_option("--context", a->context, "key=value (repeatable; a,b,c for lists)");
  cmd->callback([run, a] {
    *run = [a](Context& c) {
      v1::ExplainRequest q;
      q.set_what_if(true);
      v1::CheckRequest* check = q.mutable_check();
      check->mutable_principal()->set_account_id(a->account);
      check->mutable_principal()->set_username(a->user);
      check->set_action(a->action);
      check->set_resource(a->resource);
      for (const auto& kv : a->context) {
        const size_t eq = kv.find('=');
        if (eq == std::string::npos || eq == 0) {
          std::cerr << "iamctl: --context: key=value\n";
          return 2;
        }
        auto* e = check->add_context();
        e->set_key(kv.substr(0, eq));
        std::vector<std::string> values = absl::StrSplit(kv.substr(eq + 1), ',');
        for (const auto& v : values) e->add_values(v);
        e->set_multi(values.size() > 1);
      }
      v1::ExplainResponse r;
      auto call = c.NewCall();
      grpc::Status s = c.authz().Explain(call.get(), q, &r);
      return Render(c, s, r, [&] {
        std::cout << v1::Decision_Name(r.result().decision()) << "\n";
        for (const auto& reason : r.result().reasons()) std::cout << "  " << reason << "\n";
        std::cout << "trace:\n";
        for (const auto& t : r.trace()) std::cout << "  " << t << "\n";
      });
    };
  });
}

void AddExport(CLI::App& app, Action* run) {
  auto* exp = app.add_subcommand("export", "export metadata for audit");
  exp->require_subcommand(1);
  auto a = std::make_shared<Args>();
  auto* cmd = exp->add_subcommand("permissions", "who can do what (-o json or -o csv)");
  cmd->add_option("--account", a->account);
  cmd->callback([run, a] {
    *run = [a](Context& c) {
      v1::ExportPermissionsRequest q;
      q.set_account_id(a->account);
      v1::ExportPermissionsResponse r;
      grpc::Status s = Invoke(c, &AdminService::Stub::ExportPermissions, q, &r);
      if (s.ok() && c.options().output == "csv") {
        std::cout << "principal_type,principal,arn,via,policy,effect,actions,resources,"
                     "conditional\n";
        for (const auto& p : r.principals()) {
          const std::string type = p.principal().type() == v1::PrincipalName::USER    ? "user"
                                   : p.principal().type() == v1::PrincipalName::GROUP ? "group"
                                                                                      : "role";
          for (const auto& g : p.grants()) {
            std::cout << type << "," << CsvField(p.principal().name()) << "," << CsvField(p.arn()) << ","
                      << CsvField(g.via()) << "," << CsvField(g.policy()) << "," << g.effect() << ","
                      << CsvField((g.not_action() ? "NOT " : "") + absl::StrJoin(g.actions(), " "))
                      << ","
                      << CsvField((g.not_resource() ? "NOT " : "") + absl::StrJoin(g.resources(), " "))
                      << "," << (g.conditional() ? "yes" : "no") << "\n";
          }
        }
        return 0;
      }
      return Render(c, s, r, [&] {
        std::vector<std::vector<std::string>> rows;
        for (const auto& p : r.principals()) {
          rows.push_back({p.arn(), std::to_string(p.grants_size()),
                          absl::StrJoin(p.attached_policies(), " ")});
        }
        PrintTable({"PRINCIPAL", "STATEMENTS", "ATTACHED"}, rows);
      });
    };
  });
}

}  // namespace

void AddAuthzCommands(CLI::App& app, Action* run) {
  AddPolicy(app, run);
  AddRole(app, run);
  AddResources(app, run);
  AddSimulate(app, run);
  AddExport(app, run);
}

}  // namespace iam::cli
