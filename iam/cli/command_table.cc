// The whole table, and the help of each noun.
#include <map>

#include "iam/cli/commands.h"

namespace iam::cli {

std::vector<Command> CommandTable() {
  std::vector<Command> table;
  for (auto list : {AccountCommands, UserCommands, GroupCommands, KeyCommands, ClientCommands,
                    IdpCommands, AuthCommands, MfaCommands, AuthzCommands, AccessCommands, AuditCommands,
                    TagCommands, DeclarativeCommands, CompletionCommands}) {
    for (Command& c : list()) table.push_back(std::move(c));
  }
  return table;
}

const std::string& NounHelp(const std::string& path) {
  static const std::map<std::string, std::string> kNouns = {
      {"account", "accounts (tenants)"},
      {"user", "users of an account"},
      {"group", "groups of users"},
      {"key", "access keys"},
      {"client", "OAuth clients (apps and service accounts)"},
      {"idp", "upstream identity providers (OpenID Connect, LDAP)"},
      {"password", "your own password"},
      {"session", "login sessions"},
      {"mfa", "your second factor (TOTP), recovery codes"},
      {"device", "devices you log in from"},
      {"policy", "managed and inline policies"},
      {"role", "roles, their assignments, separation of duties"},
      {"resource-policy", "resource (bucket) policies"},
      {"acl", "access control lists on resources"},
      {"export", "export metadata for audit"},
      {"access", "what principals used of what they hold (last-used data)"},
      {"audit", "the account's audit log: query, export, verify"},
  };
  static const std::string kNone;
  auto it = kNouns.find(path);
  return it == kNouns.end() ? kNone : it->second;
}

}  // namespace iam::cli
