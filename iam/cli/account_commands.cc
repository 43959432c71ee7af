// iamctl whoami / account ...
#include <iostream>

#include "iam/cli/commands.h"
#include "iam/cli/output.h"

namespace iam::cli {
namespace {

using v1::AdminService;

void PrintAccounts(Context& c, const std::vector<const v1::Account*>& accounts) {
  std::vector<std::vector<std::string>> rows;
  for (const auto* a : accounts) {
    rows.push_back({a->id(), a->name(), EnumLabel(v1::AccountState_Name(a->state())),
                    a->system() ? "yes" : "", FormatTime(a->create_time(), true),
                    FormatTime(a->purge_time(), a->has_purge_time())});
  }
  PrintTable({"ID", "NAME", "STATE", "SYSTEM", "CREATED", "PURGE"}, rows);
}

int ShowAccount(Context& c, const grpc::Status& s, const v1::Account& a) {
  return Render(c, s, a, [&] { PrintAccounts(c, {&a}); });
}

}  // namespace

void AddAccountCommands(CLI::App& app, Action* run) {
  auto* whoami = app.add_subcommand("whoami", "show who the credentials belong to");
  whoami->callback([run] {
    *run = [](Context& c) {
      v1::GetCallerIdentityResponse r;
      auto s = Invoke(c, &AdminService::Stub::GetCallerIdentity, v1::GetCallerIdentityRequest{}, &r);
      return Render(c, s, r, [&] {
        PrintTable({"ACCOUNT", "USER", "ARN", "KEY", "ADMIN"},
                   {{r.account_id() + (r.system_account() ? " (system)" : ""), r.username(),
                     r.arn(), r.access_key_id(), r.admin() ? "yes" : "no"}});
      });
    };
  });

  auto* configure = app.add_subcommand(
      "configure", "save the address and an access key (read from stdin) in a profile");
  configure->callback([run] {
    *run = [](Context& c) {
      std::string key;
      std::cerr << "access key: " << std::flush;
      std::getline(std::cin, key);
      if (key.empty()) return Fail(absl::InvalidArgumentError("no access key on stdin"));
      auto st = SaveProfile(c.options().profile, c.address(), key);
      if (!st.ok()) return Fail(st);
      std::cout << "saved profile '" << c.options().profile << "' in " << ProfilePath() << "\n";
      return 0;
    };
  });

  auto* account = app.add_subcommand("account", "accounts (tenants)");
  account->require_subcommand(1);

  auto* create = account->add_subcommand("create", "create an account and its first admin");
  auto req = std::make_shared<v1::CreateAccountRequest>();
  auto save = std::make_shared<std::string>();
  create->add_option("name", *req->mutable_name(), "alias: 3-63 of [a-z0-9-]")->required();
  create->add_option("--display-name", *req->mutable_display_name());
  create->add_option("--admin-username", *req->mutable_admin_username(), "default: admin");
  create->add_option("--admin-email", *req->mutable_admin_email());
  create->add_option("--save-profile", *save,
                     "store the new admin's access key in this iamctl profile");
  create->callback([run, req, save] {
    *run = [req, save](Context& c) {
      v1::CreateAccountResponse r;
      auto s = Invoke(c, &AdminService::Stub::CreateAccount, *req, &r);
      if (!s.ok()) return Fail(s);
      if (!save->empty()) {
        auto st = SaveProfile(*save, c.address(), r.admin_access_key_token());
        if (!st.ok()) return Fail(st);
      }
      if (c.json()) {
        PrintJson(r);
        return 0;
      }
      PrintAccounts(c, {&r.account()});
      std::cout << "\nfirst admin: " << r.admin_user().username() << " ("
                << r.admin_user().arn() << ")\n";
      if (save->empty()) {
        std::cout << "access key (shown once): " << r.admin_access_key_token() << "\n";
      } else {
        std::cout << "access key saved in profile '" << *save << "' (" << ProfilePath()
                  << "); use: iamctl --profile " << *save << " ...\n";
      }
      return 0;
    };
  });

  auto* get = account->add_subcommand("get", "show an account (default: your own)");
  auto get_id = std::make_shared<std::string>();
  get->add_option("account_id", *get_id);
  get->callback([run, get_id] {
    *run = [get_id](Context& c) {
      v1::GetAccountRequest q;
      q.set_account_id(*get_id);
      v1::Account a;
      return ShowAccount(c, Invoke(c, &AdminService::Stub::GetAccount, q, &a), a);
    };
  });

  auto* list = account->add_subcommand("list", "list accounts (system admins)");
  list->callback([run] {
    *run = [](Context& c) {
      v1::ListAccountsResponse all;
      auto s = ListAll(c, &AdminService::Stub::ListAccounts, v1::ListAccountsRequest{}, &all);
      return Render(c, s, all, [&] {
        std::vector<const v1::Account*> v;
        for (const auto& a : all.accounts()) v.push_back(&a);
        PrintAccounts(c, v);
      });
    };
  });

  // suspend / reactivate / close share a shape: an id and maybe a reason.
  struct Transition {
    const char* name;
    const char* help;
    int kind;
  };
  for (const Transition& t : {Transition{"suspend", "suspend an account", 0},
                              Transition{"reactivate", "reactivate an account", 1},
                              Transition{"close", "close an account (data purged after grace)", 2}}) {
    auto* cmd = account->add_subcommand(t.name, t.help);
    auto id = std::make_shared<std::string>();
    auto reason = std::make_shared<std::string>();
    cmd->add_option("account_id", *id)->required();
    if (t.kind != 1) cmd->add_option("--reason", *reason);
    const int kind = t.kind;
    cmd->callback([run, id, reason, kind] {
      *run = [id, reason, kind](Context& c) {
        v1::Account a;
        grpc::Status s;
        if (kind == 0) {
          v1::SuspendAccountRequest q;
          q.set_account_id(*id);
          q.set_reason(*reason);
          s = Invoke(c, &AdminService::Stub::SuspendAccount, q, &a);
        } else if (kind == 1) {
          v1::ReactivateAccountRequest q;
          q.set_account_id(*id);
          s = Invoke(c, &AdminService::Stub::ReactivateAccount, q, &a);
        } else {
          v1::CloseAccountRequest q;
          q.set_account_id(*id);
          q.set_reason(*reason);
          s = Invoke(c, &AdminService::Stub::CloseAccount, q, &a);
        }
        return ShowAccount(c, s, a);
      };
    });
  }
}

}  // namespace iam::cli
