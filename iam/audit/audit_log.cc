#include "iam/audit/audit_log.h"

#include "absl/strings/str_cat.h"
#include "iam/common/crypto.h"
#include "iam/common/status_macros.h"
#include "iam/store/audit_store.h"

namespace iam::audit {
namespace {

// Netstring-style framing: no field can bleed into the next.
void Frame(std::string& out, absl::string_view field) {
  absl::StrAppend(&out, field.size(), ":", field, ",");
}

}  // namespace

std::string RecordHash(const store::AuditRow& r) {
  std::string c = "iam-audit-v1,";
  Frame(c, r.account_id);
  Frame(c, absl::StrCat(r.seq));
  Frame(c, absl::StrCat(r.at));
  Frame(c, r.actor);
  Frame(c, r.action);
  Frame(c, r.object_type);
  Frame(c, r.object_id);
  Frame(c, r.source_ip);
  Frame(c, r.user_agent);
  Frame(c, r.result);
  Frame(c, r.detail);
  Frame(c, r.prev_hash);
  return crypto::Hex(crypto::Sha256(c));
}

absl::Status AuditLog::Append(store::Tx& tx, const Event& e) const {
  ASSIGN_OR_RETURN(store::audit::Head head, store::audit::LockHead(tx, e.account_id));
  store::AuditRow row;
  row.account_id = e.account_id;
  row.seq = head.seq + 1;
  row.at = ToUnixMillisUtc(clock_->Now());
  row.actor = e.actor;
  row.action = e.action;
  row.object_type = e.object_type;
  row.object_id = e.object_id;
  row.source_ip = e.source_ip;
  row.user_agent = e.user_agent.substr(0, 512);
  row.result = e.result;
  row.detail = e.detail.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  row.prev_hash = head.seq == 0 ? kGenesisHash : head.hash;
  row.hash = RecordHash(row);
  // The head first: on Galera the row events replicate in this order, and a
  // node applying another node's append must meet our lock on the head
  // (and abort us, to be re-run) before it inserts a record with the
  // number we are about to use.
  RETURN_IF_ERROR(store::audit::SetHead(tx, e.account_id, {row.seq, row.hash}));
  return store::audit::Insert(tx, row);
}

absl::StatusOr<VerifyResult> VerifyChain(store::Database& db, const std::string& account_id) {
  VerifyResult result;
  int64_t after = 0;
  std::string prev = kGenesisHash;
  store::audit::Head head;
  // After a purge the chain starts past 1: its first record must link to
  // the hash the newest checkpoint says the purge cut at.
  int64_t first = 0;
  std::string first_link;
  int64_t cut_through = 0;
  std::string cut_hash;
  auto fail = [&](int64_t seq, std::string problem) {
    result.first_bad_seq = seq;
    result.problem = std::move(problem);
  };
  while (true) {
    std::vector<store::AuditRow> page;
    RETURN_IF_ERROR(db.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
      ASSIGN_OR_RETURN(page, store::audit::ListAscending(tx, account_id, after, 1000));
      if (page.empty()) {
        ASSIGN_OR_RETURN(head, store::audit::GetHead(tx, account_id));
      }
      return absl::OkStatus();
    }));
    if (page.empty()) break;
    for (const store::AuditRow& r : page) {
      if (first == 0) {
        first = r.seq;
        first_link = r.prev_hash;
        after = r.seq - 1;
        if (r.seq > 1) prev = r.prev_hash;  // checked against the checkpoint below
      }
      if (r.seq != after + 1) {
        fail(after + 1, absl::StrCat("record ", after + 1, " is missing"));
        return result;
      }
      if (r.prev_hash != prev) {
        fail(r.seq, "does not link to the previous record (inserted or reordered)");
        return result;
      }
      if (RecordHash(r) != r.hash) {
        fail(r.seq, "content does not match its hash (altered)");
        return result;
      }
      if (r.action == "audit:PurgeRecords" && r.actor == "iamd") {
        const nlohmann::json d = nlohmann::json::parse(r.detail, nullptr, false);
        if (d.is_object() && d.value("through_seq", nlohmann::json()).is_number_integer() &&
            d.value("cut_hash", nlohmann::json()).is_string()) {
          cut_through = d["through_seq"].get<int64_t>();
          cut_hash = d["cut_hash"].get<std::string>();
        }
      }
      prev = r.hash;
      after = r.seq;
      ++result.records;
    }
  }
  if (first > 1) {
    if (cut_through < first - 1) {
      fail(cut_through + 1, absl::StrCat("records ", cut_through + 1, " to ", first - 1,
                                         " are missing, and no checkpoint says they were purged"));
      return result;
    }
    if (cut_through != first - 1 || cut_hash != first_link) {
      fail(first, "does not link to the hash its purge checkpoint recorded");
      return result;
    }
  }
  if (head.seq != after || (after > 0 && head.hash != prev)) {
    fail(after + 1, absl::StrCat("the chain ends at ", after, " but its head says ", head.seq,
                                 " (records removed from the end)"));
  }
  return result;
}

}  // namespace iam::audit
