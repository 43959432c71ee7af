// PageRenderer: a page is its template (templates/<page>.html) rendered
// with the page's data and its locale's messages, placed in the layout
// (templates/layout.html). Templates are Mustache: every {{value}} is
// HTML-escaped; the only unescaped value is the rendered page body in the
// layout ({{{body}}}), which the tests hold every template to.
//
// A template reads messages as {{t.<key>}}. A message may name top-level
// string fields of the page data in braces ("Signing in to {client}");
// they are filled in as text and the message is escaped as a whole, so a
// value cannot inject markup through a message either. Missing messages
// of a locale fall back to English.
//
// Immutable after Create; thread-safe.
#ifndef IAM_WEB_RENDERER_H_
#define IAM_WEB_RENDERER_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "iam/web/assets.h"
#include "iam/web/branding.h"

namespace iam::web {

class PageRenderer {
 public:
  static constexpr char kFallbackLocale[] = "en";

  // Parses every template and catalog; INVALID_ARGUMENT naming the file
  // for one that does not parse.
  static absl::StatusOr<std::unique_ptr<PageRenderer>> Create(const PageAssets& assets);

  // The locales there are catalogs for ("en", "zh-CN").
  const std::vector<std::string>& locales() const { return locales_; }
  // The locale for a request (see locale.h).
  std::string Locale(absl::string_view ui_locales, absl::string_view accept_language) const;
  // A message in a locale, placeholders filled from `data`.
  std::string Message(const std::string& locale, const std::string& key,
                      const nlohmann::json& data = nlohmann::json::object()) const;

  // NOT_FOUND for an unknown page. `title_key` names the message that
  // titles the page; `csp_nonce` is the nonce the response's
  // Content-Security-Policy allows for the page's style and scripts.
  absl::StatusOr<std::string> Render(const std::string& page, const std::string& title_key,
                                     const std::string& locale, const Branding& brand,
                                     const nlohmann::json& data,
                                     const std::string& csp_nonce) const;

  struct Impl;
  ~PageRenderer();

 private:
  explicit PageRenderer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  std::vector<std::string> locales_;
};

}  // namespace iam::web

#endif  // IAM_WEB_RENDERER_H_
