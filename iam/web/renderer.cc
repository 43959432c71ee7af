#include "iam/web/renderer.h"

#include <kainjow/mustache.hpp>

#include <atomic>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "iam/web/locale.h"

namespace iam::web {

namespace mustache = kainjow::mustache;

struct PageRenderer::Impl {
  // Sources by page name. kainjow's renderer keeps state in the template
  // object, so one parsed object must not serve two threads: each thread
  // parses a page once and keeps it (Parsed below).
  std::map<std::string, std::string> templates;
  std::map<std::string, nlohmann::json> catalogs;  // by locale, as shipped
  // Per locale, English under it: the messages without placeholders,
  // ready for the template, and those that have some, filled per page.
  std::map<std::string, mustache::data> fixed;
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> filled;
  uint64_t generation = 0;  // tells this renderer's parsed pages from another's
};

namespace {

mustache::data ToData(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::object: {
      mustache::data d{mustache::data::type::object};
      for (const auto& [k, v] : j.items()) d.set(k, ToData(v));
      return d;
    }
    case nlohmann::json::value_t::array: {
      mustache::data d{mustache::data::type::list};
      for (const auto& v : j) d.push_back(ToData(v));
      return d;
    }
    case nlohmann::json::value_t::string:
      return mustache::data(j.get<std::string>());
    case nlohmann::json::value_t::boolean:
      return j.get<bool>() ? mustache::data(mustache::data::type::bool_true)
                           : mustache::data(mustache::data::type::bool_false);
    case nlohmann::json::value_t::null:
    case nlohmann::json::value_t::discarded:
      return mustache::data(mustache::data::type::bool_false);
    default:
      return mustache::data(j.dump());
  }
}

// "{name}" -> the string value of data["name"]; other braces stay.
std::string Fill(const std::string& message, const nlohmann::json& data) {
  if (message.find('{') == std::string::npos) return message;
  std::string out;
  size_t i = 0;
  while (i < message.size()) {
    const size_t open = message.find('{', i);
    if (open == std::string::npos) break;
    const size_t close = message.find('}', open);
    if (close == std::string::npos) break;
    out.append(message, i, open - i);
    const std::string name = message.substr(open + 1, close - open - 1);
    auto it = data.find(name);
    if (it != data.end() && it->is_string()) {
      out.append(it->get<std::string>());
    } else {
      out.append(message, open, close - open + 1);
    }
    i = close + 1;
  }
  out.append(message, i, std::string::npos);
  return out;
}

}  // namespace

// The parsed page of this thread, parsed on first use.
mustache::mustache& Parsed(uint64_t generation, const std::string& page,
                                 const std::string& source) {
  thread_local std::map<std::pair<uint64_t, std::string>, std::unique_ptr<mustache::mustache>>
      parsed;
  auto& slot = parsed[{generation, page}];
  if (!slot) slot = std::make_unique<mustache::mustache>(source);
  return *slot;
}

PageRenderer::PageRenderer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {
  static std::atomic<uint64_t> generations{0};
  impl_->generation = ++generations;
  const nlohmann::json& fallback = impl_->catalogs.at(kFallbackLocale);
  for (const auto& [locale, catalog] : impl_->catalogs) {
    locales_.push_back(locale);
    nlohmann::json merged = fallback;
    for (const auto& [k, v] : catalog.items()) merged[k] = v;
    mustache::data fixed{mustache::data::type::object};
    auto& filled = impl_->filled[locale];
    for (const auto& [k, v] : merged.items()) {
      const std::string text = v.get<std::string>();
      if (text.find('{') == std::string::npos) {
        fixed.set(k, mustache::data(text));
      } else {
        filled.emplace_back(k, text);
      }
    }
    impl_->fixed.emplace(locale, std::move(fixed));
  }
}
PageRenderer::~PageRenderer() = default;

absl::StatusOr<std::unique_ptr<PageRenderer>> PageRenderer::Create(const PageAssets& assets) {
  auto impl = std::make_unique<Impl>();
  for (const std::string& path : assets.List("templates/")) {
    if (!absl::EndsWith(path, ".html")) continue;
    mustache::mustache t(*assets.File(path));
    if (!t.is_valid()) {
      return absl::InvalidArgumentError(absl::StrCat(path, ": ", t.error_message()));
    }
    const std::string page = path.substr(10, path.size() - 10 - 5);
    impl->templates[page] = *assets.File(path);
  }
  for (const std::string& path : assets.List("messages/")) {
    if (!absl::EndsWith(path, ".json")) continue;
    auto doc = nlohmann::json::parse(*assets.File(path), nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) {
      return absl::InvalidArgumentError(absl::StrCat(path, ": not a JSON object"));
    }
    for (const auto& [k, v] : doc.items()) {
      if (!v.is_string()) {
        return absl::InvalidArgumentError(absl::StrCat(path, ": ", k, " is not a string"));
      }
    }
    impl->catalogs[path.substr(9, path.size() - 9 - 5)] = std::move(doc);
  }
  if (impl->templates.count("layout") == 0 || impl->catalogs.count(kFallbackLocale) == 0) {
    return absl::InvalidArgumentError("the web assets lack templates/layout.html or messages/en.json");
  }
  return std::unique_ptr<PageRenderer>(new PageRenderer(std::move(impl)));
}

std::string PageRenderer::Locale(absl::string_view ui_locales,
                                 absl::string_view accept_language) const {
  return NegotiateLocale(ui_locales, accept_language, locales_, kFallbackLocale);
}

std::string PageRenderer::Message(const std::string& locale, const std::string& key,
                                  const nlohmann::json& data) const {
  for (const std::string& l : {locale, std::string(kFallbackLocale)}) {
    auto c = impl_->catalogs.find(l);
    if (c == impl_->catalogs.end()) continue;
    auto m = c->second.find(key);
    if (m != c->second.end()) return Fill(m->get<std::string>(), data);
  }
  return key;  // visible in a test, never a crash
}

absl::StatusOr<std::string> PageRenderer::Render(const std::string& page,
                                                 const std::string& title_key,
                                                 const std::string& locale, const Branding& brand,
                                                 const nlohmann::json& data,
                                                 const std::string& csp_nonce) const {
  auto t = impl_->templates.find(page);
  if (t == impl_->templates.end() || page == "layout") {
    return absl::NotFoundError(absl::StrCat("no page ", page));
  }
  const std::string& loc = impl_->fixed.count(locale) ? locale : std::string(kFallbackLocale);
  mustache::data messages = impl_->fixed.at(loc);
  for (const auto& [k, text] : impl_->filled.at(loc)) messages.set(k, mustache::data(Fill(text, data)));
  // The page's own values (none: an empty object), then what every page has.
  mustache::data d = data.is_object() ? ToData(data) : mustache::data(mustache::data::type::object);
  d.set("t", messages);
  d.set("lang", locale);
  d.set("csp_nonce", csp_nonce);
  mustache::data b{mustache::data::type::object};
  b.set("name", brand.name);
  b.set("primary_color", brand.primary_color);
  b.set("background_color", brand.background_color);
  b.set("on_primary_color", brand.on_primary_color);
  b.set("primary_text_color", brand.primary_text_color);
  d.set("brand", b);
  d.set("title", Message(locale, title_key, data));
  mustache::mustache& body_template = Parsed(impl_->generation, page, t->second);
  std::string body = body_template.render(d);
  if (!body_template.is_valid()) {
    return absl::InternalError(absl::StrCat(page, ": ", body_template.error_message()));
  }
  d.set("body", body);
  mustache::mustache& layout = Parsed(impl_->generation, "layout", impl_->templates.at("layout"));
  std::string html = layout.render(d);
  if (!layout.is_valid()) return absl::InternalError(layout.error_message());
  return html;
}

}  // namespace iam::web
