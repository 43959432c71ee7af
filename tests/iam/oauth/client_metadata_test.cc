// Redirect URIs: which a client may register, and which a request may
// present. Every near miss of a registered URI is a way to steal a code.
#include "iam/oauth/client_metadata.h"

#include <gtest/gtest.h>

namespace iam::oauth {
namespace {

ClientMetadata WithRedirects(std::vector<std::string> uris) {
  nlohmann::json doc = {{"grant_types", {"refresh_token"}},
                        {"token_endpoint_auth_method", "none"},
                        {"redirect_uris", uris}};
  auto m = ParseClientMetadata(doc);
  EXPECT_TRUE(m.ok()) << m.status();
  return m.ok() ? *m : ClientMetadata{};
}

TEST(RedirectUriTest, OnlyTheRegisteredBytesMatch) {
  const ClientMetadata m = WithRedirects(
      {"https://app.example/cb", "com.example.app:/oauth2redirect", "https://app.example/q?x=1"});
  EXPECT_TRUE(m.AllowsRedirectUri("https://app.example/cb"));
  EXPECT_TRUE(m.AllowsRedirectUri("com.example.app:/oauth2redirect"));
  EXPECT_TRUE(m.AllowsRedirectUri("https://app.example/q?x=1"));
  for (const char* near : {
           "https://app.example/cB",          // one character
           "https://app.example/c",           // one fewer
           "https://app.example/cb/",         // trailing slash
           "https://app.example/cb?",         // empty query
           "https://app.example/cb?x=1",      // a query added
           "https://app.example/cb#f",        // a fragment
           "https://App.example/cb",          // host case
           "HTTPS://app.example/cb",          // scheme case
           "https://app.example:443/cb",      // the default port spelled out
           "https://app.example.evil/cb",     // a suffix on the host
           "https://app.example@evil.example/cb",
           "https://evil.example/https://app.example/cb",
           "https://app.example/cb%2F..",     // encoded path tricks
           "https://app.example/%63b",        // an encoded 'c'
           "http://app.example/cb",           // downgraded
           "https://app.example/q?x=2",
           "https://app.example/cb ",
           "",
       }) {
    EXPECT_FALSE(m.AllowsRedirectUri(near)) << near;
  }
}

TEST(RedirectUriTest, LoopbackIpRedirectsMatchAnyPortOnly) {
  const ClientMetadata m = WithRedirects({"http://127.0.0.1/callback", "http://[::1]:8000/cb"});
  EXPECT_TRUE(m.AllowsRedirectUri("http://127.0.0.1/callback"));
  EXPECT_TRUE(m.AllowsRedirectUri("http://127.0.0.1:51004/callback"));
  EXPECT_TRUE(m.AllowsRedirectUri("http://[::1]:8000/cb"));
  EXPECT_TRUE(m.AllowsRedirectUri("http://[::1]:9/cb"));
  for (const char* near : {
           "http://127.0.0.1:51004/callbacK",  // the path still exact
           "http://127.0.0.1:51004/callback?x=1",
           "http://127.0.0.1:/callback",       // an empty port
           "http://127.0.0.1:123456/callback",
           "http://127.0.0.1:80x/callback",
           "http://127.0.0.2:5000/callback",   // another address
           "http://127.0.0.1.evil.example/callback",
           "http://localhost:5000/callback",   // a name is not the literal
           "https://127.0.0.1:5000/callback",
           "http://[::1]:8000/cb/",
           "http://127.0.0.1:8000/cb",         // the other host's path
       }) {
    EXPECT_FALSE(m.AllowsRedirectUri(near)) << near;
  }
}

TEST(RedirectUriTest, WhatMayBeRegistered) {
  for (const char* ok : {"https://app.example/cb", "http://127.0.0.1/cb", "http://[::1]:80/cb",
                         "http://localhost:3000/cb", "com.example.app:/cb"}) {
    EXPECT_TRUE(CheckRedirectUri("redirect_uris[0]", ok).ok()) << ok;
  }
  for (const char* bad : {"https://app.example/cb#frag", "http://app.example/cb",
                          "javascript:alert(1)", "data:text/html,x", "myapp:/cb", "/relative",
                          "https://", "", "https://app.example/\x01"}) {
    auto s = CheckRedirectUri("redirect_uris[0]", bad);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(s.message().find("redirect_uris[0]"), std::string::npos) << s;
  }
}

}  // namespace
}  // namespace iam::oauth
