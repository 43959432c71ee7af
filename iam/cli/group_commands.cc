// iamctl group ...
#include <iostream>

#include "iam/cli/commands.h"
#include "iam/cli/output.h"

namespace iam::cli {
namespace {

using v1::AdminService;

// The response type of a unary stub method, for declaring one.
template <typename Req, typename Resp>
Resp* method_response(grpc::Status (AdminService::Stub::*)(grpc::ClientContext*, const Req&,
                                                           Resp*)) {
  return nullptr;
}

struct GroupArgs {
  std::string account;
  std::string name;
  std::string description;
  std::string username;
};

}  // namespace

void PrintGroups(Context& c, const google::protobuf::RepeatedPtrField<v1::Group>& groups) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& g : groups) {
    rows.push_back({g.name(), g.id(), g.description().empty() ? "-" : g.description(),
                    FormatTime(g.create_time(), true)});
  }
  PrintTable({"NAME", "ID", "DESCRIPTION", "CREATED"}, rows);
}

void AddGroupCommands(CLI::App& app, Action* run) {
  auto* group = app.add_subcommand("group", "groups of users");
  group->require_subcommand(1);
  auto make = [&](const char* name, const char* help, bool needs_group, bool needs_user) {
    auto a = std::make_shared<GroupArgs>();
    auto* cmd = group->add_subcommand(name, help);
    if (needs_group) cmd->add_option("group", a->name)->required();
    if (needs_user) cmd->add_option("username", a->username)->required();
    cmd->add_option("--account", a->account, "account id (default: your own)");
    return std::make_pair(cmd, a);
  };
  auto print_group = [](Context& c, const grpc::Status& s, const v1::Group& g) {
    return Render(c, s, g, [&] {
      google::protobuf::RepeatedPtrField<v1::Group> one;
      *one.Add() = g;
      PrintGroups(c, one);
    });
  };
  auto done = [](Context& c, const grpc::Status& s, const google::protobuf::Message& r,
                 const std::string& text) {
    return Render(c, s, r, [&] { std::cout << text << "\n"; });
  };

  {
    auto [cmd, a] = make("create", "create a group", true, false);
    cmd->add_option("--description", a->description);
    cmd->callback([run, a, print_group] {
      *run = [a, print_group](Context& c) {
        v1::CreateGroupRequest q;
        q.set_account_id(a->account);
        q.set_name(a->name);
        q.set_description(a->description);
        v1::Group g;
        return print_group(c, Invoke(c, &AdminService::Stub::CreateGroup, q, &g), g);
      };
    });
  }
  {
    auto [cmd, a] = make("get", "show a group", true, false);
    cmd->callback([run, a, print_group] {
      *run = [a, print_group](Context& c) {
        v1::GetGroupRequest q;
        q.set_account_id(a->account);
        q.set_name(a->name);
        v1::Group g;
        return print_group(c, Invoke(c, &AdminService::Stub::GetGroup, q, &g), g);
      };
    });
  }
  {
    auto [cmd, a] = make("list", "list groups (every page)", false, false);
    cmd->callback([run, a] {
      *run = [a](Context& c) {
        v1::ListGroupsRequest q;
        q.set_account_id(a->account);
        v1::ListGroupsResponse all;
        auto s = ListAll(c, &AdminService::Stub::ListGroups, q, &all);
        return Render(c, s, all, [&] { PrintGroups(c, all.groups()); });
      };
    });
  }
  {
    auto [cmd, a] = make("delete", "delete a group and its memberships", true, false);
    cmd->callback([run, a, done] {
      *run = [a, done](Context& c) {
        v1::DeleteGroupRequest q;
        q.set_account_id(a->account);
        q.set_name(a->name);
        v1::DeleteGroupResponse r;
        return done(c, Invoke(c, &AdminService::Stub::DeleteGroup, q, &r), r,
                    "deleted group " + a->name);
      };
    });
  }
  // add-member and remove-member differ only in their request and wording.
  auto membership = [&](const char* name, const char* help, auto method, auto request,
                        const char* verb, const char* preposition) {
    auto [cmd, a] = make(name, help, true, true);
    cmd->callback([run, a, done, method, request, verb, preposition] {
      *run = [a, done, method, request, verb, preposition](Context& c) {
        auto q = request;
        q.set_account_id(a->account);
        q.set_group(a->name);
        q.set_username(a->username);
        typename std::remove_reference_t<decltype(*method_response(method))> r;
        return done(c, Invoke(c, method, q, &r), r,
                    std::string(verb) + " " + a->username + " " + preposition + " " + a->name);
      };
    });
  };
  membership("add-member", "add a user to a group", &AdminService::Stub::AddGroupMember,
             v1::AddGroupMemberRequest{}, "added", "to");
  membership("remove-member", "remove a user from a group",
             &AdminService::Stub::RemoveGroupMember, v1::RemoveGroupMemberRequest{}, "removed",
             "from");
  {
    auto [cmd, a] = make("members", "list a group's members", true, false);
    cmd->callback([run, a] {
      *run = [a](Context& c) {
        v1::ListGroupMembersRequest q;
        q.set_account_id(a->account);
        q.set_group(a->name);
        v1::ListUsersResponse all;
        auto s = ListAll(c, &AdminService::Stub::ListGroupMembers, q, &all);
        return Render(c, s, all, [&] { PrintUsers(c, all.users()); });
      };
    });
  }
  {
    auto a = std::make_shared<GroupArgs>();
    auto* cmd = group->add_subcommand("for-user", "list the groups of a user");
    cmd->add_option("username", a->username)->required();
    cmd->add_option("--account", a->account, "account id (default: your own)");
    cmd->callback([run, a] {
      *run = [a](Context& c) {
        v1::ListUserGroupsRequest q;
        q.set_account_id(a->account);
        q.set_username(a->username);
        v1::ListGroupsResponse r;
        auto s = Invoke(c, &AdminService::Stub::ListUserGroups, q, &r);
        return Render(c, s, r, [&] { PrintGroups(c, r.groups()); });
      };
    });
  }
}

}  // namespace iam::cli
