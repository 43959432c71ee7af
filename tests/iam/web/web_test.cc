// The pieces every web page is made of: the shipped templates and
// catalogs (held to their rules), rendering (escaping, locales,
// branding), locale negotiation, CSRF tokens, cookies and page headers.
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

#include "iam/common/random.h"
#include "iam/web/assets.h"
#include "iam/web/cookies.h"
#include "iam/web/csrf.h"
#include "iam/web/locale.h"
#include "iam/web/page_headers.h"
#include "iam/web/renderer.h"
#include "tests/support/test_database.h"

namespace iam::web {
namespace {

std::unique_ptr<PageRenderer> Shipped() {
  auto assets = PageAssets::Load();
  EXPECT_TRUE(assets.ok()) << assets.status();
  auto r = PageRenderer::Create(*assets);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *std::move(r) : nullptr;
}

std::set<std::string> Keys(const std::string& catalog) {
  std::set<std::string> out;
  const nlohmann::json doc = nlohmann::json::parse(catalog);
  for (const auto& [k, v] : doc.items()) out.insert(k);
  return out;
}

std::set<std::string> Placeholders(const std::string& message) {
  std::set<std::string> out;
  static const std::regex kBrace(R"(\{([a-z_]+)\})");
  for (std::sregex_iterator it(message.begin(), message.end(), kBrace), end; it != end; ++it) {
    out.insert((*it)[1]);
  }
  return out;
}

TEST(ShippedAssetsTest, TemplatesEscapeEverythingButTheBodyAndNameOnlyKnownMessages) {
  auto assets = PageAssets::Load();
  ASSERT_TRUE(assets.ok());
  const std::set<std::string> en = Keys(*assets->File("messages/en.json"));
  ASSERT_FALSE(assets->List("templates/").empty());
  for (const std::string& path : assets->List("templates/")) {
    std::string text = *assets->File(path);
    if (path == "templates/layout.html") {
      const size_t body = text.find("{{{body}}}");
      ASSERT_NE(body, std::string::npos);
      text.erase(body, 10);
    }
    EXPECT_EQ(text.find("{{{"), std::string::npos) << path << " has an unescaped value";
    EXPECT_EQ(text.find("{{&"), std::string::npos) << path << " has an unescaped value";
    EXPECT_EQ(text.find("{{>"), std::string::npos) << path << " has a partial";
    static const std::regex kMessage(R"(\{\{t\.([a-z0-9_]+)\}\})");
    for (std::sregex_iterator it(text.begin(), text.end(), kMessage), end; it != end; ++it) {
      EXPECT_EQ(en.count((*it)[1]), 1u) << path << " names an unknown message " << (*it)[1];
    }
    // Inline scripts and styles run only with the response's nonce.
    for (const char* tag : {"<script", "<style"}) {
      for (size_t at = text.find(tag); at != std::string::npos; at = text.find(tag, at + 1)) {
        const std::string open_tag = text.substr(at, text.find('>', at) - at);
        EXPECT_NE(open_tag.find("nonce=\"{{csp_nonce}}\""), std::string::npos)
            << path << ": a " << tag << " without the nonce";
      }
    }
  }
}

TEST(ShippedAssetsTest, EveryLocaleHasEveryMessageWithTheSamePlaceholders) {
  auto assets = PageAssets::Load();
  ASSERT_TRUE(assets.ok());
  const auto en = nlohmann::json::parse(*assets->File("messages/en.json"));
  const std::vector<std::string> catalogs = assets->List("messages/");
  ASSERT_GE(catalogs.size(), 2u);
  for (const std::string& path : catalogs) {
    const auto other = nlohmann::json::parse(*assets->File(path));
    EXPECT_EQ(Keys(other.dump()), Keys(en.dump())) << path;
    for (const auto& [k, v] : other.items()) {
      if (!en.contains(k)) continue;
      EXPECT_EQ(Placeholders(v.get<std::string>()), Placeholders(en[k].get<std::string>()))
          << path << ": " << k;
    }
  }
}

TEST(RendererTest, EscapesEveryValueThePageIsGiven) {
  auto r = Shipped();
  ASSERT_NE(r, nullptr);
  Branding b;
  b.name = "Acme <script>alert('brand')</script>";
  const nlohmann::json data = {{"action", "/login?x=\"><script>"},
                               {"csrf", "tok"},
                               {"username", "\"><img src=x onerror=alert(1)>"},
                               {"client", "<b>Evil & Co</b>"},
                               {"error", "bad"}};
  auto html = r->Render("login", "login_title", "en", b, data, "n0nce");
  ASSERT_TRUE(html.ok()) << html.status();
  EXPECT_EQ(html->find("<script"), std::string::npos);
  EXPECT_EQ(html->find("<img"), std::string::npos);
  EXPECT_EQ(html->find("<b>"), std::string::npos);
  EXPECT_NE(html->find("value=\"&quot;&gt;&lt;img src=x onerror=alert(1)&gt;\""), std::string::npos);
  EXPECT_NE(html->find("Signing in to &lt;b&gt;Evil &amp; Co&lt;/b&gt;"), std::string::npos);
  EXPECT_NE(html->find("Acme &lt;script&gt;alert(&apos;brand&apos;)&lt;/script&gt;"),
            std::string::npos);
  EXPECT_NE(html->find("<html lang=\"en\">"), std::string::npos);
  EXPECT_NE(html->find("<style nonce=\"n0nce\">"), std::string::npos);
  EXPECT_NE(html->find("autocomplete=\"current-password\""), std::string::npos);
  EXPECT_NE(html->find("<title>Sign in · Acme"), std::string::npos);
}

TEST(RendererTest, SpeaksTheNegotiatedLocaleWithTheAccountsColours) {
  auto r = Shipped();
  ASSERT_NE(r, nullptr);
  Branding b;
  b.name = "示例公司";
  b.primary_color = "#c2185b";
  const std::string locale = r->Locale("", "zh-CN,zh;q=0.9,en;q=0.8");
  EXPECT_EQ(locale, "zh-CN");
  auto html = r->Render("login", "login_title", locale, b, {{"client", "报表"}}, "n");
  ASSERT_TRUE(html.ok());
  EXPECT_NE(html->find("<html lang=\"zh-CN\">"), std::string::npos);
  EXPECT_NE(html->find("用户名"), std::string::npos);
  EXPECT_NE(html->find("正在登录 报表"), std::string::npos);
  EXPECT_NE(html->find("--primary: #c2185b"), std::string::npos);
  EXPECT_EQ(r->Message("fr", "username"), "Username");  // falls back to English
  EXPECT_EQ(r->Render("layout", "x", "en", b, {}, "n").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(r->Render("../etc/passwd", "x", "en", b, {}, "n").status().code(),
            absl::StatusCode::kNotFound);
}

// A page with no values of its own still has the brand, the title and its
// messages; and a page rendered many times (each thread keeps its parsed
// templates) renders each time what it is given.
TEST(RendererTest, PagesWithoutValuesAndRenderedAgain) {
  auto r = Shipped();
  ASSERT_NE(r, nullptr);
  Branding b;
  b.name = "Acme";
  auto html = r->Render("signed_out", "signed_out_title", "en", b, nlohmann::json(), "n");
  ASSERT_TRUE(html.ok());
  EXPECT_NE(html->find("You are signed out."), std::string::npos) << *html;
  EXPECT_NE(html->find("<div class=\"brand\">Acme</div>"), std::string::npos);
  for (const char* who : {"alice", "bob"}) {
    auto again = r->Render("login", "login_title", "en", b, {{"username", who}}, "n");
    ASSERT_TRUE(again.ok());
    EXPECT_NE(again->find(absl::StrCat("value=\"", who, "\"")), std::string::npos) << who;
  }
  // Another renderer (other assets) does not get this one's parsed pages.
  auto other = Shipped();
  ASSERT_NE(other, nullptr);
  EXPECT_TRUE(other->Render("login", "login_title", "en", b, {}, "n").ok());
}

TEST(RendererTest, ColoursAreHexOnly) {
  EXPECT_TRUE(CheckColor("brand.primary_color", "#0a0B0c").ok());
  for (const char* bad : {"red", "#fff", "#12345g", "#123456;}", "", "#1234567",
                          "#123456 }body{background:url(x)"}) {
    auto s = CheckColor("brand.primary_color", bad);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(s.message().find("brand.primary_color"), std::string::npos);
  }
}

// The branding document: both colours stated, hex only, stored in lower
// case; text on a colour is whichever of white and ink contrasts more.
TEST(BrandingTest, ColoursAreCheckedAndTextStaysLegible) {
  auto p = BrandingPolicy::FromJson({{"primary_color", "#0F766E"}, {"background_color", "#ecfdf5"}});
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->primary_color, "#0f766e");
  EXPECT_EQ(p->ToJson(), nlohmann::json({{"primary_color", "#0f766e"},
                                         {"background_color", "#ecfdf5"}}));
  for (const auto& [doc, field] : std::vector<std::pair<nlohmann::json, std::string>>{
           {{{"primary_color", "red"}, {"background_color", "#ffffff"}}, "primary_color"},
           {{{"primary_color", "#000000"}, {"background_color", "#fff;}"}}, "background_color"},
           {{{"primary_color", "#000000"}}, "background_color"},
           {{{"primary_color", "#000000"}, {"background_color", "#ffffff"}, {"logo", "x"}}, "logo"},
           {{{"primary_color", 7}, {"background_color", "#ffffff"}}, "primary_color"}}) {
    auto bad = BrandingPolicy::FromJson(doc);
    EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument) << doc;
    EXPECT_NE(bad.status().message().find(field), std::string::npos) << bad.status();
  }
  EXPECT_NEAR(ContrastRatio("#000000", "#ffffff"), 21.0, 1e-9);
  EXPECT_NEAR(ContrastRatio("#777777", "#777777"), 1.0, 1e-9);
  EXPECT_EQ(TextColorOn("#0f766e"), "#ffffff");  // dark teal: white text
  EXPECT_EQ(TextColorOn("#ffd60a"), "#1f2328");  // yellow: dark text
  EXPECT_EQ(TextColorOn("#FFFFFF"), "#1f2328");

  BrandingPolicy light;
  light.primary_color = "#ffd60a";
  const Branding yellow = Branding::Of("Acme", light);
  EXPECT_EQ(yellow.on_primary_color, "#1f2328");
  EXPECT_EQ(yellow.primary_text_color, "#1f2328");  // too light for text on white
  const Branding teal = Branding::Of("Acme", *p);
  EXPECT_EQ(teal.on_primary_color, "#ffffff");
  EXPECT_EQ(teal.primary_text_color, "#0f766e");

  auto r = Shipped();
  ASSERT_NE(r, nullptr);
  auto html = r->Render("login", "login_title", "en", yellow, {}, "n");
  ASSERT_TRUE(html.ok());
  EXPECT_NE(html->find("--on-primary: #1f2328"), std::string::npos);
  EXPECT_NE(html->find("--primary-text: #1f2328"), std::string::npos);
}

TEST(AssetsTest, ADeploymentReplacesKnownFilesOnly) {
  const std::string dir = testing::MakeTempDir();
  std::filesystem::create_directories(dir + "/templates");
  std::ofstream(dir + "/templates/error.html") << "<p>custom {{message}}</p>";
  std::ofstream(dir + "/templates/stray.html") << "<p>not a page</p>";
  auto assets = PageAssets::Load(dir);
  ASSERT_TRUE(assets.ok()) << assets.status();
  EXPECT_EQ(*assets->File("templates/error.html"), "<p>custom {{message}}</p>");
  EXPECT_EQ(assets->File("templates/stray.html"), nullptr);
  EXPECT_NE(assets->File("templates/login.html"), nullptr);  // the built-in one
  std::ofstream(dir + "/templates/error.html") << "\xff\xfe broken";
  auto bad = PageAssets::Load(dir);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("templates/error.html"), std::string::npos);
  std::ofstream(dir + "/templates/error.html", std::ios::trunc) << "{{#open}} never closed";
  auto unparsable = PageAssets::Load(dir);
  ASSERT_TRUE(unparsable.ok());
  auto r = PageRenderer::Create(*unparsable);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("templates/error.html"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(LocaleTest, UiLocalesThenAcceptLanguageThenFallback) {
  const std::vector<std::string> have = {"en", "zh-CN"};
  auto pick = [&](const char* ui, const char* accept) {
    return NegotiateLocale(ui, accept, have, "en");
  };
  EXPECT_EQ(pick("zh-CN", "en"), "zh-CN");
  EXPECT_EQ(pick("fr-CA zh", "en"), "zh-CN");  // first available of ui_locales
  EXPECT_EQ(pick("fr", "zh-cn"), "zh-CN");     // none available: the header
  EXPECT_EQ(pick("", "en-US,en;q=0.9"), "en");
  EXPECT_EQ(pick("", "fr;q=1, zh-Hans-CN;q=0.8, en;q=0.5"), "zh-CN");
  EXPECT_EQ(pick("", "en;q=0.2, zh;q=0.9"), "zh-CN");  // by weight, not order
  EXPECT_EQ(pick("", "zh;q=0, en;q=0.1"), "en");       // q=0 means not this
  EXPECT_EQ(pick("", "*"), "en");
  EXPECT_EQ(pick("", ""), "en");
  EXPECT_EQ(pick("<script>", "zh;q=abc, ;;;, zh-CN"), "zh-CN");
  EXPECT_EQ(pick("x-private-tag-too-long-subtag", "de"), "en");
  std::string huge;
  for (int i = 0; i < 10000; ++i) huge += "fr,";
  EXPECT_EQ(pick("", (huge + "zh").c_str()), "en");  // the header is not a work list
}

TEST(CsrfTest, ATokenFitsOneBrowserAndOnePurpose) {
  CryptoRandom random;
  const CsrfGuard guard(std::string(32, 'k'));
  const std::string browser = CsrfGuard::NewBrowserId(random);
  const std::string other = CsrfGuard::NewBrowserId(random);
  ASSERT_NE(browser, other);
  EXPECT_TRUE(CsrfGuard::WellFormedBrowserId(browser));
  const std::string token = guard.Token(browser, "login:abc");
  EXPECT_TRUE(guard.Verify(browser, "login:abc", token));
  EXPECT_FALSE(guard.Verify(other, "login:abc", token));
  EXPECT_FALSE(guard.Verify(browser, "login:abd", token));
  EXPECT_FALSE(guard.Verify(browser, "login:abc", ""));
  std::string altered = token;
  altered.back() = altered.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(guard.Verify(browser, "login:abc", altered));
  EXPECT_FALSE(guard.Verify("", "login:abc", guard.Token("", "login:abc")));
  EXPECT_FALSE(guard.Verify("short", "login:abc", guard.Token("short", "login:abc")));
  // Another deployment's key (another master key) makes other tokens.
  const CsrfGuard elsewhere(std::string(32, 'x'));
  EXPECT_FALSE(elsewhere.Verify(browser, "login:abc", token));
}

TEST(CookiesTest, HostPrefixUnderTlsAndStrictParsing) {
  EXPECT_EQ(SetCookie("iam_sso", "v", true),
            "__Host-iam_sso=v; Path=/; HttpOnly; SameSite=Lax; Secure");
  EXPECT_EQ(SetCookie("iam_sso", "", false, 0), "iam_sso=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
  EXPECT_EQ(CookieName("iam_sso", true), "__Host-iam_sso");
  auto c = ParseCookies("a=1; __Host-iam_sso=abc ; b=\"q\"; junk; =x; dup=1; dup=2; dup=3");
  EXPECT_EQ(c["a"], "1");
  EXPECT_EQ(c["__Host-iam_sso"], "abc");
  EXPECT_EQ(c["b"], "q");
  EXPECT_EQ(c.count("dup"), 0u);
  EXPECT_EQ(c.count("junk"), 0u);
  EXPECT_TRUE(ParseCookies("").empty());
}

TEST(PageHeadersTest, NoFramingNoSniffingNoCachingNoReferrer) {
  CryptoRandom random;
  const std::string nonce = NewCspNonce(random);
  EXPECT_EQ(nonce.size(), 22u);
  std::map<std::string, std::string> h;
  for (const auto& [k, v] : PageHeaders(nonce)) h[k] = v;
  EXPECT_NE(h["Content-Security-Policy"].find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_NE(h["Content-Security-Policy"].find("default-src 'none'"), std::string::npos);
  EXPECT_NE(h["Content-Security-Policy"].find("'nonce-" + nonce + "'"), std::string::npos);
  EXPECT_EQ(h["Content-Security-Policy"].find("unsafe-inline"), std::string::npos);
  EXPECT_EQ(h["X-Frame-Options"], "DENY");
  EXPECT_EQ(h["X-Content-Type-Options"], "nosniff");
  EXPECT_EQ(h["Referrer-Policy"], "no-referrer");
  EXPECT_EQ(h["Cache-Control"], "no-store");
}

}  // namespace
}  // namespace iam::web
