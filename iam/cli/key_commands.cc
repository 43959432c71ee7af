// iamctl key ...
#include <google/protobuf/util/time_util.h>

#include <iostream>

#include "absl/strings/str_join.h"
#include "iam/cli/commands.h"
#include "iam/cli/output.h"

namespace iam::cli {
namespace {

using v1::AdminService;

struct KeyArgs {
  std::string account;
  std::string username;
  std::string description;
  int expires_in_days = 0;
  std::vector<std::string> cidrs;
  std::string key_id;
};

void PrintKeys(const google::protobuf::RepeatedPtrField<v1::AccessKey>& keys);

void PrintKey(const v1::AccessKey& key) {
  google::protobuf::RepeatedPtrField<v1::AccessKey> one;
  *one.Add() = key;
  PrintKeys(one);
}

void PrintKeys(const google::protobuf::RepeatedPtrField<v1::AccessKey>& keys) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& k : keys) {
    rows.push_back({k.id(), k.username(), EnumLabel(v1::AccessKeyState_Name(k.state())),
                    k.allowed_cidrs().empty() ? "any" : absl::StrJoin(k.allowed_cidrs(), ","),
                    FormatTime(k.create_time(), true),
                    FormatTime(k.expire_time(), k.has_expire_time())});
  }
  PrintTable({"KEY ID", "USER", "STATE", "SOURCES", "CREATED", "EXPIRES"}, rows);
}

}  // namespace

void AddKeyCommands(CLI::App& app, Action* run) {
  auto* key = app.add_subcommand("key", "access keys");
  key->require_subcommand(1);
  {
    auto a = std::make_shared<KeyArgs>();
    auto* cmd = key->add_subcommand("create", "create an access key (its secret is shown once)");
    cmd->add_option("username", a->username)->required();
    cmd->add_option("--description", a->description);
    cmd->add_option("--expires-in-days", a->expires_in_days)->check(CLI::Range(1, 3650));
    cmd->add_option("--cidr", a->cidrs, "allowed source network (repeatable)");
    cmd->add_option("--account", a->account, "account id (default: your own)");
    cmd->callback([run, a] {
      *run = [a](Context& c) {
        v1::CreateAccessKeyRequest q;
        q.set_account_id(a->account);
        q.set_username(a->username);
        q.set_description(a->description);
        for (const auto& cidr : a->cidrs) q.add_allowed_cidrs(cidr);
        if (a->expires_in_days > 0) {
          *q.mutable_expire_time() = google::protobuf::util::TimeUtil::GetCurrentTime() +
                                     google::protobuf::util::TimeUtil::HoursToDuration(
                                         24 * static_cast<int64_t>(a->expires_in_days));
        }
        v1::CreateAccessKeyResponse r;
        auto s = Invoke(c, &AdminService::Stub::CreateAccessKey, q, &r);
        return Render(c, s, r, [&] {
          PrintKey(r.key());
          std::cout << "\naccess key (shown once): " << r.token() << "\n";
        });
      };
    });
  }
  {
    auto a = std::make_shared<KeyArgs>();
    auto* cmd = key->add_subcommand("list", "list access keys");
    cmd->add_option("--user", a->username, "only this user's keys");
    cmd->add_option("--account", a->account, "account id (default: your own)");
    cmd->callback([run, a] {
      *run = [a](Context& c) {
        v1::ListAccessKeysRequest q;
        q.set_account_id(a->account);
        q.set_username(a->username);
        v1::ListAccessKeysResponse r;
        auto s = Invoke(c, &AdminService::Stub::ListAccessKeys, q, &r);
        return Render(c, s, r, [&] { PrintKeys(r.keys()); });
      };
    });
  }
  {
    auto a = std::make_shared<KeyArgs>();
    auto* cmd = key->add_subcommand("revoke", "revoke an access key");
    cmd->add_option("key_id", a->key_id)->required();
    cmd->add_option("--account", a->account, "account id (default: your own)");
    cmd->callback([run, a] {
      *run = [a](Context& c) {
        v1::RevokeAccessKeyRequest q;
        q.set_account_id(a->account);
        q.set_key_id(a->key_id);
        v1::AccessKey k;
        auto s = Invoke(c, &AdminService::Stub::RevokeAccessKey, q, &k);
        return Render(c, s, k, [&] { PrintKey(k); });
      };
    });
  }
}

}  // namespace iam::cli
