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
// login, logout, password, session, and the auth settings under account,
// user and key (call after those nouns are added).
void AddAuthCommands(CLI::App& app, Action* run);
// mfa, device, and account set-ip-allowlist (after account is added).
void AddMfaCommands(CLI::App& app, Action* run);
// policy, role, resource-policy, acl, simulate, export.
void AddAuthzCommands(CLI::App& app, Action* run);
// audit query, export, verify.
void AddAuditCommands(CLI::App& app, Action* run);

// Runs one unary AdminService call with the context's credentials.
template <typename Req, typename Resp, typename Method>
grpc::Status Invoke(Context& c, Method method, const Req& req, Resp* resp) {
  auto call = c.NewCall();
  return (c.admin().*method)(call.get(), req, resp);
}

// The same for AuthService.
template <typename Req, typename Resp, typename Method>
grpc::Status InvokeAuth(Context& c, Method method, const Req& req, Resp* resp) {
  auto call = c.NewCall();
  return (c.auth().*method)(call.get(), req, resp);
}

// Calls a List RPC page after page and gathers every page into *all.
template <typename Req, typename Resp, typename Method>
grpc::Status ListAll(Context& c, Method method, Req req, Resp* all) {
  req.set_page_size(1000);
  do {
    Resp page;
    grpc::Status s = Invoke(c, method, req, &page);
    if (!s.ok()) return s;
    all->MergeFrom(page);  // repeated fields append
    req.set_page_token(page.next_page_token());
  } while (!req.page_token().empty());
  all->clear_next_page_token();
  return grpc::Status::OK;
}

// The end of every command: the error, or the message as JSON, or the table.
int Render(Context& c, const grpc::Status& s, const google::protobuf::Message& m,
           const std::function<void()>& table);

void PrintUsers(Context& c, const google::protobuf::RepeatedPtrField<v1::User>& users);
void PrintGroups(Context& c, const google::protobuf::RepeatedPtrField<v1::Group>& groups);

}  // namespace iam::cli

#endif  // IAM_CLI_COMMANDS_H_
