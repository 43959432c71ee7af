#include "iam/web/branding.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "iam/common/json_fields.h"

namespace iam::web {
namespace {

constexpr char kWhite[] = "#ffffff";
constexpr char kInk[] = "#1f2328";

// Relative luminance of a checked "#rrggbb" colour (WCAG 2.x).
double Luminance(absl::string_view color) {
  double channel[3];
  for (int i = 0; i < 3; ++i) {
    int v = 0;
    for (char c : color.substr(1 + 2 * i, 2)) {
      v = v * 16 + (absl::ascii_isdigit(static_cast<unsigned char>(c))
                        ? c - '0'
                        : absl::ascii_tolower(static_cast<unsigned char>(c)) - 'a' + 10);
    }
    const double s = v / 255.0;
    channel[i] = s <= 0.04045 ? s / 12.92 : std::pow((s + 0.055) / 1.055, 2.4);
  }
  return 0.2126 * channel[0] + 0.7152 * channel[1] + 0.0722 * channel[2];
}

}  // namespace

absl::Status CheckColor(absl::string_view field, absl::string_view color) {
  bool ok = color.size() == 7 && color[0] == '#';
  for (size_t i = 1; ok && i < color.size(); ++i) {
    ok = absl::ascii_isxdigit(static_cast<unsigned char>(color[i]));
  }
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(field, ": a colour as #rrggbb"));
}

double ContrastRatio(absl::string_view a, absl::string_view b) {
  const double la = Luminance(a), lb = Luminance(b);
  return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

std::string TextColorOn(absl::string_view color) {
  return ContrastRatio(color, kWhite) >= ContrastRatio(color, kInk) ? kWhite : kInk;
}

nlohmann::json BrandingPolicy::ToJson() const { return FieldsJson(*this); }

absl::StatusOr<BrandingPolicy> BrandingPolicy::FromJson(const nlohmann::json& j) {
  BrandingPolicy p;
  if (absl::Status s = ReadFields(j, &p); !s.ok()) return s;
  if (absl::Status s = CheckColor("primary_color", p.primary_color); !s.ok()) return s;
  if (absl::Status s = CheckColor("background_color", p.background_color); !s.ok()) return s;
  // Lower case, so that a stored document reads the same however it was typed.
  p.primary_color = absl::AsciiStrToLower(p.primary_color);
  p.background_color = absl::AsciiStrToLower(p.background_color);
  return p;
}

Branding Branding::Of(std::string name, const BrandingPolicy& colours) {
  Branding b;
  b.name = std::move(name);
  b.primary_color = colours.primary_color;
  b.background_color = colours.background_color;
  b.on_primary_color = TextColorOn(colours.primary_color);
  b.primary_text_color = ContrastRatio(colours.primary_color, kWhite) >= 3.0
                             ? colours.primary_color
                             : std::string(kInk);
  return b;
}

}  // namespace iam::web
