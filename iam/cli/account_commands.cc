// iamctl whoami / configure / account ...
#include <iostream>

#include "absl/strings/numbers.h"
#include "iam/cli/commands.h"
#include "iam/cli/output.h"

namespace iam::cli {
namespace {

using v1::AdminService;

void PrintAccounts(const std::vector<const v1::Account*>& accounts) {
  std::vector<std::vector<std::string>> rows;
  for (const auto* a : accounts) {
    rows.push_back({a->id(), a->name(), EnumLabel(v1::AccountState_Name(a->state())),
                    a->system() ? "yes" : "", FormatTime(a->create_time(), true),
                    FormatTime(a->purge_time(), a->has_purge_time())});
  }
  PrintTable({"ID", "NAME", "STATE", "SYSTEM", "CREATED", "PURGE"}, rows);
}

void ShowAccount(const Args&, const v1::Account& a) { PrintAccounts({&a}); }

int Configure(Context& c, const Args&) {
  std::string key;
  std::cerr << "access key: " << std::flush;
  std::getline(std::cin, key);
  if (key.empty()) return Fail(absl::InvalidArgumentError("no access key on stdin"));
  auto st = SaveProfile(c.options().profile, c.address(), key);
  if (!st.ok()) return Fail(st);
  std::cout << "saved profile '" << c.options().profile << "' in " << ProfilePath() << "\n";
  return 0;
}

// The profiles, with what each holds: the address and the kind of
// credential (the access key's id, or a login session and when its token
// expires); never a secret.
int ListProfiles(Context& c, const Args&) {
  nlohmann::json all = nlohmann::json::array();
  std::vector<std::vector<std::string>> rows;
  for (const auto& [name, values] : AllProfiles()) {
    auto get = [&](const char* key) {
      auto it = values.find(key);
      return it == values.end() ? std::string() : it->second;
    };
    std::string credential = "-";
    if (!get("access_token").empty()) {
      int64_t expires = 0;
      absl::SimpleAtoi(get("token_expires"), &expires);
      google::protobuf::Timestamp t;
      t.set_seconds(expires);
      credential = "login session, token until " + FormatTime(t, expires > 0);
    } else if (!get("access_key").empty()) {
      const std::string& key = get("access_key");
      credential = "access key " + key.substr(0, key.find('.'));
    }
    const std::string address = get("address").empty() ? "-" : get("address");
    const bool current = name == c.options().profile;
    rows.push_back({name + (current ? " *" : ""), address, credential});
    all.push_back({{"name", name}, {"address", address}, {"credential", credential},
                   {"current", current}});
  }
  if (c.json()) {
    std::cout << nlohmann::json{{"path", ProfilePath()}, {"profiles", all}}.dump(2) << "\n";
  } else {
    PrintTable({"PROFILE", "ADDRESS", "CREDENTIAL"}, rows);
    std::cout << "(" << ProfilePath() << "; * the profile in use)\n";
  }
  return 0;
}

// Creates the account; its first admin's key is shown once, or saved in a
// profile with --save-profile.
int CreateAccount(Context& c, const Args& a) {
  v1::CreateAccountRequest q;
  a.Fill(q);
  const std::string& save = a["--save-profile"];
  v1::CreateAccountResponse r;
  auto s = Invoke(c, &AdminService::Stub::CreateAccount, q, &r);
  if (s.ok() && !save.empty()) {
    auto st = SaveProfile(save, c.address(), r.admin_access_key_token());
    if (!st.ok()) return Fail(st);
  }
  return Render(c, s, r, [&] {
    PrintAccounts({&r.account()});
    std::cout << "\nfirst admin: " << r.admin_user().username() << " (" << r.admin_user().arn()
              << ")\n";
    if (save.empty()) {
      std::cout << "access key (shown once): " << r.admin_access_key_token() << "\n";
    } else {
      std::cout << "access key saved in profile '" << save << "' (" << ProfilePath()
                << "); use: iamctl --profile " << save << " ...\n";
    }
  });
}

}  // namespace

std::vector<Command> AccountCommands() {
  return {
      {"whoami", "show who the credentials belong to", {},
       Call(&AdminService::Stub::GetCallerIdentity,
            [](const Args&, const v1::GetCallerIdentityResponse& r) {
              PrintTable({"ACCOUNT", "USER", "ARN", "KEY", "ADMIN"},
                         {{r.account_id() + (r.system_account() ? " (system)" : ""),
                           r.username(), r.arn(), r.access_key_id(), r.admin() ? "yes" : "no"}});
            })},
      {"configure", "save the address and an access key (read from stdin) in a profile", {},
       Configure},
      {"configure list", "list the profiles: address and credential (never a secret)", {},
       ListProfiles},
      {"account create",
       "create an account and its first admin",
       {Text("name", "alias: 3-63 of [a-z0-9-]").Required().Into("name"),
        Text("--display-name").Into("display_name"),
        Text("--admin-username", "default: admin").Into("admin_username"),
        Text("--admin-email").Into("admin_email"),
        Text("--save-profile", "store the new admin's access key in this iamctl profile")},
       CreateAccount},
      {"account get", "show an account (default: your own)",
       {Text("account_id").Into("account_id")}, Call(&AdminService::Stub::GetAccount, ShowAccount)},
      {"account list", "list accounts (system admins)", {},
       CallAll(&AdminService::Stub::ListAccounts,
               [](const Args&, const v1::ListAccountsResponse& all) {
                 std::vector<const v1::Account*> v;
                 for (const auto& a : all.accounts()) v.push_back(&a);
                 PrintAccounts(v);
               })},
      {"account suspend", "suspend an account",
       {Text("account_id").Required().Into("account_id"), Text("--reason").Into("reason")},
       Call(&AdminService::Stub::SuspendAccount, ShowAccount)},
      {"account reactivate", "reactivate an account",
       {Text("account_id").Required().Into("account_id")},
       Call(&AdminService::Stub::ReactivateAccount, ShowAccount)},
      {"account close", "close an account (data purged after grace)",
       {Text("account_id").Required().Into("account_id"), Text("--reason").Into("reason")},
       Call(&AdminService::Stub::CloseAccount, ShowAccount)},
  };
}

}  // namespace iam::cli
