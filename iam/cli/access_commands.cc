// access last-used, access unused: what each principal has used of what it
// holds, from the service's last-used data.
#include <iostream>

#include "absl/strings/str_cat.h"
#include "iam/cli/commands.h"
#include "iam/cli/output.h"

namespace iam::cli {
namespace {

using v1::AdminService;

// --user, --role or --client: exactly one for last-used, at most one for
// unused.
template <typename Req>
absl::Status SubjectOf(const Args& a, Req& q, bool required) {
  const int given = !a["--user"].empty() + !a["--role"].empty() + !a["--client"].empty();
  if (given > 1 || (required && given == 0)) {
    return absl::InvalidArgumentError(required ? "give exactly one of --user, --role, --client"
                                               : "give at most one of --user, --role, --client");
  }
  if (!a["--client"].empty()) {
    q.set_client_id(a["--client"]);
  } else if (!a["--user"].empty()) {
    q.mutable_principal()->set_type(v1::PrincipalName::USER);
    q.mutable_principal()->set_name(a["--user"]);
  } else if (!a["--role"].empty()) {
    q.mutable_principal()->set_type(v1::PrincipalName::ROLE);
    q.mutable_principal()->set_name(a["--role"]);
  }
  return absl::OkStatus();
}

std::vector<Arg> SubjectArgs() {
  return {AccountArg(), Text("--user", "a user"), Text("--role", "a role"),
          Text("--client", "an OAuth client (its service account)")};
}

void PrintLastUsed(const v1::AccessLastUsedResponse& r) {
  std::cout << r.principal_arn() << " (" << r.kind() << "), tracked since "
            << FormatTime(r.tracked_since(), r.has_tracked_since()) << "\n";
  if (r.services().empty()) {
    std::cout << "nothing used since then\n";
    return;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& s : r.services()) {
    for (const auto& a : s.actions()) {
      rows.push_back({s.service(), a.action(), FormatTime(a.last_used_time(), true),
                      std::to_string(a.uses()), a.granted_by()});
    }
  }
  PrintTable({"SERVICE", "ACTION", "LAST USED", "USES", "GRANTED BY"}, rows);
}

void PrintLastUsedCsv(const v1::AccessLastUsedResponse& r) {
  std::cout << "principal,service,service_last_used,action,last_used,uses,granted_by\n";
  for (const auto& s : r.services()) {
    for (const auto& a : s.actions()) {
      std::cout << CsvField(r.principal_arn()) << "," << CsvField(s.service()) << ","
                << FormatTime(s.last_used_time(), true) << "," << CsvField(a.action()) << ","
                << FormatTime(a.last_used_time(), true) << "," << a.uses() << ","
                << CsvField(a.granted_by()) << "\n";
    }
  }
}

int LastUsed(Context& c, const Args& a) {
  v1::AccessLastUsedRequest q;
  q.set_account_id(a["--account"]);
  if (absl::Status st = SubjectOf(a, q, true); !st.ok()) return Refuse(st);
  v1::AccessLastUsedResponse r;
  grpc::Status s = Invoke(c, &AdminService::Stub::GetAccessLastUsed, q, &r);
  return Render(
      c, s, r, [&] { PrintLastUsed(r); }, [&] { PrintLastUsedCsv(r); });
}

// One line per finding: the principal idle, a policy unused, a grant unused.
struct FindingLine {
  std::string finding, service, action, policy, via, statement, sid, last_used;
};

std::vector<FindingLine> Lines(const v1::PrincipalUnusedAccess& p, int days) {
  std::vector<FindingLine> out;
  if (p.inactive()) {
    out.push_back({absl::StrCat("inactive: nothing allowed in ", days, " days"), "", "", "", "", "",
                   "", FormatTime(p.last_used_time(), p.has_last_used_time())});
  }
  for (const auto& up : p.unused_policies()) {
    out.push_back({"unused policy", "", "", up.policy(), up.via(), "", "", ""});
  }
  for (const auto& g : p.unused_grants()) {
    out.push_back({"unused action", g.service(), g.action(), g.policy(), g.via(),
                   std::to_string(g.statement()), g.sid(),
                   FormatTime(g.last_used_time(), g.has_last_used_time())});
  }
  return out;
}

void PrintUnused(const v1::UnusedAccessResponse& r) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& p : r.principals()) {
    for (const FindingLine& l : Lines(p, r.days())) {
      std::string statement = l.statement;
      if (!l.sid.empty()) absl::StrAppend(&statement, " (", l.sid, ")");
      rows.push_back({absl::StrCat(p.kind(), " ", p.name()), l.finding, l.action, l.policy, l.via,
                      statement, l.last_used});
    }
  }
  if (rows.empty()) {
    std::cout << "no unused access in the last " << r.days() << " days\n";
  } else {
    PrintTable({"PRINCIPAL", "FINDING", "ACTION", "POLICY", "VIA", "STATEMENT", "LAST USED"}, rows);
  }
  if (!r.not_judged().empty()) {
    std::cout << r.not_judged_size() << " principal(s) tracked for less than " << r.days()
              << " days, not judged yet (last-used data since "
              << FormatTime(r.tracking_started(), r.has_tracking_started()) << ")\n";
  }
}

void PrintUnusedCsv(const v1::UnusedAccessResponse& r) {
  std::cout << "kind,principal,arn,finding,service,action,policy,via,statement,sid,last_used\n";
  for (const auto& p : r.principals()) {
    for (const FindingLine& l : Lines(p, r.days())) {
      std::cout << p.kind() << "," << CsvField(p.name()) << "," << CsvField(p.arn()) << ","
                << CsvField(l.finding) << "," << CsvField(l.service) << "," << CsvField(l.action)
                << "," << CsvField(l.policy) << "," << CsvField(l.via) << "," << l.statement << ","
                << CsvField(l.sid) << "," << l.last_used << "\n";
    }
  }
}

int Unused(Context& c, const Args& a) {
  v1::UnusedAccessRequest q;
  q.set_account_id(a["--account"]);
  q.set_days(static_cast<int32_t>(a.Number("--days")));
  if (absl::Status st = SubjectOf(a, q, false); !st.ok()) return Refuse(st);
  v1::UnusedAccessResponse r;
  grpc::Status s = Invoke(c, &AdminService::Stub::ListUnusedAccess, q, &r);
  return Render(
      c, s, r, [&] { PrintUnused(r); }, [&] { PrintUnusedCsv(r); });
}

}  // namespace

std::vector<Command> AccessCommands() {
  return {
      {"access last-used",
       "when a user, role or client last used each action, and what allowed it (-o json|csv)",
       SubjectArgs(), LastUsed},
      {"access unused",
       "granted but unused: idle principals, unused policies and actions (-o json|csv)",
       Joined(SubjectArgs(),
              {Number("--days", "unused for at least this many days").Range(1, 365).Default(90)}),
       Unused},
  };
}

}  // namespace iam::cli
