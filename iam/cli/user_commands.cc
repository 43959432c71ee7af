// iamctl user ...
#include <iostream>

#include "iam/cli/commands.h"
#include "iam/cli/output.h"

namespace iam::cli {
namespace {

using v1::AdminService;

void ShowUser(const Args&, const v1::User& u) { PrintUsers(One(u)); }

// The fields the command line names, and only those, in the update mask.
void BuildUpdate(const Args& a, v1::UpdateUserRequest& q) {
  auto* mask = q.mutable_update_mask();
  if (a.Given("--display-name")) {
    q.set_display_name(a["--display-name"]);
    mask->add_paths("display_name");
  }
  if (a.Given("--email")) {
    q.set_email(a["--email"]);
    mask->add_paths("email");
  }
  if (a.Given("--phone")) {
    q.set_phone(a["--phone"]);
    mask->add_paths("phone");
  }
  if (a.Given("--admin")) {
    q.set_admin(a["--admin"] == "true");
    mask->add_paths("admin");
  }
}

// --password-stdin: the first password, never from argv.
absl::Status InitialPassword(const Args& a, v1::CreateUserRequest& q) {
  if (!a.Flag("--password-stdin")) {
    if (a.Flag("--require-change")) {
      return absl::InvalidArgumentError("--require-change: only with --password-stdin");
    }
    return absl::OkStatus();
  }
  std::string line;
  if (!std::getline(std::cin, line) || line.empty()) {
    return absl::InvalidArgumentError("--password-stdin: no password on stdin");
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  q.set_initial_password(line);
  return absl::OkStatus();
}

}  // namespace

void PrintUsers(const google::protobuf::RepeatedPtrField<v1::User>& users) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& u : users) {
    rows.push_back({u.username(), u.id(), EnumLabel(v1::UserState_Name(u.state())),
                    u.admin() ? "yes" : "", u.password_at_risk() ? "at risk" : "",
                    u.email().empty() ? "-" : u.email(), u.phone().empty() ? "-" : u.phone(),
                    FormatTime(u.create_time(), true)});
  }
  PrintTable({"USERNAME", "ID", "STATE", "ADMIN", "PASSWORD", "EMAIL", "PHONE", "CREATED"}, rows);
}

// username, the user every command of this list is about.
Arg UsernameArg() { return Text("username").Required().Into("username"); }

std::vector<Command> UserCommands() {
  return {
      {"user create", "create a user",
       {UsernameArg(), Text("--display-name").Into("display_name"),
        Text("--email").Into("email"), Text("--phone").Into("phone"),
        Flag("--admin", "administrator of the account").Into("admin"),
        Flag("--password-stdin", "a first password, one line of stdin (checked before the user "
                                 "is created)"),
        Flag("--require-change", "with --password-stdin: changed at first login")
            .Into("password_change_required"),
        AccountArg()},
       Call(&AdminService::Stub::CreateUser, InitialPassword, ShowUser)},
      {"user get", "show a user",
       {UsernameArg(), Flag("--reveal", "show email and phone in clear").Into("reveal_pii"),
        AccountArg()},
       Call(&AdminService::Stub::GetUser, ShowUser)},
      {"user list", "list users (every page)",
       {Flag("--reveal", "show email and phone in clear").Into("reveal_pii"), AccountArg()},
       CallAll(&AdminService::Stub::ListUsers,
               [](const Args&, const v1::ListUsersResponse& all) { PrintUsers(all.users()); })},
      {"user update", "change a user's fields",
       {UsernameArg(), Text("--display-name"), Text("--email", "\"\" clears it"),
        Text("--phone", "\"\" clears it"), Text("--admin", "true|false").OneOf({"true", "false"}),
        AccountArg()},
       Call(&AdminService::Stub::UpdateUser, BuildUpdate, ShowUser)},
      {"user disable", "disable a user (the employee left)",
       {UsernameArg(), Text("--reason").Into("reason"), AccountArg()},
       Call(&AdminService::Stub::DisableUser, ShowUser)},
      {"user enable", "enable a disabled user", {UsernameArg(), AccountArg()},
       Call(&AdminService::Stub::EnableUser, ShowUser)},
      {"user delete", "delete a user, its keys and memberships", {UsernameArg(), AccountArg()},
       Call(&AdminService::Stub::DeleteUser,
            Says([](const Args& a, const v1::DeleteUserResponse&) {
              return "deleted user " + a["username"];
            }))},
  };
}

}  // namespace iam::cli
