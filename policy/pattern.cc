#include "policy/pattern.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace iam::policy {
namespace {

inline bool CharEq(char a, char b, bool ci) {
  return ci ? absl::ascii_tolower(static_cast<unsigned char>(a)) ==
                  absl::ascii_tolower(static_cast<unsigned char>(b))
            : a == b;
}

}  // namespace

bool GlobMatch(absl::string_view p, absl::string_view s, bool ci) {
  size_t pi = 0, si = 0, star = absl::string_view::npos, mark = 0;
  while (si < s.size()) {
    if (pi < p.size() && (p[pi] == '?' || (p[pi] != '*' && CharEq(p[pi], s[si], ci)))) {
      ++pi;
      ++si;
    } else if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = si;
    } else if (star != absl::string_view::npos) {
      pi = star + 1;
      si = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

absl::StatusOr<Pattern> Pattern::Compile(absl::string_view text, bool wildcards, bool variables) {
  Pattern p;
  p.source_ = std::string(text);
  std::string literal;
  auto flush = [&] {
    if (!literal.empty()) p.tokens_.push_back({Kind::kLiteral, std::move(literal), std::nullopt});
    literal.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (variables && c == '$' && i + 1 < text.size() && text[i + 1] == '{') {
      const size_t close = text.find('}', i + 2);
      if (close == absl::string_view::npos) {
        return absl::InvalidArgumentError("policy variable: '${' without '}'");
      }
      absl::string_view inner = absl::StripAsciiWhitespace(text.substr(i + 2, close - i - 2));
      i = close;
      if (inner == "*" || inner == "?" || inner == "$") {
        literal.push_back(inner[0]);  // escaped literal character
        continue;
      }
      std::optional<std::string> fallback;
      const size_t comma = inner.find(',');
      if (comma != absl::string_view::npos) {
        absl::string_view def = absl::StripAsciiWhitespace(inner.substr(comma + 1));
        if (def.size() < 2 || def.front() != '\'' || def.back() != '\'') {
          return absl::InvalidArgumentError("policy variable: a default must be 'quoted'");
        }
        fallback = std::string(def.substr(1, def.size() - 2));
        inner = absl::StripAsciiWhitespace(inner.substr(0, comma));
      }
      if (inner.empty()) return absl::InvalidArgumentError("policy variable: empty key");
      flush();
      p.tokens_.push_back({Kind::kVariable, absl::AsciiStrToLower(inner), fallback});
      p.has_variables_ = true;
      p.literal_ = false;
      continue;
    }
    if (wildcards && (c == '*' || c == '?')) {
      flush();
      p.tokens_.push_back({c == '*' ? Kind::kStar : Kind::kQuestion, "", std::nullopt});
      p.literal_ = false;
      continue;
    }
    literal.push_back(c);
  }
  flush();
  for (const Token& t : p.tokens_) {
    if (t.kind != Kind::kLiteral) break;
    p.prefix_ += t.text;
  }
  if (!p.has_variables_) {
    std::string glob;
    bool plain = true;
    for (const Token& t : p.tokens_) {
      if (t.kind == Kind::kStar) {
        glob += '*';
      } else if (t.kind == Kind::kQuestion) {
        glob += '?';
      } else if (t.text.find_first_of("*?") != std::string::npos) {
        plain = false;  // a literal '*' or '?' would read as a wildcard
      } else {
        glob += t.text;
      }
    }
    if (plain) p.glob_ = std::move(glob);
  }
  return p;
}

std::optional<std::string> Pattern::Resolve(const VariableLookup& vars) const {
  std::string out;
  for (const Token& t : tokens_) {
    switch (t.kind) {
      case Kind::kLiteral:
        out += t.text;
        break;
      case Kind::kStar:
        out += '*';
        break;
      case Kind::kQuestion:
        out += '?';
        break;
      case Kind::kVariable: {
        const std::vector<std::string>* v = vars ? vars(t.text) : nullptr;
        if (v != nullptr && !v->empty()) {
          out += (*v)[0];
        } else if (t.fallback) {
          out += *t.fallback;
        } else {
          return std::nullopt;
        }
      }
    }
  }
  return out;
}

bool Pattern::Matches(absl::string_view s, const VariableLookup& vars, bool ci) const {
  if (literal_) {
    if (s.size() != prefix_.size()) return false;
    for (size_t i = 0; i < s.size(); ++i) {
      if (!CharEq(prefix_[i], s[i], ci)) return false;
    }
    return true;
  }
  if (is_match_all()) return true;
  if (glob_) return GlobMatch(*glob_, s, ci);
  // Variables become literal text (a '*' inside a user's name is not a
  // wildcard); wildcards stay wildcards. Pieces: literal text or a wildcard.
  struct Piece {
    bool star, question;
    std::string_view lit;
  };
  std::vector<std::string> resolved;
  resolved.reserve(tokens_.size());
  std::vector<Piece> pieces;
  pieces.reserve(tokens_.size());
  for (const Token& t : tokens_) {
    if (t.kind == Kind::kStar) {
      pieces.push_back({true, false, {}});
    } else if (t.kind == Kind::kQuestion) {
      pieces.push_back({false, true, {}});
    } else if (t.kind == Kind::kLiteral) {
      pieces.push_back({false, false, {t.text.data(), t.text.size()}});
    } else {
      const std::vector<std::string>* v = vars ? vars(t.text) : nullptr;
      if (v != nullptr && !v->empty()) {
        resolved.push_back((*v)[0]);
      } else if (t.fallback) {
        resolved.push_back(*t.fallback);
      } else {
        return false;
      }
      pieces.push_back({false, false, {resolved.back().data(), resolved.back().size()}});
    }
  }
  // Glob over pieces, backtracking to the last star only.
  size_t pi = 0, off = 0, si = 0;  // off: position inside a literal piece
  size_t star_pi = SIZE_MAX, star_si = 0;
  while (si < s.size()) {
    if (pi < pieces.size()) {
      const Piece& pc = pieces[pi];
      if (pc.star) {
        star_pi = pi++;
        star_si = si;
        off = 0;
        continue;
      }
      if (pc.question) {
        ++pi;
        ++si;
        continue;
      }
      if (off < pc.lit.size() && CharEq(pc.lit[off], s[si], ci)) {
        ++off;
        ++si;
        if (off == pc.lit.size()) {
          ++pi;
          off = 0;
        }
        continue;
      }
      if (pc.lit.empty()) {
        ++pi;
        continue;
      }
    }
    if (star_pi == SIZE_MAX) return false;
    pi = star_pi + 1;
    off = 0;
    si = ++star_si;
  }
  while (pi < pieces.size() && (pieces[pi].star || (!pieces[pi].question && off == 0 && pieces[pi].lit.empty()))) ++pi;
  return pi == pieces.size() && off == 0;
}

}  // namespace iam::policy
