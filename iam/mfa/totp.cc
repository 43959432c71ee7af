#include "iam/mfa/totp.h"

#include <liboath/oath.h>

#include <cstdlib>
#include <mutex>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "iam/common/crypto.h"

namespace iam::mfa {
namespace {

void InitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { oath_init(); });
}

int Flags(TotpAlgorithm alg) {
  switch (alg) {
    case TotpAlgorithm::kSha1: return 0;
    case TotpAlgorithm::kSha256: return OATH_TOTP_HMAC_SHA256;
    case TotpAlgorithm::kSha512: return OATH_TOTP_HMAC_SHA512;
  }
  return 0;
}

// RFC 3986 unreserved characters pass; everything else is %-encoded.
std::string UriEscape(absl::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      absl::StrAppend(&out, "%", absl::string_view(&"0123456789ABCDEF"[c >> 4], 1),
                      absl::string_view(&"0123456789ABCDEF"[c & 15], 1));
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<TotpAlgorithm> ParseTotpAlgorithm(absl::string_view name) {
  const std::string n = absl::AsciiStrToUpper(name);
  if (n == "SHA1") return TotpAlgorithm::kSha1;
  if (n == "SHA256") return TotpAlgorithm::kSha256;
  if (n == "SHA512") return TotpAlgorithm::kSha512;
  return absl::InvalidArgumentError("totp_algorithm: must be SHA1, SHA256 or SHA512");
}

const char* TotpAlgorithmName(TotpAlgorithm alg) {
  switch (alg) {
    case TotpAlgorithm::kSha1: return "SHA1";
    case TotpAlgorithm::kSha256: return "SHA256";
    case TotpAlgorithm::kSha512: return "SHA512";
  }
  return "";
}

int64_t TotpStep(int64_t unix_seconds, int period) {
  return unix_seconds >= 0 ? unix_seconds / period : (unix_seconds - period + 1) / period;
}

absl::StatusOr<std::string> TotpCode(const std::string& secret, const TotpParams& p,
                                     int64_t step) {
  if (p.digits < 6 || p.digits > 8) return absl::InvalidArgumentError("digits: 6, 7 or 8");
  if (p.period < 1) return absl::InvalidArgumentError("period: at least 1 second");
  InitOnce();
  char out[16] = {};
  const int rc = oath_totp_generate2(secret.data(), secret.size(),
                                     static_cast<time_t>(step * p.period),
                                     static_cast<unsigned>(p.period), 0,
                                     static_cast<unsigned>(p.digits), Flags(p.algorithm), out);
  if (rc != OATH_OK) return absl::InternalError(absl::StrCat("totp: ", oath_strerror(rc)));
  return std::string(out);
}

std::optional<int64_t> MatchTotp(const std::string& secret, const TotpParams& params,
                                 absl::string_view code, int64_t unix_seconds, int window,
                                 int64_t after_step) {
  if (code.size() != static_cast<size_t>(params.digits)) return std::nullopt;
  const int64_t now = TotpStep(unix_seconds, params.period);
  std::optional<int64_t> match;
  // Every step of the window is computed and compared, so the time taken
  // says nothing about which one matched.
  for (int64_t step = now - window; step <= now + window; ++step) {
    auto expected = TotpCode(secret, params, step);
    if (!expected.ok()) return std::nullopt;
    if (crypto::ConstantTimeEquals(*expected, code) && step > after_step && !match) match = step;
  }
  return match;
}

std::string Base32(const std::string& bytes) {
  InitOnce();
  char* out = nullptr;
  size_t len = 0;
  if (oath_base32_encode(bytes.data(), bytes.size(), &out, &len) != OATH_OK) return "";
  std::string s(out, len);
  free(out);
  while (!s.empty() && s.back() == '=') s.pop_back();
  return s;
}

std::string OtpauthUri(const std::string& issuer, const std::string& label,
                       const std::string& secret, const TotpParams& p) {
  return absl::StrCat("otpauth://totp/", UriEscape(issuer), ":", UriEscape(label),
                      "?secret=", Base32(secret), "&issuer=", UriEscape(issuer),
                      "&algorithm=", TotpAlgorithmName(p.algorithm), "&digits=", p.digits,
                      "&period=", p.period);
}

}  // namespace iam::mfa
