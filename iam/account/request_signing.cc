#include "iam/account/request_signing.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "iam/common/crypto.h"

namespace iam::account {
namespace {

bool NonceChars(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

bool HexChars(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<SignedAuthorization> ParseSignedAuthorization(absl::string_view value) {
  SignedAuthorization out;
  bool ts = false;
  for (absl::string_view part : absl::StrSplit(value, ',')) {
    part = absl::StripAsciiWhitespace(part);
    const size_t eq = part.find('=');
    if (eq == absl::string_view::npos) {
      return absl::InvalidArgumentError("authorization: Name=value parts, comma-separated");
    }
    const absl::string_view name = part.substr(0, eq);
    const absl::string_view v = part.substr(eq + 1);
    if (name == "Credential") {
      out.key_id = std::string(v);
    } else if (name == "Timestamp") {
      ts = absl::SimpleAtoi(v, &out.timestamp);
    } else if (name == "Nonce") {
      out.nonce = std::string(v);
    } else if (name == "Signature") {
      out.signature = absl::AsciiStrToLower(v);
    } else {
      return absl::InvalidArgumentError("authorization: unknown part");
    }
  }
  if (out.key_id.empty() || out.key_id.size() > 64) {
    return absl::InvalidArgumentError("authorization: Credential (the key id) is required");
  }
  if (!ts) return absl::InvalidArgumentError("authorization: Timestamp (Unix seconds) is required");
  if (out.nonce.size() < 16 || out.nonce.size() > 64 || !NonceChars(out.nonce)) {
    return absl::InvalidArgumentError("authorization: Nonce is 16 to 64 of [A-Za-z0-9_-]");
  }
  if (out.signature.size() != 64 || !HexChars(out.signature)) {
    return absl::InvalidArgumentError("authorization: Signature is 64 hex digits");
  }
  return out;
}

std::string SigningKeyOf(absl::string_view secret) {
  return crypto::HmacSha256(secret, "IAM-HMAC-SHA256 signing key");
}

std::string StringToSign(absl::string_view method, int64_t timestamp, absl::string_view nonce,
                         absl::string_view body_sha256_hex) {
  return absl::StrCat(kSignedScheme, "\n", method, "\n", timestamp, "\n", nonce, "\n",
                      body_sha256_hex);
}

std::string RequestSignature(absl::string_view signing_key, absl::string_view string_to_sign) {
  return crypto::Hex(crypto::HmacSha256(signing_key, string_to_sign));
}

}  // namespace iam::account
