// account export and apply: an account's configuration as a YAML (or
// JSON) file, and an account converged to such a file. The server plans,
// checks and (unless --dry-run) applies; this side converts the file and
// shows the plan.
#include <iostream>

#include "iam/cli/commands.h"
#include "iam/cli/output.h"
#include "policy/yaml_syntax.h"
#include "policy/json_syntax.h"

namespace iam::cli {
namespace {

using v1::AdminService;

int ExportConfiguration(Context& c, const Args& a) {
  v1::ExportAccountConfigurationRequest q;
  q.set_account_id(a["--account"]);
  v1::AccountConfiguration r;
  grpc::Status s = Invoke(c, &AdminService::Stub::ExportAccountConfiguration, q, &r);
  if (!s.ok()) return Fail(c, s);
  auto doc = policy::ParseJson(r.document(), "the exported document");
  if (!doc.ok()) return Fail(doc.status());
  if (c.json()) {
    std::cout << doc->dump(2) << "\n";
  } else {
    std::cout << "# The configuration of account " << r.account_id()
              << ": iamctl apply -f <this file> converges an account to it.\n"
              << policy::JsonToYaml(*doc);
  }
  return 0;
}

// One call: the server plans, checks every change and, unless this is a
// dry run, makes them all; either way it answers the plan.
int Apply(Context& c, const Args& a) {
  const std::string& path = a["-f,--file"];
  auto doc = ReadYamlDocument(path);
  if (!doc.ok()) return Refuse(doc.status());
  v1::ApplyAccountConfigurationRequest q;
  q.set_account_id(a["--account"]);
  q.set_document(doc->dump());
  q.set_dry_run(a.Flag("--dry-run"));
  v1::ApplyAccountConfigurationResponse r;
  grpc::Status s = Invoke(c, &AdminService::Stub::ApplyAccountConfiguration, q, &r);
  if (!s.ok()) return Fail(c, s);
  if (c.json()) {
    PrintJson(r);
  } else if (r.changes().empty()) {
    std::cout << "no changes: the account is as " << path << " says\n";
  } else {
    for (const auto& change : r.changes()) {
      std::cout << change.op() << " " << change.kind() << " " << change.name() << "\n";
      for (const auto& d : change.details()) std::cout << "    " << d << "\n";
    }
    std::cout << "\n" << r.changes_size()
              << (r.applied() ? " change(s) applied\n"
                              : " change(s) planned; dry run: nothing changed\n");
  }
  return 0;
}

}  // namespace

std::vector<Command> DeclarativeCommands() {
  return {
      {"account export",
       "write the account's configuration (users, groups, roles, policies, bindings, rules, "
       "resource policies, ACLs, account policies; never a secret) as YAML, or JSON with -o json",
       {AccountArg()}, ExportConfiguration},
      {"apply",
       "converge an account to a file from `account export`: every change in one transaction, "
       "or none; prints what changed (with --dry-run, what would)",
       {Text("-f,--file", "the YAML or JSON file; - for standard input").Required(), AccountArg(),
        Flag("--dry-run", "show and check the plan, change nothing")},
       Apply},
  };
}

}  // namespace iam::cli
