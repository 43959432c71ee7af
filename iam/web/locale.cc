#include "iam/web/locale.h"

#include <algorithm>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace iam::web {
namespace {

constexpr size_t kMaxTags = 32;  // a header is not a work list

bool WellFormedTag(absl::string_view tag) {
  if (tag.empty() || tag.size() > 35) return false;
  for (absl::string_view part : absl::StrSplit(tag, '-')) {
    if (part.empty() || part.size() > 8) return false;
    for (char c : part) {
      if (!absl::ascii_isalnum(static_cast<unsigned char>(c))) return false;
    }
  }
  return true;
}

std::optional<std::string> Match(absl::string_view tag, const std::vector<std::string>& available) {
  std::string t = absl::AsciiStrToLower(tag);
  while (!t.empty()) {
    for (const std::string& a : available) {
      if (absl::AsciiStrToLower(a) == t) return a;
    }
    const size_t dash = t.rfind('-');
    if (dash == std::string::npos) break;
    t.resize(dash);
    // RFC 4647 §3.4: a single-letter subtag does not stand alone.
    if (t.size() >= 2 && t[t.size() - 2] == '-') t.resize(t.size() - 2);
  }
  // The language alone: the available locale of that language.
  for (const std::string& a : available) {
    const std::string lang = absl::AsciiStrToLower(a.substr(0, a.find('-')));
    if (lang == t) return a;
  }
  return std::nullopt;
}

}  // namespace

std::string NegotiateLocale(absl::string_view ui_locales, absl::string_view accept_language,
                            const std::vector<std::string>& available,
                            const std::string& fallback) {
  size_t n = 0;
  for (absl::string_view tag : absl::StrSplit(ui_locales, ' ', absl::SkipEmpty())) {
    if (++n > kMaxTags) break;
    if (!WellFormedTag(tag)) continue;
    if (auto m = Match(tag, available)) return *m;
  }
  struct Weighted {
    std::string tag;
    double q;
    size_t order;
  };
  std::vector<Weighted> weighted;
  for (absl::string_view item : absl::StrSplit(accept_language, ',', absl::SkipWhitespace())) {
    if (weighted.size() >= kMaxTags) break;
    std::vector<absl::string_view> parts = absl::StrSplit(item, ';');
    absl::string_view tag = absl::StripAsciiWhitespace(parts[0]);
    double q = 1.0;
    for (size_t i = 1; i < parts.size(); ++i) {
      absl::string_view p = absl::StripAsciiWhitespace(parts[i]);
      if (absl::ConsumePrefix(&p, "q=") && !absl::SimpleAtod(p, &q)) q = 0;
    }
    if (q <= 0 || q > 1 || tag == "*" || !WellFormedTag(tag)) continue;
    weighted.push_back({std::string(tag), q, weighted.size()});
  }
  std::stable_sort(weighted.begin(), weighted.end(),
                   [](const Weighted& a, const Weighted& b) { return a.q > b.q; });
  for (const Weighted& w : weighted) {
    if (auto m = Match(w.tag, available)) return *m;
  }
  return fallback;
}

}  // namespace iam::web
