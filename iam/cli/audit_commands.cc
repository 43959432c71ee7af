// iamctl audit query|export|verify: the account's audit log.
#include <google/protobuf/util/time_util.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "iam/cli/commands.h"
#include "iam/cli/duration.h"
#include "iam/cli/output.h"

namespace iam::cli {
namespace {

using google::protobuf::util::TimeUtil;

// The filter options of query and export, --account first.
std::vector<Arg> FilterArgs(std::vector<Arg> more = {}) {
  std::vector<Arg> args = {
      AccountArg(),
      Text("--since",
           "from this time: RFC 3339 (2026-11-20T08:00:00Z), a date, or an age (24h, 7d)"),
      Text("--until", "before this time (same forms)"),
      Text("--actor", "an ARN, iamd, or a username of the account"),
      Text("--action", "iam:CreateUser, or a prefix: iam:*"),
      Text("--object", "the object's id"),
      Text("--object-type", "user, group, access-key, session, ..."),
      Text("--result", "the outcome recorded").OneOf({"success", "failure", "denied", "pending"}),
      Text("--ip", "source address")};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

// "2026-11-20T08:00:00Z", "2026-11-20", or an age before now ("90m", "24h", "7d").
absl::StatusOr<google::protobuf::Timestamp> ParseWhen(const std::string& flag,
                                                      const std::string& text) {
  absl::Time t;
  std::string err;
  if (absl::ParseTime(absl::RFC3339_full, text, &t, &err) ||
      absl::ParseTime("%Y-%m-%d", text, absl::UTCTimeZone(), &t, &err)) {
    return TimeUtil::MillisecondsToTimestamp(absl::ToUnixMillis(t));
  }
  if (const int64_t age = ParseDurationSeconds(text); age > 0) {
    return TimeUtil::MillisecondsToTimestamp(absl::ToUnixMillis(absl::Now() - absl::Seconds(age)));
  }
  return absl::InvalidArgumentError(
      absl::StrCat(flag, ": an RFC 3339 time, a date (YYYY-MM-DD) or an age (90s, 90m, 24h, 7d)"));
}

absl::StatusOr<v1::AuditFilter> Filter(const Args& a) {
  v1::AuditFilter f;
  if (!a["--since"].empty()) {
    auto t = ParseWhen("--since", a["--since"]);
    if (!t.ok()) return t.status();
    *f.mutable_start_time() = *t;
  }
  if (!a["--until"].empty()) {
    auto t = ParseWhen("--until", a["--until"]);
    if (!t.ok()) return t.status();
    *f.mutable_end_time() = *t;
  }
  f.set_actor(a["--actor"]);
  f.set_action(a["--action"]);
  f.set_object_id(a["--object"]);
  f.set_object_type(a["--object-type"]);
  f.set_result(a["--result"]);
  f.set_source_ip(a["--ip"]);
  return f;
}

// One export line. Built directly rather than through protobuf's JSON
// printer, whose memory grew with every record; `detail` is embedded as the
// JSON object it is.
std::string JsonLine(const v1::AuditRecord& r) {
  nlohmann::json detail = nlohmann::json::parse(r.detail_json(), nullptr, false);
  if (detail.is_discarded()) detail = r.detail_json();
  const nlohmann::json j = {{"account_id", r.account_id()},
                            {"seq", r.seq()},
                            {"time", TimeUtil::ToString(r.time())},
                            {"actor", r.actor()},
                            {"action", r.action()},
                            {"object_type", r.object_type()},
                            {"object_id", r.object_id()},
                            {"source_ip", r.source_ip()},
                            {"user_agent", r.user_agent()},
                            {"result", r.result()},
                            {"detail", std::move(detail)},
                            {"prev_hash", r.prev_hash()},
                            {"hash", r.hash()}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

const char* kCsvHeader =
    "seq,time,actor,action,object_type,object_id,result,source_ip,user_agent,detail,hash";

std::string CsvLine(const v1::AuditRecord& r) {
  return absl::StrCat(r.seq(), ",", TimeUtil::ToString(r.time()), ",", CsvField(r.actor()), ",",
                      CsvField(r.action()), ",", CsvField(r.object_type()), ",",
                      CsvField(r.object_id()), ",", CsvField(r.result()), ",",
                      CsvField(r.source_ip()), ",", CsvField(r.user_agent()), ",",
                      CsvField(r.detail_json()), ",", r.hash());
}

// Newest first, page after page up to --limit.
int Query(Context& c, const Args& a) {
  auto filter = Filter(a);
  if (!filter.ok()) return Refuse(filter.status());
  const int64_t limit = a.Number("--limit");
  v1::QueryAuditRequest q;
  q.set_account_id(a["--account"]);
  *q.mutable_filter() = *filter;
  v1::QueryAuditResponse all;
  grpc::Status s;
  do {
    q.set_page_size(static_cast<int>(std::min<int64_t>(1000, limit - all.records_size())));
    v1::QueryAuditResponse page;
    s = Invoke(c, &v1::AuditService::Stub::QueryAudit, q, &page);
    if (!s.ok()) break;
    all.mutable_records()->MergeFrom(page.records());
    q.set_page_token(page.next_page_token());
  } while (!q.page_token().empty() && all.records_size() < limit);
  return Render(
      c, s, all,
      [&] {
        std::vector<std::vector<std::string>> rows;
        for (const auto& r : all.records()) {
          rows.push_back({absl::StrCat(r.seq()), TimeUtil::ToString(r.time()), r.actor(),
                          r.action(), r.object_type() + "/" + r.object_id(), r.result(),
                          r.source_ip().empty() ? "-" : r.source_ip()});
        }
        PrintTable({"SEQ", "TIME", "ACTOR", "ACTION", "OBJECT", "RESULT", "IP"}, rows);
      },
      [&] {
        std::cout << kCsvHeader << "\n";
        for (const auto& r : all.records()) std::cout << CsvLine(r) << "\n";
      });
}

// Streams the log: no deadline, one record in memory at a time. JSON lines
// are this command's table form.
int Export(Context& c, const Args& a) {
  auto filter = Filter(a);
  if (!filter.ok()) return Refuse(filter.status());
  v1::ExportAuditRequest q;
  q.set_account_id(a["--account"]);
  *q.mutable_filter() = *filter;
  auto call = c.NewCall();
  call->set_deadline(std::chrono::system_clock::time_point::max());
  auto reader = c.audit().ExportAudit(call.get(), q);
  const bool csv = c.options().output == "csv";
  if (csv) std::cout << kCsvHeader << "\n";
  v1::AuditRecord r;
  int64_t n = 0;
  while (reader->Read(&r)) {
    std::cout << (csv ? CsvLine(r) : JsonLine(r)) << "\n";
    ++n;
  }
  grpc::Status s = reader->Finish();
  std::cout.flush();
  if (!s.ok()) return Fail(c, s);
  std::cerr << n << " records exported\n";
  return 0;
}

// Exits 1 when the chain is broken.
int Verify(Context& c, const Args& a) {
  v1::VerifyAuditRequest q;
  q.set_account_id(a["--account"]);
  v1::VerifyAuditResponse r;
  auto call = c.NewCall();
  call->set_deadline(std::chrono::system_clock::time_point::max());
  grpc::Status s = c.audit().VerifyAudit(call.get(), q, &r);
  const int rc = Render(c, s, r, [&] {
    if (r.intact()) {
      std::cout << "intact: " << r.records() << " records\n";
    } else {
      std::cout << "record " << r.first_bad_seq() << ": " << r.problem() << "\n";
    }
  });
  return rc != 0 ? rc : (r.intact() ? 0 : 1);
}

void PrintLogins(const Args&, const v1::ListMyLoginsResponse& r) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& l : r.logins()) {
    const nlohmann::json d = nlohmann::json::parse(l.detail_json(), nullptr, false);
    auto field = [&](const char* k) {
      return d.is_object() && d.contains(k) && d[k].is_string() && !d[k].get<std::string>().empty()
                 ? d[k].get<std::string>()
                 : std::string("-");
    };
    rows.push_back({TimeUtil::ToString(l.time()), l.result(), field("reason"),
                    l.source_ip().empty() ? "-" : l.source_ip(), field("client_type"),
                    field("device_id")});
  }
  PrintTable({"TIME", "RESULT", "REASON", "IP", "CLIENT", "DEVICE"}, rows);
}

}  // namespace

std::vector<Command> AuditCommands() {
  return {
      {"audit query", "search the log, newest first (-o table|json|csv)",
       FilterArgs({Number("--limit", "at most this many records").Range(1, 1000000).Default(50)}),
       Query},
      {"audit export", "stream every matching record, oldest first, as JSON lines (or -o csv)",
       FilterArgs(), Export},
      {"audit verify",
       "walk the hash chain; exit 1 naming the first altered, inserted or removed record",
       {AccountArg()},
       Verify},
      {"audit logins", "your own recent logins, failed ones included",
       {Number("--limit", "how many").Range(1, 100).Default(10).Into("limit")},
       Call(&v1::AuditService::Stub::ListMyLogins, PrintLogins)},
  };
}

}  // namespace iam::cli
