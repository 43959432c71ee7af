// TOTP (RFC 6238) over liboath: codes for a time step, matching a code in a
// window of steps strictly after the last one accepted (so no code is used
// twice), and the otpauth:// URI authenticator apps read.
#ifndef IAM_MFA_TOTP_H_
#define IAM_MFA_TOTP_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace iam::mfa {

enum class TotpAlgorithm { kSha1, kSha256, kSha512 };

absl::StatusOr<TotpAlgorithm> ParseTotpAlgorithm(absl::string_view name);
const char* TotpAlgorithmName(TotpAlgorithm alg);  // "SHA1", "SHA256", "SHA512"

struct TotpParams {
  TotpAlgorithm algorithm = TotpAlgorithm::kSha1;
  int digits = 6;   // 6, 7 or 8
  int period = 30;  // seconds
};

// The time step holding `unix_seconds`.
int64_t TotpStep(int64_t unix_seconds, int period);

// The code of one time step. INVALID_ARGUMENT for unsupported parameters.
absl::StatusOr<std::string> TotpCode(const std::string& secret, const TotpParams& params,
                                     int64_t step);

// The step whose code `code` is, searched within `window` steps either side
// of the current one and only after `after_step`; nullopt when none. The
// comparison does not depend on where the codes differ.
std::optional<int64_t> MatchTotp(const std::string& secret, const TotpParams& params,
                                 absl::string_view code, int64_t unix_seconds, int window,
                                 int64_t after_step);

// RFC 4648 base32 without padding, as authenticator apps expect.
std::string Base32(const std::string& bytes);

// otpauth://totp/Issuer:label?secret=...&issuer=...&algorithm=...&digits=...&period=...
std::string OtpauthUri(const std::string& issuer, const std::string& label,
                       const std::string& secret, const TotpParams& params);

}  // namespace iam::mfa

#endif  // IAM_MFA_TOTP_H_
