// iamctl's commands, one registration function per noun. Each adds its
// subcommands to `app`; the chosen one stores its action in *run, which
// main calls once the command line has parsed and the Context is ready.
#ifndef IAM_CLI_COMMANDS_H_
#define IAM_CLI_COMMANDS_H_

#include <CLI/CLI.hpp>
#include <functional>

#include "iam/cli/context.h"

namespace iam::cli {

using Action = std::function<int(Context&)>;

void AddAccountCommands(CLI::App& app, Action* run);
void AddUserCommands(CLI::App& app, Action* run);
void AddGroupCommands(CLI::App& app, Action* run);
void AddKeyCommands(CLI::App& app, Action* run);

// Runs one unary AdminService call with the context's credentials.
template <typename Req, typename Resp, typename Method>
grpc::Status Invoke(Context& c, Method method, const Req& req, Resp* resp) {
  auto call = c.NewCall();
  return (c.admin().*method)(call.get(), req, resp);
}

void PrintUsers(Context& c, const google::protobuf::RepeatedPtrField<v1::User>& users);
void PrintGroups(Context& c, const google::protobuf::RepeatedPtrField<v1::Group>& groups);

}  // namespace iam::cli

#endif  // IAM_CLI_COMMANDS_H_
