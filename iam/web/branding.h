// How an account's pages look. The display name is the account's own;
// the colours are the account policy of kind "branding", stored as JSON
// like the other account policies (an update states every field):
//
//   primary_color     buttons, links, focus rings and the brand line
//                     ("#rrggbb"; default "#0969da")
//   background_color  the page behind the card ("#rrggbb"; default "#f6f8fa")
//
// Only "#rrggbb" is accepted: the colours are written into the page's
// style sheet, so nothing else may reach it.
#ifndef IAM_WEB_BRANDING_H_
#define IAM_WEB_BRANDING_H_

#include <nlohmann/json.hpp>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace iam::web {

struct BrandingPolicy {
  std::string primary_color = "#0969da";
  std::string background_color = "#f6f8fa";

  // The document's fields, declared once: see common/json_fields.h.
  template <typename Self, typename Field>
  static void Fields(Self& self, Field&& field) {
    field("primary_color", self.primary_color);
    field("background_color", self.background_color);
  }

  nlohmann::json ToJson() const;
  // INVALID_ARGUMENT naming the field.
  static absl::StatusOr<BrandingPolicy> FromJson(const nlohmann::json& j);
};

// What a page is given: the account's name and its colours, and two
// colours derived from them so that any primary colour an account picks
// stays legible: the text on primary buttons (white or near-black,
// whichever contrasts more, by WCAG 2), and the primary colour where it is
// text on the white card (links, the brand line), replaced by near-black
// when it is too light for that (under 3:1 against white).
struct Branding {
  std::string name = "IAM";
  std::string primary_color = "#0969da";
  std::string background_color = "#f6f8fa";
  std::string on_primary_color = "#ffffff";
  std::string primary_text_color = "#0969da";

  static Branding Of(std::string name, const BrandingPolicy& colours);
};

// INVALID_ARGUMENT naming `field` unless `color` is "#rrggbb".
absl::Status CheckColor(absl::string_view field, absl::string_view color);

// WCAG 2 contrast ratio of two "#rrggbb" colours (1..21).
double ContrastRatio(absl::string_view a, absl::string_view b);

// "#ffffff" or "#1f2328", whichever contrasts more with `color`.
std::string TextColorOn(absl::string_view color);

}  // namespace iam::web

#endif  // IAM_WEB_BRANDING_H_
