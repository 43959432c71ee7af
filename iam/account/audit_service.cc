#include "iam/account/audit_service.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "iam/account/paging.h"
#include "iam/common/status_macros.h"
#include "iam/common/text.h"

namespace iam::account {
namespace {

constexpr size_t kMaxFieldChars = 512;
constexpr int kExportPage = 1000;
constexpr char kPageKind[] = "audit";

nlohmann::json Describe(const AuditQuery& q) {
  nlohmann::json j = nlohmann::json::object();
  if (q.from_ms > 0) j["from_ms"] = q.from_ms;
  if (q.to_ms > 0) j["to_ms"] = q.to_ms;
  for (const auto& [k, v] : {std::pair<const char*, const std::string*>{"actor", &q.actor},
                             {"action", &q.action},
                             {"object_type", &q.object_type},
                             {"object_id", &q.object_id},
                             {"result", &q.result},
                             {"source_ip", &q.source_ip}}) {
    if (!v->empty()) j[k] = *v;
  }
  return j;
}

}  // namespace

Operation AuditService::OnLog(const char* action, const std::string& account_id) {
  // Reading the log is recorded like a change of account data: only the
  // access record is written.
  return Operation(action, account_id, "audit-log", Touches::kAccountData);
}

absl::StatusOr<store::audit::AuditFilter> AuditService::Filter(const std::string& account,
                                                               const AuditQuery& q) const {
  for (const auto& [field, value] :
       {std::pair<const char*, const std::string*>{"actor", &q.actor},
        {"action", &q.action},
        {"object_type", &q.object_type},
        {"object_id", &q.object_id},
        {"result", &q.result},
        {"source_ip", &q.source_ip}}) {
    RETURN_IF_ERROR(text::CheckFreeText(field, *value, kMaxFieldChars));
  }
  if (!q.result.empty() && q.result != "success" && q.result != "failure" &&
      q.result != "denied" && q.result != "pending") {
    return absl::InvalidArgumentError(absl::StrCat(
        "result: ", text::Quoted(q.result), " is not one of success, failure, denied, pending"));
  }
  if (q.from_ms < 0 || q.to_ms < 0) {
    return absl::InvalidArgumentError("start_time: before 1970");
  }
  if (q.to_ms > 0 && q.from_ms >= q.to_ms) {
    return absl::InvalidArgumentError("end_time: must be after start_time");
  }
  store::audit::AuditFilter f;
  f.from_ms = q.from_ms;
  f.to_ms = q.to_ms;
  // A bare username means that user of this account.
  f.actor = q.actor.empty() || q.actor == "iamd" || absl::StartsWith(q.actor, "arn:")
                ? q.actor
                : UserArn(account, q.actor);
  if (absl::EndsWith(q.action, "*")) {
    f.action_prefix = q.action.substr(0, q.action.size() - 1);
    if (f.action_prefix.empty() || absl::StrContains(f.action_prefix, "*")) {
      return absl::InvalidArgumentError("action: one trailing '*' after a prefix (iam:*)");
    }
  } else {
    f.action = q.action;
  }
  f.object_type = q.object_type;
  f.object_id = q.object_id;
  f.result = q.result;
  f.source_ip = q.source_ip;
  return f;
}

absl::StatusOr<Listing<store::AuditRow>> AuditService::Query(const Caller& caller,
                                                             const std::string& account_id,
                                                             const AuditQuery& query,
                                                             int page_size,
                                                             const std::string& page_token) {
  ASSIGN_OR_RETURN(std::string account,
                   mutations_.Admit(caller, OnLog("audit:ListRecords", account_id)));
  ASSIGN_OR_RETURN(store::audit::AuditFilter filter, Filter(account, query));
  ASSIGN_OR_RETURN(Page page, ParsePage(page_size, page_token, kPageKind));
  int64_t before = 0;
  if (!page.after.empty() && (!absl::SimpleAtoi(page.after, &before) || before <= 0)) {
    return absl::InvalidArgumentError("page_token: not one of ours");
  }
  Listing<store::AuditRow> out;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    // One more than asked tells whether another page follows.
    ASSIGN_OR_RETURN(out.items,
                     store::audit::FindDescending(tx, account, filter, before, page.size + 1));
    return absl::OkStatus();
  }));
  if (static_cast<int>(out.items.size()) > page.size) {
    out.items.resize(page.size);
    out.next_page_token = PageToken(kPageKind, absl::StrCat(out.items.back().seq));
  }
  return out;
}

absl::StatusOr<int64_t> AuditService::Export(
    const Caller& caller, const std::string& account_id, const AuditQuery& query,
    const std::function<bool(const store::AuditRow&)>& sink) {
  ASSIGN_OR_RETURN(Admission admission,
                   mutations_.AdmitChange(caller, OnLog("audit:ExportRecords", account_id)));
  const std::string& account = admission.account();
  ASSIGN_OR_RETURN(store::audit::AuditFilter filter, Filter(account, query));
  // The export covers the log as it was when it began: records it adds
  // itself (or that others add meanwhile) are not part of it.
  int64_t last = 0;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(store::audit::Head head, store::audit::GetHead(tx, account));
    last = head.seq;
    return absl::OkStatus();
  }));
  int64_t after = 0, sent = 0;
  bool complete = true;
  absl::Status failed = absl::OkStatus();
  while (after < last) {
    std::vector<store::AuditRow> page;
    failed = db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
      ASSIGN_OR_RETURN(page, store::audit::FindAscending(tx, account, filter, after, kExportPage));
      return absl::OkStatus();
    });
    if (!failed.ok() || page.empty()) break;
    for (const store::AuditRow& r : page) {
      if (r.seq > last) break;
      if (!sink(r)) {
        complete = false;
        break;
      }
      ++sent;
    }
    if (!complete) break;
    after = page.back().seq;
    if (static_cast<int>(page.size()) < kExportPage) break;
  }
  if (!failed.ok()) complete = false;
  // What was exported, or how far it got, is recorded once the stream ends.
  RETURN_IF_ERROR(mutations_.Commit(
      admission, [&](store::Tx&, const std::string& account, audit::Event& record) {
        record.Object("audit-log", account);
        record.detail["filter"] = Describe(query);
        record.detail["records"] = sent;
        record.detail["complete"] = complete;
        if (!complete) record.result = "failure";
        return absl::OkStatus();
      }));
  RETURN_IF_ERROR(failed);
  return sent;
}

absl::StatusOr<std::vector<store::AuditRow>> AuditService::OwnLogins(const Caller& caller,
                                                                     int limit) {
  if (caller.user_id.empty()) {
    return absl::FailedPreconditionError("login history belongs to users: call as a user");
  }
  if (limit < 0 || limit > 100) return absl::InvalidArgumentError("limit: must be 0..100");
  store::audit::AuditFilter f;
  f.action = "sts:Login";
  f.object_type = "user";
  f.object_id = caller.user_id;
  std::vector<store::AuditRow> out;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(out, store::audit::FindDescending(tx, caller.account_id, f, 0,
                                                       limit == 0 ? 10 : limit));
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<audit::VerifyResult> AuditService::Verify(const Caller& caller,
                                                         const std::string& account_id) {
  ASSIGN_OR_RETURN(std::string account,
                   mutations_.Admit(caller, OnLog("audit:VerifyRecords", account_id)));
  return audit::VerifyChain(db_, account);
}

}  // namespace iam::account
