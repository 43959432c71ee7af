// Fills an account's audit log with N records through the real append path
// (hash chain and all), for the export benchmark in scripts/bench.sh:
//   audit_fill <store url> <count>     (the system account's log)
#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "iam/audit/audit_log.h"
#include "iam/common/status_macros.h"
#include "iam/store/open_database.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: audit_fill <store url> <count>\n");
    return 2;
  }
  const int64_t count = std::atoll(argv[2]);
  auto db = iam::store::OpenDatabase(argv[1], {});
  if (!db.ok()) {
    std::fprintf(stderr, "%s\n", db.status().ToString().c_str());
    return 1;
  }
  std::string account;
  absl::Status s = (*db)->Transact(iam::store::TxMode::kRead, [&](iam::store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT id FROM accounts WHERE is_system = 1", {}));
    if (rows.empty()) return absl::NotFoundError("no system account: start iamd once first");
    account = rows[0].Str(0);
    return absl::OkStatus();
  });
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return 1;
  }
  iam::SystemClock clock;
  iam::audit::AuditLog log(&clock);
  constexpr int64_t kPerTx = 10000;
  for (int64_t done = 0; done < count; done += kPerTx) {
    s = (*db)->Transact(iam::store::TxMode::kWrite, [&](iam::store::Tx& tx) -> absl::Status {
      for (int64_t i = done; i < std::min(count, done + kPerTx); ++i) {
        iam::audit::Event e;
        e.account_id = account;
        e.actor = absl::StrCat("arn:aws:iam::", account, ":user/operator");
        e.action = "iam:UpdateUser";
        e.object_type = "user";
        e.object_id = absl::StrCat("AIDA", i);
        e.source_ip = "10.0.0.1";
        e.user_agent = "audit_fill";
        e.detail["changed"] = {{"display_name", {{"before", "old"}, {"after", absl::StrCat("new ", i)}}}};
        RETURN_IF_ERROR(log.Append(tx, e));
      }
      return absl::OkStatus();
    });
    if (!s.ok()) {
      std::fprintf(stderr, "%s\n", s.ToString().c_str());
      return 1;
    }
  }
  std::printf("%s %lld\n", account.c_str(), static_cast<long long>(count));
  return 0;
}
