#include "iam/oauth/form.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "iam/common/text.h"
#include "iam/oauth/oauth_error.h"

namespace iam::oauth {
namespace {

constexpr size_t kMaxParams = 64;
constexpr size_t kMaxPart = 8192;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

absl::StatusOr<std::string> FormDecode(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%') {
      if (i + 2 >= text.size()) return InvalidRequest("a malformed percent escape");
      const int hi = HexValue(text[i + 1]);
      const int lo = HexValue(text[i + 2]);
      if (hi < 0 || lo < 0) return InvalidRequest("a malformed percent escape");
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  if (!text::IsValidUtf8(out)) return InvalidRequest("a parameter is not valid UTF-8");
  return out;
}

std::string FormEncode(absl::string_view text) { return text::FormEncode(text); }

absl::StatusOr<Form> ParseForm(absl::string_view body) {
  Form form;
  for (absl::string_view pair : absl::StrSplit(body, '&', absl::SkipEmpty())) {
    if (form.size() >= kMaxParams) return InvalidRequest("too many parameters");
    const size_t eq = pair.find('=');
    absl::string_view name = pair.substr(0, eq);
    absl::string_view value = eq == absl::string_view::npos ? "" : pair.substr(eq + 1);
    if (name.size() > kMaxPart || value.size() > kMaxPart) {
      return InvalidRequest("a parameter is too long");
    }
    auto n = FormDecode(name);
    if (!n.ok()) return n.status();
    auto v = FormDecode(value);
    if (!v.ok()) return v.status();
    if (n->empty()) return InvalidRequest("a parameter without a name");
    // RFC 6749 §3.2: parameters sent without a value are treated as if
    // omitted; a repeated one is an error.
    if (form.count(*n)) {
      return InvalidRequest(absl::StrCat("the parameter ", n->substr(0, 64), " is repeated"));
    }
    form.emplace(*std::move(n), *std::move(v));
  }
  for (auto it = form.begin(); it != form.end();) {
    if (it->second.empty()) {
      it = form.erase(it);
    } else {
      ++it;
    }
  }
  return form;
}

}  // namespace iam::oauth
