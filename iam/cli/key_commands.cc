// iamctl key ...
#include <google/protobuf/util/time_util.h>

#include <iostream>

#include "absl/strings/str_join.h"
#include "iam/cli/commands.h"
#include "iam/cli/output.h"

namespace iam::cli {
namespace {

using google::protobuf::util::TimeUtil;
using v1::AdminService;

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

void PrintKey(const Args&, const v1::AccessKey& key) { PrintKeys(One(key)); }

// The expiry is a time; the command line gives days from now.
void BuildCreate(const Args& a, v1::CreateAccessKeyRequest& q) {
  if (const int64_t days = a.Number("--expires-in-days"); days > 0) {
    *q.mutable_expire_time() = TimeUtil::GetCurrentTime() + TimeUtil::HoursToDuration(24 * days);
  }
}

}  // namespace

std::vector<Command> KeyCommands() {
  return {
      {"key create", "create an access key (its secret is shown once)",
       {Text("username").Required().Into("username"), Text("--description").Into("description"),
        Number("--expires-in-days").Range(1, 3650),
        Texts("--cidr", "allowed source network (repeatable)").Into("allowed_cidrs"),
        AccountArg()},
       Call(&AdminService::Stub::CreateAccessKey, BuildCreate,
            [](const Args& a, const v1::CreateAccessKeyResponse& r) {
              PrintKey(a, r.key());
              std::cout << "\naccess key (shown once): " << r.token() << "\n";
            })},
      {"key list", "list access keys",
       {Text("--user", "only this user's keys").Into("username"), AccountArg()},
       Call(&AdminService::Stub::ListAccessKeys,
            [](const Args&, const v1::ListAccessKeysResponse& r) { PrintKeys(r.keys()); })},
      {"key revoke", "revoke an access key",
       {Text("key_id").Required().Into("key_id"), AccountArg()},
       Call(&AdminService::Stub::RevokeAccessKey, PrintKey)},
  };
}

}  // namespace iam::cli
