// iamctl group ...
#include <iostream>

#include "iam/cli/commands.h"
#include "iam/cli/output.h"

namespace iam::cli {
namespace {

using v1::AdminService;

void ShowGroup(const Args&, const v1::Group& g) { PrintGroups(One(g)); }

// add-member and remove-member differ only in their request and wording.
template <typename Req, typename Resp>
Command Membership(const char* name, const char* help, Method<AdminService::Stub, Req, Resp> rpc,
                   std::string verb, std::string preposition) {
  return {"group " + std::string(name), help,
          {Text("group").Required().Into("group"), Text("username").Required().Into("username"),
           AccountArg()},
          Call(rpc, Says([verb, preposition](const Args& a, const Resp&) {
                 return verb + " " + a["username"] + " " + preposition + " " + a["group"];
               }))};
}

}  // namespace

void PrintGroups(const google::protobuf::RepeatedPtrField<v1::Group>& groups) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& g : groups) {
    rows.push_back({g.name(), g.id(), g.description().empty() ? "-" : g.description(),
                    FormatTime(g.create_time(), true)});
  }
  PrintTable({"NAME", "ID", "DESCRIPTION", "CREATED"}, rows);
}

std::vector<Command> GroupCommands() {
  return {
      {"group create", "create a group",
       {Text("group").Required().Into("name"), AccountArg(),
        Text("--description").Into("description")},
       Call(&AdminService::Stub::CreateGroup, ShowGroup)},
      {"group get", "show a group", {Text("group").Required().Into("name"), AccountArg()},
       Call(&AdminService::Stub::GetGroup, ShowGroup)},
      {"group list", "list groups (every page)", {AccountArg()},
       CallAll(&AdminService::Stub::ListGroups,
               [](const Args&, const v1::ListGroupsResponse& all) { PrintGroups(all.groups()); })},
      {"group delete", "delete a group and its memberships",
       {Text("group").Required().Into("name"), AccountArg()},
       Call(&AdminService::Stub::DeleteGroup,
            Says([](const Args& a, const v1::DeleteGroupResponse&) {
              return "deleted group " + a["group"];
            }))},
      Membership("add-member", "add a user to a group", &AdminService::Stub::AddGroupMember,
                 "added", "to"),
      Membership("remove-member", "remove a user from a group",
                 &AdminService::Stub::RemoveGroupMember, "removed", "from"),
      {"group members", "list a group's members",
       {Text("group").Required().Into("group"), AccountArg()},
       CallAll(&AdminService::Stub::ListGroupMembers,
               [](const Args&, const v1::ListUsersResponse& all) { PrintUsers(all.users()); })},
      {"group for-user", "list the groups of a user",
       {Text("username").Required().Into("username"), AccountArg()},
       Call(&AdminService::Stub::ListUserGroups,
            [](const Args&, const v1::ListGroupsResponse& r) { PrintGroups(r.groups()); })},
  };
}

}  // namespace iam::cli
