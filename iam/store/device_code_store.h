// Device authorization codes (RFC 8628): what a device asked for, the
// short code its user enters in a browser, and how far it got. State
// changes are conditional updates, so two replicas (or a device polling
// twice at once) cannot both win. Inside a caller's transaction.
#ifndef IAM_STORE_DEVICE_CODE_STORE_H_
#define IAM_STORE_DEVICE_CODE_STORE_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "iam/store/database.h"

namespace iam::store {

struct DeviceCodeRow {
  std::string device_code_hash;
  std::string user_code;  // normalised: 8 letters, no dash
  std::string account_id;
  std::string client_id;
  std::string scope;
  std::string purpose;  // "oauth" (the token endpoint) or "cli" (iamctl's session)
  int64_t created_at = 0;
  int64_t expires_at = 0;
  int64_t interval_ms = 0;
  int64_t last_poll_at = 0;
  std::string status;  // "pending", "approved", "denied", "used"
  std::string user_id;
  std::string session_id;  // the approving browser's web session
  std::string source_ip;   // of the device's request
};

namespace device_codes {

// ALREADY_EXISTS when the user code is taken (draw another).
absl::Status Insert(Tx& tx, const DeviceCodeRow& row);
absl::StatusOr<std::optional<DeviceCodeRow>> ByDeviceCode(Tx& tx, const std::string& hash);
absl::StatusOr<std::optional<DeviceCodeRow>> ByUserCode(Tx& tx, const std::string& user_code);
// pending -> approved (with the user and session) or denied: 1 when this
// call made the change.
absl::StatusOr<int64_t> Decide(Tx& tx, const std::string& hash, const std::string& status,
                               const std::string& user_id, const std::string& session_id);
// approved -> used: 1 when this call took the tokens.
absl::StatusOr<int64_t> Use(Tx& tx, const std::string& hash);
// Records a poll; `interval_ms` grows after a poll that came too soon.
absl::Status Polled(Tx& tx, const std::string& hash, int64_t now_ms, int64_t interval_ms);

}  // namespace device_codes
}  // namespace iam::store

#endif  // IAM_STORE_DEVICE_CODE_STORE_H_
