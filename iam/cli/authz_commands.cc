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
#include "policy/yaml_syntax.h"

namespace iam::cli {

absl::StatusOr<std::string> ReadDocument(const std::string& path) {
  std::stringstream ss;
  if (path == "-") {
    // Standard input can be read once; a document checked (--strict) and
    // then sent reads it twice.
    static const std::string kStdin = [] {
      std::stringstream in;
      in << std::cin.rdbuf();
      return in.str();
    }();
    return kStdin;
  } else {
    std::ifstream in(path);
    if (!in) return absl::NotFoundError("cannot read " + path);
    ss << in.rdbuf();
  }
  return ss.str();
}

absl::StatusOr<nlohmann::json> ReadYamlDocument(const std::string& path) {
  auto text = ReadDocument(path);
  if (!text.ok()) {
    return absl::InvalidArgumentError("--file: " + std::string(text.status().message()));
  }
  return policy::YamlToJson(*text, path == "-" ? "standard input" : path);
}

namespace {

using google::protobuf::util::TimeUtil;
using v1::AdminService;

// The one principal of --user / --group / --role (the arguments a command
// declares).
absl::Status PrincipalOf(const Args& a, v1::PrincipalName* p, bool roles = true,
                         bool groups = true) {
  const std::string none;
  const std::string& user = a["--user"];
  const std::string& group = groups ? a["--group"] : none;
  const std::string& role = roles ? a["--role"] : none;
  if (!user.empty() + !group.empty() + !role.empty() != 1) {
    return absl::InvalidArgumentError("give exactly one of --user, --group, --role");
  }
  p->set_type(!user.empty()    ? v1::PrincipalName::USER
              : !group.empty() ? v1::PrincipalName::GROUP
                               : v1::PrincipalName::ROLE);
  p->set_name(!user.empty() ? user : !group.empty() ? group : role);
  return absl::OkStatus();
}

// --user, --group and (unless roles is false) --role.
std::vector<Arg> PrincipalArgs(bool roles = true) {
  std::vector<Arg> args = {Text("--user", "a user"), Text("--group", "a group")};
  if (roles) args.push_back(Text("--role", "a role"));
  return args;
}

// --account first, as every command of this file takes it, then the rest.
std::vector<Arg> WithAccount(std::vector<Arg> args, const std::vector<Arg>& more = {}) {
  args.insert(args.begin(), AccountArg());
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

void PrintPolicies(const Args&, const v1::ListPoliciesResponse& r) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& p : r.policies()) {
    rows.push_back({p.name(), p.arn(),
                    p.builtin() ? "built-in" : "v" + std::to_string(p.default_version()),
                    p.description().empty() ? "-" : p.description()});
  }
  PrintTable({"NAME", "ARN", "DEFAULT", "DESCRIPTION"}, rows);
}

void PrintVersions(const Args&, const v1::ListPolicyVersionsResponse& r) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& v : r.versions()) {
    rows.push_back({"v" + std::to_string(v.version()), v.is_default() ? "yes" : "",
                    FormatTime(v.create_time(), v.has_create_time())});
  }
  PrintTable({"VERSION", "DEFAULT", "CREATED"}, rows);
}

void PrintPrincipalPolicies(const Args&, const v1::PrincipalPolicies& r) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& p : r.attached()) rows.push_back({"attached", p.arn()});
  for (const auto& n : r.inline_policy_names()) rows.push_back({"inline", n});
  if (r.has_permissions_boundary()) {
    rows.push_back({"boundary", r.permissions_boundary().arn()});
  }
  PrintTable({"KIND", "POLICY"}, rows);
}

void PrintRole(const Args&, const v1::Role& r) {
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

void PrintUserRoles(const Args&, const v1::ListUserRolesResponse& r) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& h : r.roles()) {
    rows.push_back({h.role(), h.via_group().empty() ? "-" : h.via_group(),
                    h.has_expire_time() ? FormatTime(h.expire_time(), true) : "never"});
  }
  PrintTable({"ROLE", "VIA GROUP", "EXPIRES"}, rows);
}

void PrintRoles(const Args&, const v1::ListRolesResponse& r) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& x : r.roles()) rows.push_back({x.name(), x.arn(), x.description()});
  PrintTable({"NAME", "ARN", "DESCRIPTION"}, rows);
}

void PrintAcl(const Args&, const v1::ResourceAcl& r) {
  std::cout << r.resource() << "  owner " << r.owner() << "  " << r.target()
            << (r.canned().empty() ? "" : "  canned " + r.canned()) << "\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& g : r.grants()) rows.push_back({g.grantee_type(), g.grantee(), g.permission()});
  PrintTable({"TYPE", "GRANTEE", "PERMISSION"}, rows);
}

// The document of --file.
template <typename Req>
absl::Status SetDocument(const Args& a, Req& q) {
  auto doc = ReadDocument(a["--file"]);
  if (!doc.ok()) return doc.status();
  q.set_document(*doc);
  return absl::OkStatus();
}

// --version, for the requests about one version.
void WithVersion(const Args& a, v1::PolicyVersionRequest& q) {
  q.set_version(a.Number("--version"));
}

// The policy's default document, or with --version that version's.
int GetPolicy(Context& c, const Args& a) {
  if (a.Number("--version") > 0) {
    return Call(&AdminService::Stub::GetPolicyVersion, WithVersion,
                Says([](const Args&, const v1::PolicyVersion& v) { return v.document(); }))(c, a);
  }
  return Call(&AdminService::Stub::GetPolicy, [](const Args&, const v1::ManagedPolicy& p) {
    std::cout << p.arn() << "  default v" << p.default_version() << "  attached "
              << p.attachment_count() << "\n"
              << p.document() << "\n";
  })(c, a);
}

// The policy, or with --version one of its versions.
int DeletePolicy(Context& c, const Args& a) {
  if (a.Number("--version") > 0) {
    return Call(&AdminService::Stub::DeletePolicyVersion, WithVersion, Says("deleted"))(c, a);
  }
  return Call(&AdminService::Stub::DeletePolicy, Says("deleted"))(c, a);
}

// The account's roles, or with --user the roles that user holds.
int ListRoles(Context& c, const Args& a) {
  if (!a["--user"].empty()) {
    return Call(
        &AdminService::Stub::ListUserRoles,
        [](const Args& a, v1::ListUserRolesRequest& q) { q.set_username(a["--user"]); },
        PrintUserRoles)(c, a);
  }
  return CallAll(&AdminService::Stub::ListRoles, PrintRoles)(c, a);
}

absl::Status BuildAssign(const Args& a, v1::AssignRoleRequest& q) {
  if (auto st = PrincipalOf(a, q.mutable_principal(), false); !st.ok()) return st;
  if (!a["--for"].empty()) {
    const int64_t seconds = ParseDurationSeconds(a["--for"]);
    if (seconds == 0) return absl::InvalidArgumentError("--for: a number followed by s, m, h or d");
    q.set_duration_seconds(seconds);
  }
  if (!a["--until"].empty() && !TimeUtil::FromString(a["--until"], q.mutable_expire_time())) {
    return absl::InvalidArgumentError("--until: an RFC 3339 time (2026-12-01T18:00:00Z)");
  }
  return absl::OkStatus();
}

// --grant TYPE:GRANTEE:PERMISSION, repeatable.
absl::Status BuildAcl(const Args& a, v1::PutResourceAclRequest& q) {
  for (const auto& g : a.List("--grant")) {
    std::vector<std::string> parts = absl::StrSplit(g, ':');
    if (parts.size() != 3) return absl::InvalidArgumentError("--grant: TYPE:GRANTEE:PERMISSION");
    auto* grant = q.add_grants();
    grant->set_grantee_type(parts[0]);
    grant->set_grantee(parts[1]);
    grant->set_permission(parts[2]);
  }
  return absl::OkStatus();
}

absl::Status BuildSimulate(const Args& a, v1::ExplainRequest& q) {
  q.set_what_if(true);
  v1::CheckRequest* check = q.mutable_check();
  check->mutable_principal()->set_account_id(a["--account"]);
  check->mutable_principal()->set_username(a["--user"]);
  check->set_action(a["--action"]);
  check->set_resource(a["--resource"]);
  for (const auto& kv : a.List("--context")) {
    const size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0)
      return absl::InvalidArgumentError("--context: key=value");
    auto* e = check->add_context();
    e->set_key(kv.substr(0, eq));
    std::vector<std::string> values = absl::StrSplit(kv.substr(eq + 1), ',');
    for (const auto& v : values) e->add_values(v);
    e->set_multi(values.size() > 1);
  }
  return absl::OkStatus();
}

void PrintExplanation(const Args&, const v1::ExplainResponse& r) {
  std::cout << v1::Decision_Name(r.result().decision()) << "\n";
  for (const auto& reason : r.result().reasons()) std::cout << "  " << reason << "\n";
  std::cout << "trace:\n";
  for (const auto& t : r.trace()) std::cout << "  " << t << "\n";
}

// One request from the flags, or a whole test file.
int Simulate(Context& c, const Args& a) {
  if (!a["--file"].empty()) return SimulateFile(c, a);
  for (const char* flag : {"--user", "--action", "--resource"}) {
    if (a[flag].empty()) {
      return Refuse(absl::InvalidArgumentError(absl::StrCat(flag, ": required (or --file)")));
    }
  }
  static const Run one = Call(&v1::AuthzService::Stub::Explain, BuildSimulate, PrintExplanation);
  return one(c, a);
}

void PrintPermissions(const v1::ExportPermissionsResponse& r) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& p : r.principals()) {
    rows.push_back(
        {p.arn(), std::to_string(p.grants_size()), absl::StrJoin(p.attached_policies(), " ")});
  }
  PrintTable({"PRINCIPAL", "STATEMENTS", "ATTACHED"}, rows);
}

// One line per grant, for a spreadsheet.
void PrintPermissionsCsv(const v1::ExportPermissionsResponse& r) {
  std::cout << "principal_type,principal,arn,via,policy,effect,actions,resources,conditional\n";
  for (const auto& p : r.principals()) {
    const std::string type = p.principal().type() == v1::PrincipalName::USER    ? "user"
                             : p.principal().type() == v1::PrincipalName::GROUP ? "group"
                                                                                : "role";
    for (const auto& g : p.grants()) {
      std::cout << type << "," << CsvField(p.principal().name()) << "," << CsvField(p.arn()) << ","
                << CsvField(g.via()) << "," << CsvField(g.policy()) << "," << g.effect() << ","
                << CsvField((g.not_action() ? "NOT " : "") + absl::StrJoin(g.actions(), " ")) << ","
                << CsvField((g.not_resource() ? "NOT " : "") + absl::StrJoin(g.resources(), " "))
                << "," << (g.conditional() ? "yes" : "no") << "\n";
    }
  }
}

int ExportPermissions(Context& c, const Args& a) {
  v1::ExportPermissionsRequest q;
  q.set_account_id(a["--account"]);
  v1::ExportPermissionsResponse r;
  grpc::Status s = Invoke(c, &AdminService::Stub::ExportPermissions, q, &r);
  return Render(
      c, s, r, [&] { PrintPermissions(r); }, [&] { PrintPermissionsCsv(r); });
}

// The principal of --user / --group / --role (each command declares which).
template <typename Req>
absl::Status ToPrincipal(const Args& a, Req& q) {
  return PrincipalOf(a, q.mutable_principal(), a.Has("--role"), a.Has("--group"));
}

// A principal and a document from --file.
absl::Status ToPrincipalWithDocument(const Args& a, v1::InlinePolicyRequest& q) {
  if (auto st = ToPrincipal(a, q); !st.ok()) return st;
  return SetDocument(a, q);
}

const Arg kFile = Text("--file", "the document (- for stdin)").Required();
const Arg kStrict = Flag("--strict", "refuse a document with a security warning");

void PrintFindings(const google::protobuf::RepeatedPtrField<v1::PolicyFinding>& findings) {
  for (const auto& f : findings) {
    std::cout << f.severity() << " " << f.code() << " " << f.path() << ": " << f.message() << "\n";
  }
}

bool Serious(const google::protobuf::RepeatedPtrField<v1::PolicyFinding>& findings) {
  for (const auto& f : findings) {
    if (f.severity() == "SECURITY_WARNING" || f.severity() == "ERROR") return true;
  }
  return false;
}

// A write's answer, then what the document's checks found.
template <typename Show>
auto WithFindings(Show show) {
  return [show](const Args& a, const auto& r) {
    show(a, r);
    PrintFindings(r.findings());
  };
}

// ValidatePolicy on the --file document.
grpc::Status Validate(Context& c, const Args& a, const std::string& kind,
                      v1::ValidatePolicyResponse* r) {
  auto doc = ReadDocument(a["--file"]);
  if (!doc.ok()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "--file: " + std::string(doc.status().message()));
  }
  v1::ValidatePolicyRequest q;
  q.set_account_id(a["--account"]);
  q.set_document(*doc);
  q.set_kind(kind);
  return Invoke(c, &AdminService::Stub::ValidatePolicy, q, r);
}

// With --strict, the document is checked first and a security warning
// refuses it: nothing is written.
Run Strict(const std::string& kind, Run write) {
  return [kind, write](Context& c, const Args& a) {
    if (!a.Flag("--strict")) return write(c, a);
    v1::ValidatePolicyResponse r;
    grpc::Status s = Validate(c, a, kind, &r);
    if (!s.ok()) return Fail(c, s);
    if (r.valid() && Serious(r.findings())) {
      PrintFindings(r.findings());
      return Refuse(absl::FailedPreconditionError(
          "--strict: the document has security warnings (above); nothing was written"));
    }
    return write(c, a);
  };
}

int ValidateCommand(Context& c, const Args& a) {
  v1::ValidatePolicyResponse r;
  grpc::Status s = Validate(c, a, a["--kind"], &r);
  if (!s.ok()) return Fail(c, s);
  if (c.json()) {
    PrintJson(r);
  } else if (!r.valid()) {
    std::cout << "invalid: " << r.error() << "\n";
  } else {
    std::cout << "valid\n";
    PrintFindings(r.findings());
  }
  return !r.valid() || (a.Flag("--strict") && Serious(r.findings())) ? 1 : 0;
}

std::vector<Command> PolicyCommands() {
  return {
      {"policy validate", "check a document without storing it: valid or not, then its findings",
       WithAccount({kFile, Text("--kind", "identity (default) or resource").OneOf({"identity", "resource"}),
             Flag("--strict", "exit 1 on a security warning too")}),
       ValidateCommand},
      {"policy create", "create a managed policy from a JSON document",
       WithAccount({Text("name").Required().Into("name"), kFile,
             Text("--description").Into("description"), kStrict}),
       Strict("identity",
              Call(&AdminService::Stub::CreatePolicy, SetDocument<v1::CreatePolicyRequest>,
                   WithFindings(Says([](const Args&, const v1::ManagedPolicy& p) {
                     return "created " + p.arn() + " (v1)";
                   }))))},
      {"policy update", "add a version (the default unless --no-default)",
       WithAccount({Text("name").Required().Into("policy"), kFile,
             Flag("--no-default", "keep the current default version"), kStrict}),
       Strict("identity",
              Call(&AdminService::Stub::CreatePolicyVersion,
                   [](const Args& a, v1::CreatePolicyVersionRequest& q) {
                     q.set_set_as_default(!a.Flag("--no-default"));
                     return SetDocument(a, q);
                   },
                   WithFindings(Says([](const Args&, const v1::PolicyVersion& v) {
                     return "version " + std::to_string(v.version()) +
                            (v.is_default() ? " (default)" : "");
                   }))))},
      {"policy list", "list the account's managed policies",
       WithAccount({Flag("--builtin", "include the built-in policies").Into("include_builtin")}),
       CallAll(&AdminService::Stub::ListPolicies, PrintPolicies)},
      {"policy get", "show a policy's default (or --version) document",
       WithAccount({Text("policy", "name or ARN").Required().Into("policy"), Number("--version")}),
       GetPolicy},
      {"policy versions", "list a policy's versions",
       WithAccount({Text("policy").Required().Into("policy")}),
       Call(&AdminService::Stub::ListPolicyVersions, PrintVersions)},
      {"policy set-default", "make a version the default",
       WithAccount({Text("policy").Required().Into("policy"),
             Number("version").Required().Into("version")}),
       Call(&AdminService::Stub::SetDefaultPolicyVersion,
            Says([](const Args& a, const v1::PolicyVersionResponse&) {
              return "default is now v" + std::to_string(a.Number("version"));
            }))},
      {"policy delete", "delete a policy, or one of its versions",
       WithAccount({Text("policy").Required().Into("policy"), Number("--version")}), DeletePolicy},
      {"policy attach", "attach a managed or built-in policy",
       WithAccount({Text("policy", "name or ARN").Required().Into("policy")}, PrincipalArgs()),
       Call(&AdminService::Stub::AttachPolicy, ToPrincipal<v1::AttachPolicyRequest>,
            Says("attached"))},
      {"policy detach", "detach a policy",
       WithAccount({Text("policy", "name or ARN").Required().Into("policy")}, PrincipalArgs()),
       Call(&AdminService::Stub::DetachPolicy, ToPrincipal<v1::AttachPolicyRequest>,
            Says("detached"))},
      {"policy put-inline", "embed a policy in a user, group or role",
       WithAccount({Text("name").Required().Into("policy_name"), kFile, kStrict}, PrincipalArgs()),
       Strict("identity", Call(&AdminService::Stub::PutInlinePolicy, ToPrincipalWithDocument,
                               WithFindings(Says("saved"))))},
      {"policy delete-inline", "remove an inline policy",
       WithAccount({Text("name").Required().Into("policy_name")}, PrincipalArgs()),
       Call(&AdminService::Stub::DeleteInlinePolicy, ToPrincipal<v1::InlinePolicyRequest>,
            Says("deleted"))},
      {"policy list-for", "what a user, group or role has", WithAccount(PrincipalArgs()),
       Call(&AdminService::Stub::ListPrincipalPolicies, ToPrincipal<v1::PrincipalRequest>,
            PrintPrincipalPolicies)},
      {"policy set-boundary", "limit a user or role to a policy",
       WithAccount({Text("policy").Required().Into("policy"), Text("--user"), Text("--role")}),
       Call(&AdminService::Stub::PutPermissionsBoundary,
            ToPrincipal<v1::PermissionsBoundaryRequest>, Says("boundary set"))},
      {"policy clear-boundary", "remove a boundary", WithAccount({Text("--user"), Text("--role")}),
       Call(&AdminService::Stub::DeletePermissionsBoundary,
            ToPrincipal<v1::PermissionsBoundaryRequest>, Says("boundary removed"))},
  };
}

std::vector<Command> RoleCommands() {
  return {
      {"role create", "create a role",
       WithAccount({Text("name").Required().Into("name"), Text("--description").Into("description")}),
       Call(&AdminService::Stub::CreateRole, PrintRole)},
      {"role get", "show a role and who holds it", WithAccount({Text("name").Required().Into("name")}),
       Call(&AdminService::Stub::GetRole, PrintRole)},
      {"role list", "list roles, or the roles a --user holds", WithAccount({Text("--user")}), ListRoles},
      {"role delete", "delete a role and its assignments",
       WithAccount({Text("name").Required().Into("name")}),
       Call(&AdminService::Stub::DeleteRole, Says("deleted"))},
      {"role assign", "give a role to a user or group (--for 4h: temporary)",
       WithAccount({Text("role").Required().Into("role")},
            {Text("--user", "a user"), Text("--group", "a group"),
             Text("--for", "ends by itself after 90s, 30m, 4h, 7d..."),
             Text("--until", "ends by itself at this RFC 3339 time")}),
       Call(&AdminService::Stub::AssignRole, BuildAssign,
            Says([](const Args& a, const v1::RoleAssignment& r) {
              return "assigned " + a["role"] + " to " + r.principal().name() +
                     (r.has_expire_time() ? " until " + FormatTime(r.expire_time(), true) : "");
            }))},
      {"role unassign", "take a role back",
       WithAccount({Text("role").Required().Into("role")}, PrincipalArgs(false)),
       Call(&AdminService::Stub::UnassignRole, ToPrincipal<v1::UnassignRoleRequest>,
            Says("unassigned"))},
      {"role forbid-together", "separation of duties: no one holds two of these",
       WithAccount({Text("rule").Required().Into("name"),
             Texts("roles").Required().Count(2, 20).Into("roles")}),
       Call(&AdminService::Stub::CreateSodRule, Says([](const Args&, const v1::SodRule& r) {
              return "rule " + r.name() + ": " + absl::StrJoin(r.roles(), ", ");
            }))},
      {"role rules", "list separation-of-duties rules", WithAccount({}),
       Call(&AdminService::Stub::ListSodRules,
            [](const Args&, const v1::ListSodRulesResponse& r) {
              std::vector<std::vector<std::string>> rows;
              for (const auto& x : r.rules()) {
                rows.push_back({x.name(), absl::StrJoin(x.roles(), ", ")});
              }
              PrintTable({"RULE", "ROLES"}, rows);
            })},
      {"role delete-rule", "delete a separation-of-duties rule",
       WithAccount({Text("rule").Required().Into("name")}),
       Call(&AdminService::Stub::DeleteSodRule, Says("deleted"))},
  };
}

std::vector<Command> ResourceCommands() {
  const Arg resource = Text("resource").Required().Into("resource");
  return {
      {"resource-policy put", "a resource policy on an ARN prefix",
       WithAccount({resource, Text("--file").Required(), kStrict}),
       Strict("resource", Call(&AdminService::Stub::PutResourcePolicy,
                               SetDocument<v1::ResourcePolicyRequest>, WithFindings(Says("saved"))))},
      {"resource-policy get", "a resource policy on an ARN prefix", WithAccount({resource}),
       Call(&AdminService::Stub::GetResourcePolicy,
            Says([](const Args&, const v1::ResourcePolicy& r) { return r.document(); }))},
      {"resource-policy delete", "a resource policy on an ARN prefix", WithAccount({resource}),
       Call(&AdminService::Stub::DeleteResourcePolicy, Says("deleted"))},
      {"acl put", "set an ACL: --canned NAME or --grant TYPE:GRANTEE:PERM...",
       WithAccount({resource,
             Text("--canned", "private, public-read, public-read-write, ...").Into("canned"),
             Texts("--grant",
                   "CanonicalUser:<account id>:READ or Group:AllUsers:READ (repeatable)"),
             Text("--target", "bucket or object (default)").Into("target")}),
       Call(&AdminService::Stub::PutResourceAcl, BuildAcl, Says("saved"))},
      {"acl get", "show a resource's ACL", WithAccount({resource}),
       Call(&AdminService::Stub::GetResourceAcl, PrintAcl)},
      {"acl delete", "remove a resource's ACL (its owner's alone again)", WithAccount({resource}),
       Call(&AdminService::Stub::DeleteResourceAcl, Says("deleted"))},
      {"simulate", "what the policies decide, and why; or, with --file, a policy test file's "
                   "requests against them",
       {Text("--account", "the user's account (default: your own)"), Text("--user"),
        Text("--action"), Text("--resource"),
        Texts("--context", "key=value (repeatable; a,b,c for lists)"),
        Text("--file", "a policy test file (iam-policy test): its requests, its expectations")},
       Simulate},
      {"export permissions", "who can do what (-o json or -o csv)", {Text("--account")},
       ExportPermissions},
  };
}

}  // namespace

std::vector<Command> AuthzCommands() {
  std::vector<Command> table = PolicyCommands();
  for (auto list : {RoleCommands, ResourceCommands}) {
    for (Command& c : list()) table.push_back(std::move(c));
  }
  return table;
}

}  // namespace iam::cli
