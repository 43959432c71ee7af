// AuditService: an account's audit log as its administrators read it:
// searched newest first, exported oldest first a page at a time (memory
// stays flat however long the log; the export is itself recorded, with its
// filter and count), and its hash chain verified. Within one account only:
// another account's log is NOT_FOUND, like the account. Thread-safe.
#ifndef IAM_ACCOUNT_AUDIT_SERVICE_H_
#define IAM_ACCOUNT_AUDIT_SERVICE_H_

#include <functional>
#include <string>

#include "iam/account/mutation.h"
#include "iam/account/common.h"
#include "iam/store/audit_store.h"

namespace iam::account {

// A search as a caller states it. Empty fields match anything.
struct AuditQuery {
  int64_t from_ms = 0;     // at or after
  int64_t to_ms = 0;       // before; 0: now
  std::string actor;       // an ARN, "iamd", or a username of the account
  std::string action;      // exact, or a prefix ending in '*' ("iam:*")
  std::string object_type;
  std::string object_id;
  std::string result;      // "success", "failure", "denied"
  std::string source_ip;
};

class AuditService {
 public:
  AuditService(store::Database& db, const Mutations& mutations)
      : db_(db), mutations_(mutations) {}

  // Newest first; `page_size` 1..1000 (0: 100).
  absl::StatusOr<Listing<store::AuditRow>> Query(const Caller& caller,
                                                 const std::string& account_id,
                                                 const AuditQuery& query, int page_size,
                                                 const std::string& page_token);

  // Hands each matching record to `sink`, oldest first; `sink` answers
  // false to stop early (the reader went away). Answers how many it took.
  // The export is recorded in the account's log when it ends, whole or not.
  absl::StatusOr<int64_t> Export(const Caller& caller, const std::string& account_id,
                                 const AuditQuery& query,
                                 const std::function<bool(const store::AuditRow&)>& sink);

  // The caller's own last `limit` (1..100; 0: 10) logins, newest first.
  absl::StatusOr<std::vector<store::AuditRow>> OwnLogins(const Caller& caller, int limit);

  // Walks the chain (see audit::VerifyChain).
  absl::StatusOr<audit::VerifyResult> Verify(const Caller& caller, const std::string& account_id);

 private:
  // The account, authorized for `action`, and the query as the store takes it.
  // An operation on the account's log, checked and authorized like a
  // change.
  static Operation OnLog(const char* action, const std::string& account_id);
  absl::StatusOr<store::audit::AuditFilter> Filter(const std::string& account,
                                                   const AuditQuery& q) const;

  store::Database& db_;
  const Mutations& mutations_;
};

}  // namespace iam::account

#endif  // IAM_ACCOUNT_AUDIT_SERVICE_H_
