// iamctl user ...
#include <iostream>

#include "absl/strings/ascii.h"
#include "iam/cli/commands.h"
#include "iam/cli/output.h"

namespace iam::cli {
namespace {

using v1::AdminService;

struct UserArgs {
  std::string account;
  std::string username;
  std::string display_name;
  std::string email;
  std::string phone;
  std::string admin;  // "true"/"false" for update; flag for create
  bool admin_flag = false;
  bool reveal = false;
  std::string reason;
  int page_size = 0;
};

int ShowUser(Context& c, const grpc::Status& s, const v1::User& u) {
  return Render(c, s, u, [&] {
    google::protobuf::RepeatedPtrField<v1::User> one;
    *one.Add() = u;
    PrintUsers(c, one);
  });
}

}  // namespace

void PrintUsers(Context& c, const google::protobuf::RepeatedPtrField<v1::User>& users) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& u : users) {
    rows.push_back({u.username(), u.id(), EnumLabel(v1::UserState_Name(u.state())),
                    u.admin() ? "yes" : "", u.password_at_risk() ? "at risk" : "",
                    u.email().empty() ? "-" : u.email(),
                    u.phone().empty() ? "-" : u.phone(), FormatTime(u.create_time(), true)});
  }
  PrintTable({"USERNAME", "ID", "STATE", "ADMIN", "PASSWORD", "EMAIL", "PHONE", "CREATED"}, rows);
}

void AddUserCommands(CLI::App& app, Action* run) {
  auto* user = app.add_subcommand("user", "users of an account");
  user->require_subcommand(1);
  auto account_opt = [](CLI::App* cmd, UserArgs& a) {
    cmd->add_option("--account", a.account, "account id (default: your own)");
  };

  {
    auto a = std::make_shared<UserArgs>();
    auto* cmd = user->add_subcommand("create", "create a user");
    cmd->add_option("username", a->username)->required();
    cmd->add_option("--display-name", a->display_name);
    cmd->add_option("--email", a->email);
    cmd->add_option("--phone", a->phone);
    cmd->add_flag("--admin", a->admin_flag, "administrator of the account");
    account_opt(cmd, *a);
    cmd->callback([run, a] {
      *run = [a](Context& c) {
        v1::CreateUserRequest q;
        q.set_account_id(a->account);
        q.set_username(a->username);
        q.set_display_name(a->display_name);
        q.set_email(a->email);
        q.set_phone(a->phone);
        q.set_admin(a->admin_flag);
        v1::User u;
        return ShowUser(c, Invoke(c, &AdminService::Stub::CreateUser, q, &u), u);
      };
    });
  }
  {
    auto a = std::make_shared<UserArgs>();
    auto* cmd = user->add_subcommand("get", "show a user");
    cmd->add_option("username", a->username)->required();
    cmd->add_flag("--reveal", a->reveal, "show email and phone in clear");
    account_opt(cmd, *a);
    cmd->callback([run, a] {
      *run = [a](Context& c) {
        v1::GetUserRequest q;
        q.set_account_id(a->account);
        q.set_username(a->username);
        q.set_reveal_pii(a->reveal);
        v1::User u;
        return ShowUser(c, Invoke(c, &AdminService::Stub::GetUser, q, &u), u);
      };
    });
  }
  {
    auto a = std::make_shared<UserArgs>();
    auto* cmd = user->add_subcommand("list", "list users (every page)");
    cmd->add_flag("--reveal", a->reveal, "show email and phone in clear");
    account_opt(cmd, *a);
    cmd->callback([run, a] {
      *run = [a](Context& c) {
        v1::ListUsersRequest q;
        q.set_account_id(a->account);
        q.set_reveal_pii(a->reveal);
        v1::ListUsersResponse all;
        auto s = ListAll(c, &AdminService::Stub::ListUsers, q, &all);
        return Render(c, s, all, [&] { PrintUsers(c, all.users()); });
      };
    });
  }
  {
    auto a = std::make_shared<UserArgs>();
    auto* cmd = user->add_subcommand("update", "change a user's fields");
    cmd->add_option("username", a->username)->required();
    auto* dn = cmd->add_option("--display-name", a->display_name);
    auto* em = cmd->add_option("--email", a->email, "\"\" clears it");
    auto* ph = cmd->add_option("--phone", a->phone, "\"\" clears it");
    auto* ad = cmd->add_option("--admin", a->admin, "true|false")->check(
        CLI::IsMember({"true", "false"}));
    account_opt(cmd, *a);
    cmd->callback([run, a, dn, em, ph, ad] {
      const bool set_dn = dn->count() > 0, set_em = em->count() > 0, set_ph = ph->count() > 0,
                 set_ad = ad->count() > 0;
      *run = [a, set_dn, set_em, set_ph, set_ad](Context& c) {
        v1::UpdateUserRequest q;
        q.set_account_id(a->account);
        q.set_username(a->username);
        auto* mask = q.mutable_update_mask();
        if (set_dn) q.set_display_name(a->display_name), mask->add_paths("display_name");
        if (set_em) q.set_email(a->email), mask->add_paths("email");
        if (set_ph) q.set_phone(a->phone), mask->add_paths("phone");
        if (set_ad) q.set_admin(a->admin == "true"), mask->add_paths("admin");
        v1::User u;
        return ShowUser(c, Invoke(c, &AdminService::Stub::UpdateUser, q, &u), u);
      };
    });
  }
  for (const char* verb : {"disable", "enable"}) {
    auto a = std::make_shared<UserArgs>();
    const bool disable = std::string(verb) == "disable";
    auto* cmd = user->add_subcommand(verb, disable ? "disable a user (the employee left)"
                                                   : "enable a disabled user");
    cmd->add_option("username", a->username)->required();
    if (disable) cmd->add_option("--reason", a->reason);
    account_opt(cmd, *a);
    cmd->callback([run, a, disable] {
      *run = [a, disable](Context& c) {
        v1::User u;
        grpc::Status s;
        if (disable) {
          v1::DisableUserRequest q;
          q.set_account_id(a->account);
          q.set_username(a->username);
          q.set_reason(a->reason);
          s = Invoke(c, &AdminService::Stub::DisableUser, q, &u);
        } else {
          v1::EnableUserRequest q;
          q.set_account_id(a->account);
          q.set_username(a->username);
          s = Invoke(c, &AdminService::Stub::EnableUser, q, &u);
        }
        return ShowUser(c, s, u);
      };
    });
  }
  {
    auto a = std::make_shared<UserArgs>();
    auto* cmd = user->add_subcommand("delete", "delete a user, its keys and memberships");
    cmd->add_option("username", a->username)->required();
    account_opt(cmd, *a);
    cmd->callback([run, a] {
      *run = [a](Context& c) {
        v1::DeleteUserRequest q;
        q.set_account_id(a->account);
        q.set_username(a->username);
        v1::DeleteUserResponse r;
        auto s = Invoke(c, &AdminService::Stub::DeleteUser, q, &r);
        return Render(c, s, r, [&] { std::cout << "deleted user " << a->username << "\n"; });
      };
    });
  }
}

}  // namespace iam::cli
