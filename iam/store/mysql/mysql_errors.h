// The one mapping from MySQL/MariaDB error codes to what the store does with
// them. Every error is in exactly one class:
//   kRetryable   the server rolled the transaction back and says a new try
//                may succeed (deadlock, lock wait timeout, a Galera
//                certification failure): ABORTED, the transaction re-runs.
//   kCaller      the statement was refused for what it asked (duplicate key,
//                foreign key, our own triggers, a value that does not fit):
//                a precise status for the caller; the connection stays good.
//   kConnection  the connection is gone (server down, killed, network): the
//                connection is discarded, and a COMMIT that ends this way has
//                an unknown outcome.
//   kUnavailable the server or node cannot serve now (read-only, a Galera node
//                not ready, access refused, too many connections) and
//                anything this mapping does not know: the connection is
//                discarded and the host passed over for a while, so a
//                replica never keeps a connection that keeps failing.
// Pure; messages carry the code and SQLSTATE only, never the server's text
// (it may quote the values of the statement), except for our own triggers.
#ifndef IAM_STORE_MYSQL_MYSQL_ERRORS_H_
#define IAM_STORE_MYSQL_MYSQL_ERRORS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace iam::store::mysql {

enum class ErrorClass { kRetryable, kCaller, kConnection, kUnavailable };

ErrorClass Classify(int code);

// The status for a server or client error. `trigger_text` is used only for
// SIGNALs raised by our own triggers (their text is ours).
absl::Status ToStatus(int code, absl::string_view sqlstate, absl::string_view trigger_text);

// Whether the error says the host (not just this connection or statement)
// cannot serve now: the pool then passes the host over and fails over.
bool HostCannotServe(int code);

// Whether a connection that saw this error may go back to the pool.
inline bool KeepsConnection(ErrorClass c) {
  return c == ErrorClass::kRetryable || c == ErrorClass::kCaller;
}

}  // namespace iam::store::mysql

#endif  // IAM_STORE_MYSQL_MYSQL_ERRORS_H_
