// DeviceAuthorization: the device authorization grant (RFC 8628), apart
// from HTTP. A device asks (Start) and shows its user a short code and a
// URL; the user enters the code in a browser (Lookup), signs in through
// the usual pages and allows the device (AuthorizationService::
// DecideDevice); the device, polling (Poll), then gets its answer once.
//
// The device code is 256 random bits, stored hashed. The user code is 8
// letters from an alphabet without vowels or look-alikes (20^8, about 34
// bits; shown as XXXX-XXXX, typed in any case, with or without the dash),
// lives 10 minutes, and guesses are limited per source address. A device
// that polls faster than its interval is told slow_down and its interval
// grows by 5 seconds. Two purposes: "oauth" codes are for a client's token
// endpoint; "cli" codes are for iamctl's gRPC login. Thread-safe.
#ifndef IAM_OAUTH_DEVICE_AUTHORIZATION_H_
#define IAM_OAUTH_DEVICE_AUTHORIZATION_H_

#include <functional>
#include <mutex>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "iam/common/clock.h"
#include "iam/common/random.h"
#include "iam/store/database.h"
#include "iam/store/device_code_store.h"

namespace iam::oauth {

inline constexpr int64_t kDeviceCodeTtlMs = 10 * 60 * 1000;
// The client of "cli" codes: iamctl, the service's own, registered
// nowhere (a registered client_id cannot hold a colon).
inline constexpr char kCliClientId[] = "urn:iam:iamctl";
// The client of the sign-in to the account's own pages (self-service).
inline constexpr char kAccountPagesClientId[] = "urn:iam:account";
inline constexpr int64_t kDevicePollIntervalMs = 5 * 1000;

struct DeviceStart {
  std::string device_code;
  std::string user_code;   // XXXX-XXXX
  int64_t expires_in = 0;  // seconds
  int64_t interval = 0;    // seconds
};

// What a poll found.
struct DevicePoll {
  enum Kind { kPending, kSlowDown, kDenied, kExpired, kApproved };
  Kind kind = kPending;
  store::DeviceCodeRow row;  // kApproved: the user and session; now used
};

class DeviceAuthorization {
 public:
  DeviceAuthorization(store::Database& db, const Clock& clock, Random& random)
      : db_(db), clock_(clock), random_(random) {}

  // `also` runs in the transaction that stores the code (its audit record).
  using InTx = std::function<absl::Status(store::Tx&, const store::DeviceCodeRow&)>;
  absl::StatusOr<DeviceStart> Start(const std::string& account_id, const std::string& client_id,
                                    const std::string& scope, const std::string& purpose,
                                    const std::string& source_ip, const InTx& also = nullptr);

  // Codes of the usual shape that are stored nowhere (for a caller that
  // must not learn that its account does not exist).
  DeviceStart Decoy();

  // The pending code the user typed, in the account. NOT_FOUND for a code
  // that is unknown, expired, decided or of another account (one answer);
  // RESOURCE_EXHAUSTED when the address has guessed too often.
  absl::StatusOr<store::DeviceCodeRow> Lookup(const std::string& account_id,
                                              const std::string& typed,
                                              const std::string& source_ip);

  // The device's poll. NOT_FOUND for an unknown code, or one of another
  // client, account or purpose.
  absl::StatusOr<DevicePoll> Poll(const std::string& account_id, const std::string& client_id,
                                  const std::string& purpose, const std::string& device_code);
  // The same inside a caller's write transaction (which then does what
  // an approval allows, all or nothing).
  absl::StatusOr<DevicePoll> PollInTx(store::Tx& tx, const std::string& account_id,
                                      const std::string& client_id, const std::string& purpose,
                                      const std::string& device_code);

  // "BCDFGHJK" from what a user typed ("bcdf-ghjk", "BCDF GHJK"); "" when
  // it cannot be a user code.
  static std::string NormalizeUserCode(const std::string& typed);

 private:
  bool TooManyGuesses(const std::string& source_ip, bool failed);
  std::string NewUserCode();

  store::Database& db_;
  const Clock& clock_;
  Random& random_;
  std::mutex mu_;
  // Per source address: wrong codes in the current window, and its start.
  absl::flat_hash_map<std::string, std::pair<int, int64_t>> guesses_;
};

}  // namespace iam::oauth

#endif  // IAM_OAUTH_DEVICE_AUTHORIZATION_H_
