// Recovery codes: 16 characters of Crockford base32 (80 bits from the
// CSPRNG), shown as xxxx-xxxx-xxxx-xxxx, stored only as a hash bound to
// the user. Typing is forgiving: case, dashes and spaces do not matter, and
// the look-alikes i/l/o read as 1/1/0.
#ifndef IAM_MFA_RECOVERY_CODES_H_
#define IAM_MFA_RECOVERY_CODES_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "iam/common/random.h"

namespace iam::mfa {

std::vector<std::string> NewRecoveryCodes(Random& random, int count);

// The canonical 16 characters; nullopt when the text cannot be a code.
std::optional<std::string> NormalizeRecoveryCode(absl::string_view typed);

// Hex SHA-256 of the canonical code bound to the user.
std::string RecoveryCodeHash(const std::string& user_id, const std::string& canonical);

}  // namespace iam::mfa

#endif  // IAM_MFA_RECOVERY_CODES_H_
