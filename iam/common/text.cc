#include "iam/common/text.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace iam::text {
namespace {

absl::Status Invalid(absl::string_view field, absl::string_view rule) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", rule));
}

bool IsNameChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '=' || c == ',' ||
         c == '.' || c == '@' || c == '_' || c == '-';
}

// Decodes one code point at s[i], advancing i; -1 when malformed (overlong
// forms, surrogates and values above U+10FFFF included).
int32_t DecodeOne(absl::string_view s, size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  int len;
  int32_t cp;
  if (b0 < 0x80) {
    ++i;
    return b0;
  } else if ((b0 & 0xE0) == 0xC0) {
    len = 2;
    cp = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3;
    cp = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4;
    cp = b0 & 0x07;
  } else {
    return -1;
  }
  if (i + len > s.size()) return -1;
  for (int k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return -1;
    cp = (cp << 6) | (b & 0x3F);
  }
  static constexpr int32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
  i += len;
  return cp;
}

}  // namespace

bool IsValidUtf8(absl::string_view s) {
  for (size_t i = 0; i < s.size();) {
    if (DecodeOne(s, i) < 0) return false;
  }
  return true;
}

size_t CodePoints(absl::string_view s) {
  size_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

absl::Status CheckName(absl::string_view field, absl::string_view value, size_t max) {
  if (value.empty()) return Invalid(field, "required");
  if (value.size() > max) return Invalid(field, absl::StrCat("longer than ", max, " characters"));
  for (char c : value) {
    if (!IsNameChar(c)) return Invalid(field, "only letters, digits and +=,.@_- are allowed");
  }
  return absl::OkStatus();
}

absl::Status CheckAccountName(absl::string_view field, absl::string_view value) {
  if (value.empty()) return Invalid(field, "required");
  if (value.size() < 3 || value.size() > 63) return Invalid(field, "must be 3 to 63 characters");
  for (char c : value) {
    if (!(absl::ascii_islower(static_cast<unsigned char>(c)) ||
          absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == '-')) {
      return Invalid(field, "only lowercase letters, digits and '-' are allowed");
    }
  }
  if (value.front() == '-' || value.back() == '-') {
    return Invalid(field, "must not start or end with '-'");
  }
  return absl::OkStatus();
}

absl::Status CheckFreeText(absl::string_view field, absl::string_view value, size_t max,
                           bool allow_empty) {
  if (value.empty()) return allow_empty ? absl::OkStatus() : Invalid(field, "required");
  // 4 bytes per code point at most: a cheap bound before decoding.
  if (value.size() > max * 4)
    return Invalid(field, absl::StrCat("longer than ", max, " characters"));
  size_t n = 0;
  for (size_t i = 0; i < value.size(); ++n) {
    const int32_t cp = DecodeOne(value, i);
    if (cp < 0) return Invalid(field, "not valid UTF-8");
    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) {
      return Invalid(field, "control characters are not allowed");
    }
  }
  if (n > max) return Invalid(field, absl::StrCat("longer than ", max, " characters"));
  return absl::OkStatus();
}

absl::Status CheckEmail(absl::string_view field, absl::string_view value) {
  if (value.size() > 254) return Invalid(field, "longer than 254 characters");
  if (!IsValidUtf8(value)) return Invalid(field, "not valid UTF-8");
  const size_t at = value.rfind('@');
  if (at == absl::string_view::npos || at == 0 || at + 1 >= value.size() || at > 64) {
    return Invalid(field, "not an email address");
  }
  const absl::string_view domain = value.substr(at + 1);
  if (domain.find('.') == absl::string_view::npos || domain.front() == '.' ||
      domain.back() == '.' || domain.find("..") != absl::string_view::npos) {
    return Invalid(field, "not an email address");
  }
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F || c == '<' || c == '>' || c == '"' || c == '\\' || c == ',' ||
        c == ';' || c == '(' || c == ')' || c == '[' || c == ']') {
      return Invalid(field, "not an email address");
    }
  }
  if (value.substr(0, at).find('@') != absl::string_view::npos) {
    return Invalid(field, "not an email address");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> NormalizePhone(absl::string_view field, absl::string_view value) {
  if (value.size() > 32) return Invalid(field, "longer than 32 characters");
  std::string out;
  for (size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')') continue;
    if (c == '+' && out.empty()) {
      out.push_back(c);
      continue;
    }
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      return Invalid(field, "only digits, an optional leading '+' and separators are allowed");
    }
    out.push_back(c);
  }
  const size_t digits = out.size() - (out.empty() || out[0] != '+' ? 0 : 1);
  if (digits < 4 || digits > 15) return Invalid(field, "must have 4 to 15 digits");
  return out;
}

std::string MaskEmail(absl::string_view email) {
  const size_t at = email.rfind('@');
  if (at == absl::string_view::npos || at == 0) return "***";
  // Keep the whole first code point so the mask stays valid UTF-8.
  size_t first = 1;
  while (first < at && (static_cast<unsigned char>(email[first]) & 0xC0) == 0x80) ++first;
  return absl::StrCat(email.substr(0, first), "***", email.substr(at));
}

std::string MaskPhone(absl::string_view phone) {
  if (phone.size() >= 8) {
    return absl::StrCat(phone.substr(0, 3), std::string(phone.size() - 7, '*'),
                        phone.substr(phone.size() - 4));
  }
  if (phone.size() <= 2) return std::string(phone.size(), '*');
  return absl::StrCat(std::string(phone.size() - 2, '*'), phone.substr(phone.size() - 2));
}

std::string AsciiLower(absl::string_view s) { return absl::AsciiStrToLower(s); }

std::string Quoted(absl::string_view value) {
  constexpr size_t kMax = 64;
  const bool cut = value.size() > kMax;
  return absl::StrCat("\"", absl::CHexEscape(value.substr(0, kMax)), cut ? "...\"" : "\"");
}

std::string FormEncode(absl::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (absl::ascii_isalnum(u) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(c);
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 15]);
    }
  }
  return out;
}

}  // namespace iam::text
