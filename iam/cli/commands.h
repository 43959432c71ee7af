// iamctl's command table: one list per noun, in the order the help shows
// them, and the printers more than one list shares.
#ifndef IAM_CLI_COMMANDS_H_
#define IAM_CLI_COMMANDS_H_

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "iam/cli/command.h"

namespace iam::cli {

std::vector<Command> AccountCommands();  // whoami, configure, account
std::vector<Command> UserCommands();
std::vector<Command> GroupCommands();
std::vector<Command> KeyCommands();
// client: OAuth clients and initial access tokens.
std::vector<Command> ClientCommands();
// login, logout, password, session, and the authentication settings under
// account, user and key.
std::vector<Command> AuthCommands();
// mfa, device, and account set-ip-allowlist.
std::vector<Command> MfaCommands();
// policy, role, resource-policy, acl, simulate, export.
std::vector<Command> AuthzCommands();
// access last-used, access unused.
std::vector<Command> AccessCommands();
// audit query, export, verify, logins.
std::vector<Command> AuditCommands();
// idp: upstream identity providers.
std::vector<Command> IdpCommands();
// tag, untag and tags under user, role and client.
std::vector<Command> TagCommands();
// completion bash|zsh.
std::vector<Command> CompletionCommands();
// account export, apply: declarative accounts.
std::vector<Command> DeclarativeCommands();

// Every command.
std::vector<Command> CommandTable();

// --set: "a.b=3" sets doc["a"]["b"] = 3; values parse as JSON when they can
// (numbers, true/false, lists), else they are strings.
absl::Status ApplySetting(nlohmann::json& doc, const std::string& assignment);

// A document from a file, or stdin for "-"; NOT_FOUND naming the file.
absl::StatusOr<std::string> ReadDocument(const std::string& path);
// A YAML (or JSON) file of --file as JSON; errors name --file, or the line
// and column.
absl::StatusOr<nlohmann::json> ReadYamlDocument(const std::string& path);
// simulate --file (simulate_file.cc).
int SimulateFile(Context& c, const Args& a);

// An account policy's document, indented.
void PrintPolicyDocument(const Args&, const v1::AccountPolicy& policy);
void PrintUsers(const google::protobuf::RepeatedPtrField<v1::User>& users);
void PrintGroups(const google::protobuf::RepeatedPtrField<v1::Group>& groups);

}  // namespace iam::cli

#endif  // IAM_CLI_COMMANDS_H_
