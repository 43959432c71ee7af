// AuditLog: appends records to an account's hash-chained audit log inside the
// caller's transaction, so a change and its record commit together or not at
// all; and verifies a chain. Each record carries the SHA-256 of its canonical
// form, which includes the previous record's hash. Thread-safe (stateless
// apart from the injected clock, which must outlive it).
#ifndef IAM_AUDIT_AUDIT_LOG_H_
#define IAM_AUDIT_AUDIT_LOG_H_

#include <string>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "iam/common/clock.h"
#include "iam/store/database.h"
#include "iam/store/records.h"

namespace iam::audit {

struct Event {
  std::string account_id;   // whose chain the record joins
  std::string actor;        // ARN of the caller, or "iamd" for the service itself
  std::string action;       // "iam:CreateUser"
  std::string object_type;  // "user", "group", "account", "access-key"
  std::string object_id;
  std::string source_ip;
  std::string user_agent;
  std::string result = "success";
  nlohmann::json detail = nlohmann::json::object();  // never secrets

  // An event of `actor` ("iamd" for the service itself) in `account_id`'s
  // chain; the one way records are started, so none misses its who and what.
  static Event By(std::string actor, std::string account_id, std::string action,
                  std::string object_type = "", std::string object_id = "") {
    Event e;
    e.actor = std::move(actor);
    e.account_id = std::move(account_id);
    e.action = std::move(action);
    e.Object(std::move(object_type), std::move(object_id));
    return e;
  }

  // Names the object acted on.
  void Object(std::string type, std::string id) {
    object_type = std::move(type);
    object_id = std::move(id);
  }
};

// Hash of the all-zero genesis "previous record".
inline constexpr char kGenesisHash[] =
    "0000000000000000000000000000000000000000000000000000000000000000";

class AuditLog {
 public:
  explicit AuditLog(const Clock* clock) : clock_(clock) {}

  // Appends within tx. ABORTED when another transaction created the
  // account's chain at the same moment (Transact retries it).
  absl::Status Append(store::Tx& tx, const Event& event) const;

 private:
  const Clock* clock_;
};

// The hex SHA-256 of a record's canonical form (every field but `hash`).
std::string RecordHash(const store::AuditRow& row);

struct VerifyResult {
  int64_t records = 0;
  // 0 when the chain is intact; otherwise the first record found wrong.
  int64_t first_bad_seq = 0;
  std::string problem;
};

// Walks an account's chain from its first record: each record's hash, its
// link to the previous record, gapless numbering, and the head.
absl::StatusOr<VerifyResult> VerifyChain(store::Database& db, const std::string& account_id);

}  // namespace iam::audit

#endif  // IAM_AUDIT_AUDIT_LOG_H_
