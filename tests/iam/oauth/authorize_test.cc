// The authorization request: what is shown to the user (a wrong client or
// redirect_uri) and what goes back to the client, PKCE, and the redirect.
#include "iam/oauth/authorize.h"

#include <gtest/gtest.h>

#include "iam/oauth/oauth_error.h"

namespace iam::oauth {
namespace {

ClientMetadata Client(bool is_public = true) {
  nlohmann::json doc = {{"grant_types", {"authorization_code", "refresh_token"}},
                        {"token_endpoint_auth_method", is_public ? "none" : "client_secret_basic"},
                        {"redirect_uris", {"https://app.example/cb"}},
                        {"scope", "openid profile email"}};
  auto m = ParseClientMetadata(doc);
  EXPECT_TRUE(m.ok()) << m.status();
  return *m;
}

Form Good() {
  return {{"client_id", "app"},
          {"redirect_uri", "https://app.example/cb"},
          {"response_type", "code"},
          {"scope", "openid email"},
          {"state", "af0ifjsldkj"},
          {"nonce", "n-0S6_WzA2Mj"},
          {"code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"},
          {"code_challenge_method", "S256"}};
}

std::string ErrorOf(const absl::Status& s) { return ToHttpError(s).error; }

TEST(AuthorizeTest, TheRedirectIsJudgedFirstAndNeverTrustedWhenWrong) {
  const ClientMetadata c = Client();
  EXPECT_TRUE(CheckRedirect(Good(), c).ok());
  for (const char* uri : {"https://app.example/cB", "https://app.example/cb/", "", "https://evil.example/cb"}) {
    Form f = Good();
    f["redirect_uri"] = uri;
    const absl::Status s = CheckRedirect(f, c);
    EXPECT_EQ(ErrorOf(s), "invalid_request") << uri;
  }
  nlohmann::json machine = {{"grant_types", {"client_credentials"}}};
  EXPECT_EQ(ErrorOf(CheckRedirect(Good(), *ParseClientMetadata(machine))), "unauthorized_client");
}

TEST(AuthorizeTest, AcceptsAWellFormedRequest) {
  Form f = Good();
  f["prompt"] = "login consent";
  f["max_age"] = "300";
  f["login_hint"] = "carol";
  f["ui_locales"] = "zh-CN en";
  f["acr_values"] = "urn:iam:acr:mfa";
  auto r = ParseAuthorize(f, Client());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->scopes, (std::vector<std::string>{"openid", "email"}));
  EXPECT_TRUE(r->OpenId());
  EXPECT_TRUE(r->Prompts("login") && r->Prompts("consent") && !r->Prompts("none"));
  EXPECT_EQ(r->max_age, 300);
  EXPECT_TRUE(r->mfa_requested);
  auto back = AuthorizeRequest::FromJson(r->ToJson().dump());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->ToJson(), r->ToJson());
  EXPECT_EQ(AuthorizeRequest::FromJson("{}").status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(AuthorizeRequest::FromJson("garbage").status().code(), absl::StatusCode::kInternal);
}

TEST(AuthorizeTest, RefusesWhatIsNotOfferedWithTheRightError) {
  struct Case {
    const char* param;
    const char* value;  // nullptr: removed
    const char* error;
  };
  const Case cases[] = {
      {"response_type", "token", "unsupported_response_type"},
      {"response_type", "code id_token", "unsupported_response_type"},
      {"response_type", nullptr, "invalid_request"},
      {"response_mode", "fragment", "invalid_request"},
      {"scope", "openid admin", "invalid_scope"},
      {"scope", "openid \x01", "invalid_scope"},
      {"code_challenge", nullptr, "invalid_request"},
      {"code_challenge_method", "plain", "invalid_request"},
      {"code_challenge_method", nullptr, "invalid_request"},
      {"code_challenge", "short", "invalid_request"},
      {"code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw+cM", "invalid_request"},
      {"prompt", "none login", "invalid_request"},
      {"prompt", "create", "invalid_request"},
      {"max_age", "-1", "invalid_request"},
      {"max_age", "1e3", "invalid_request"},
      {"max_age", "99999999999", "invalid_request"},
      {"state", "a\nb", "invalid_request"},
      {"request", "eyJ...", "request_not_supported"},
      {"request_uri", "https://x", "request_uri_not_supported"},
  };
  for (const Case& c : cases) {
    Form f = Good();
    if (c.value == nullptr) {
      f.erase(c.param);
    } else {
      f[c.param] = c.value;
    }
    EXPECT_EQ(ErrorOf(ParseAuthorize(f, Client()).status()), c.error) << c.param;
  }
  Form big = Good();
  big["state"] = std::string(1025, 's');
  EXPECT_EQ(ErrorOf(ParseAuthorize(big, Client()).status()), "invalid_request");
}

TEST(AuthorizeTest, OnlyAConfidentialClientMayGoWithoutPkce) {
  nlohmann::json doc = {{"grant_types", {"authorization_code"}},
                        {"token_endpoint_auth_method", "client_secret_basic"},
                        {"redirect_uris", {"https://app.example/cb"}},
                        {"scope", "email"},
                        {"require_pkce", false}};
  auto confidential = ParseClientMetadata(doc);
  ASSERT_TRUE(confidential.ok()) << confidential.status();
  Form f = Good();
  f.erase("code_challenge");
  f.erase("code_challenge_method");
  auto r = ParseAuthorize(f, *confidential);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->code_challenge.empty());
  EXPECT_FALSE(ParseAuthorize(f, Client(false)).ok());  // on by default
  doc["token_endpoint_auth_method"] = "none";
  EXPECT_EQ(ParseClientMetadata(doc).status().code(), absl::StatusCode::kInvalidArgument);
  doc = {{"grant_types", {"authorization_code"}}, {"token_endpoint_auth_method", "none"}};
  EXPECT_EQ(ParseClientMetadata(doc).status().code(), absl::StatusCode::kInvalidArgument)
      << "the code flow needs a redirect URI";
}

TEST(AuthorizeTest, RedirectsKeepTheRegisteredQueryAndEncodeValues) {
  EXPECT_EQ(RedirectWith("https://app.example/cb", {{"code", "abc"}, {"state", "a b&c=d"}}),
            "https://app.example/cb?code=abc&state=a+b%26c%3Dd");
  EXPECT_EQ(RedirectWith("https://app.example/cb?tenant=1", {{"error", "access_denied"}}),
            "https://app.example/cb?tenant=1&error=access_denied");
}

TEST(AuthorizeTest, PkceS256AsRfc7636AppendixB) {
  const std::string challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
  EXPECT_TRUE(VerifyPkce("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", challenge));
  EXPECT_FALSE(VerifyPkce("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXK", challenge));
  EXPECT_FALSE(VerifyPkce("", challenge));
  EXPECT_FALSE(VerifyPkce("short", challenge));
  EXPECT_FALSE(VerifyPkce(challenge, challenge));  // the challenge itself is no verifier
  EXPECT_FALSE(VerifyPkce("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", ""));
}

}  // namespace
}  // namespace iam::oauth
