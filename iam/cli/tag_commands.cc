// Tags of users, roles and clients (a client's are those of its service
// account), and of managed policies: `<noun> tag NAME KEY=VALUE...`,
// `<noun> untag NAME KEY...` and `<noun> tags NAME`, as `aws iam tag-user`
// and friends. A principal's tags are what aws:PrincipalTag/<key> reads in
// policy conditions; a policy's are for finding and sorting policies.
#include "absl/strings/str_cat.h"
#include "iam/cli/commands.h"
#include "iam/cli/output.h"

namespace iam::cli {
namespace {

using v1::AdminService;

struct Noun {
  std::string name;  // "user"
  v1::PrincipalName::Type type;
  std::string help;  // what NAME is
  // NAME as the principal's name ("reports" -> "service-account-reports").
  std::string (*principal)(const std::string& name);
};

std::string Same(const std::string& name) { return name; }
std::string ServiceAccount(const std::string& client) {
  return "service-account-" + client;
}

template <typename Req>
void SetPrincipal(const Noun& noun, const Args& a, Req& q) {
  q.mutable_principal()->set_type(noun.type);
  q.mutable_principal()->set_name(noun.principal(a["name"]));
}

// KEY=VALUE arguments into tags.
template <typename Req>
absl::Status AddTagArgs(const Args& a, Req& q) {
  for (const std::string& kv : a.List("tags")) {
    const size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      return absl::InvalidArgumentError(absl::StrCat("tags: \"", kv, "\" is not KEY=VALUE"));
    }
    v1::Tag* t = q.add_tags();
    t->set_key(kv.substr(0, eq));
    t->set_value(kv.substr(eq + 1));
  }
  return absl::OkStatus();
}

template <typename Resp>
void PrintTags(const Args&, const Resp& r) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& t : r.tags()) rows.push_back({t.key(), t.value()});
  PrintTable({"KEY", "VALUE"}, rows);
}

std::vector<Command> TagCommandsOf(const Noun& noun) {
  const Arg name = Text("name", noun.help).Required();
  const Arg account = AccountArg();
  return {
      {noun.name + " tag", "set tags (KEY=VALUE; an existing key gets the new value)",
       {name, Texts("tags", "KEY=VALUE").Required().Count(1, 50), account},
       Call(&AdminService::Stub::TagPrincipal,
            [noun](const Args& a, v1::TagPrincipalRequest& q) {
              SetPrincipal(noun, a, q);
              return AddTagArgs(a, q);
            },
            PrintTags<v1::PrincipalTags>)},
      {noun.name + " untag", "remove tags by key",
       {name, Texts("keys", "KEY").Required().Count(1, 50).Into("keys"), account},
       Call(&AdminService::Stub::UntagPrincipal,
            [noun](const Args& a, v1::UntagPrincipalRequest& q) { SetPrincipal(noun, a, q); },
            PrintTags<v1::PrincipalTags>)},
      {noun.name + " tags", "list tags", {name, account},
       Call(&AdminService::Stub::ListPrincipalTags,
            [noun](const Args& a, v1::PrincipalRequest& q) { SetPrincipal(noun, a, q); },
            PrintTags<v1::PrincipalTags>)},
  };
}

std::vector<Command> PolicyTagCommands() {
  const Arg policy = Text("policy", "name or ARN").Required().Into("policy");
  const Arg account = AccountArg();
  return {
      {"policy tag", "set tags of a managed policy (KEY=VALUE)",
       {policy, Texts("tags", "KEY=VALUE").Required().Count(1, 50), account},
       Call(&AdminService::Stub::TagPolicy, AddTagArgs<v1::TagPolicyRequest>,
            PrintTags<v1::PolicyTags>)},
      {"policy untag", "remove tags of a managed policy by key",
       {policy, Texts("keys", "KEY").Required().Count(1, 50).Into("keys"), account},
       Call(&AdminService::Stub::UntagPolicy, PrintTags<v1::PolicyTags>)},
      {"policy tags", "list a managed policy's tags", {policy, account},
       Call(&AdminService::Stub::ListPolicyTags, PrintTags<v1::PolicyTags>)},
  };
}

}  // namespace

std::vector<Command> TagCommands() {
  std::vector<Command> out;
  for (const Noun& noun :
       {Noun{"user", v1::PrincipalName::USER, "the user", Same},
        Noun{"role", v1::PrincipalName::ROLE, "the role", Same},
        Noun{"client", v1::PrincipalName::USER, "the client id (its service account's tags)",
             ServiceAccount}}) {
    for (Command& c : TagCommandsOf(noun)) out.push_back(std::move(c));
  }
  for (Command& c : PolicyTagCommands()) out.push_back(std::move(c));
  return out;
}

}  // namespace iam::cli
