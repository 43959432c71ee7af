#include "iam/web/renderer.h"

#include <kainjow/mustache.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "iam/web/locale.h"

namespace iam::web {

namespace mustache = kainjow::mustache;

struct PageRenderer::Impl {
  // Sources, parsed again for each render: kainjow's renderer keeps state
  // in the template object, so one object must not serve two threads.
  std::map<std::string, std::string> templates;  // by page name
  std::map<std::string, nlohmann::json> catalogs;                        // by locale
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

absl::Status CheckColor(absl::string_view field, absl::string_view color) {
  bool ok = color.size() == 7 && color[0] == '#';
  for (size_t i = 1; ok && i < color.size(); ++i) {
    ok = absl::ascii_isxdigit(static_cast<unsigned char>(color[i]));
  }
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(field, ": a colour as #rrggbb"));
}

PageRenderer::PageRenderer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {
  for (const auto& [locale, catalog] : impl_->catalogs) locales_.push_back(locale);
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
  nlohmann::json messages = impl_->catalogs.at(kFallbackLocale);
  if (auto c = impl_->catalogs.find(locale); c != impl_->catalogs.end()) {
    for (const auto& [k, v] : c->second.items()) messages[k] = v;
  }
  for (auto& [k, v] : messages.items()) v = Fill(v.get<std::string>(), data);
  nlohmann::json ctx = data;
  ctx["t"] = std::move(messages);
  ctx["lang"] = locale;
  ctx["csp_nonce"] = csp_nonce;
  ctx["brand"] = {{"name", brand.name},
                  {"primary_color", brand.primary_color},
                  {"background_color", brand.background_color}};
  ctx["title"] = Message(locale, title_key, data);
  mustache::data d = ToData(ctx);
  mustache::mustache body_template(t->second);
  std::string body = body_template.render(d);
  if (!body_template.is_valid()) {
    return absl::InternalError(absl::StrCat(page, ": ", body_template.error_message()));
  }
  d.set("body", body);
  mustache::mustache layout(impl_->templates.at("layout"));
  std::string html = layout.render(d);
  if (!layout.is_valid()) return absl::InternalError(layout.error_message());
  return html;
}

}  // namespace iam::web
