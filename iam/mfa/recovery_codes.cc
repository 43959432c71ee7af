#include "iam/mfa/recovery_codes.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "iam/common/crypto.h"

namespace iam::mfa {
namespace {

constexpr char kAlphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";  // Crockford
constexpr size_t kLength = 16;

}  // namespace

std::vector<std::string> NewRecoveryCodes(Random& random, int count) {
  std::vector<std::string> out;
  for (int i = 0; i < count; ++i) {
    std::string code;
    for (size_t c = 0; c < kLength; ++c) {
      if (c > 0 && c % 4 == 0) code.push_back('-');
      code.push_back(kAlphabet[random.Uniform(32)]);
    }
    out.push_back(std::move(code));
  }
  return out;
}

std::optional<std::string> NormalizeRecoveryCode(absl::string_view typed) {
  if (typed.size() > 64) return std::nullopt;
  std::string out;
  for (char raw : typed) {
    char c = absl::ascii_tolower(static_cast<unsigned char>(raw));
    if (c == '-' || c == ' ') continue;
    if (c == 'i' || c == 'l') c = '1';
    if (c == 'o') c = '0';
    if (absl::string_view(kAlphabet).find(c) == absl::string_view::npos) return std::nullopt;
    out.push_back(c);
  }
  if (out.size() != kLength) return std::nullopt;
  return out;
}

std::string RecoveryCodeHash(const std::string& user_id, const std::string& canonical) {
  return crypto::Hex(crypto::Sha256(absl::StrCat("recovery:", user_id, ":", canonical)));
}

}  // namespace iam::mfa
