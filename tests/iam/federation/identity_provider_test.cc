// An identity provider's settings: defaults filled in, every rule refused
// with the field's path, nothing unknown accepted.
#include "iam/federation/identity_provider.h"

#include <gtest/gtest.h>

namespace iam::federation {
namespace {

nlohmann::json Oidc() {
  return {{"alias", "corp"},
          {"kind", "oidc"},
          {"oidc", {{"issuer", "https://login.example.com/tenant"}, {"client_id", "iam"}}}};
}

nlohmann::json Ldap() {
  return {{"alias", "dir"},
          {"kind", "ldap"},
          {"ldap", {{"url", "ldaps://ldap.example.com"}, {"user_base", "ou=people,dc=example,dc=com"}}}};
}

TEST(IdentityProviderTest, DefaultsFillWhatIsNotSaid) {
  auto p = IdentityProvider::FromJson(Oidc());
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->display_name, "corp");
  EXPECT_TRUE(p->enabled);
  EXPECT_EQ(p->provisioning, "jit");
  EXPECT_EQ(p->link, "none");
  EXPECT_EQ(p->oidc.client_auth, "client_secret_basic");
  EXPECT_TRUE(p->oidc.pkce);
  EXPECT_EQ(p->oidc.claims.subject, "sub");
  EXPECT_EQ(p->oidc.scopes, (std::vector<std::string>{"openid", "profile", "email"}));
  // What ToJson writes reads back the same.
  auto again = IdentityProvider::FromJson(p->ToJson());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->ToJson(), p->ToJson());
  EXPECT_FALSE(p->ToJson().contains("ldap"));

  auto l = IdentityProvider::FromJson(Ldap());
  ASSERT_TRUE(l.ok()) << l.status();
  EXPECT_TRUE(l->ldap.start_tls);
  EXPECT_EQ(l->ldap.attributes.username, "uid");
  EXPECT_EQ(IdentityProvider::FromJson(l->ToJson())->ToJson(), l->ToJson());
}

TEST(IdentityProviderTest, EachRuleNamesItsField) {
  struct Case {
    nlohmann::json doc;
    std::string field;
  };
  auto with = [](nlohmann::json doc, const std::string& pointer, nlohmann::json value) {
    doc[nlohmann::json::json_pointer(pointer)] = std::move(value);
    return doc;
  };
  std::vector<Case> cases = {
      {with(Oidc(), "/alias", "Corp"), "alias"},
      {with(Oidc(), "/alias", "-x"), "alias"},
      {with(Oidc(), "/kind", "saml"), "kind"},
      {with(Oidc(), "/colour", "red"), "colour: unknown field"},
      {with(Oidc(), "/oidc/secret", "s"), "oidc.secret: unknown field"},
      {with(Oidc(), "/oidc/issuer", "http://login.example.com"), "oidc.issuer"},
      {with(Oidc(), "/oidc/issuer", "https://user:pw@login.example.com"), "oidc.issuer"},
      {with(Oidc(), "/oidc/issuer", "https://login.example.com/#x"), "oidc.issuer"},
      {with(Oidc(), "/oidc/issuer", "javascript:alert(1)"), "oidc.issuer"},
      {with(Oidc(), "/oidc/client_id", ""), "oidc.client_id"},
      {with(Oidc(), "/oidc/token_endpoint", "https://login.example.com/token"),
       "oidc.authorization_endpoint"},
      {with(Oidc(), "/oidc/client_auth", "client_secret_jwt"), "oidc.client_auth"},
      {with(with(Oidc(), "/oidc/client_auth", "none"), "/oidc/pkce", false), "oidc.pkce"},
      {with(Oidc(), "/oidc/scopes", nlohmann::json::array({"profile"})), "oidc.scopes"},
      {with(Oidc(), "/oidc/scopes", "openid"), "oidc.scopes"},
      {with(Oidc(), "/oidc/claims/subject", ""), "oidc.claims.subject"},
      {with(Oidc(), "/oidc/pkce", "yes"), "oidc.pkce"},
      {with(Oidc(), "/ldap", Ldap()["ldap"]), "ldap: only for kind ldap"},
      {with(Oidc(), "/provisioning", "auto"), "provisioning"},
      {with(Oidc(), "/link", "email"), "link"},
      {with(Oidc(), "/allowed_email_domains", nlohmann::json::array({"exa mple.com"})),
       "allowed_email_domains"},
      {with(Oidc(), "/group_map", {{"Engineers", "not a name!"}}), "group_map"},
      {with(Oidc(), "/display_name", std::string("a\x01", 2)), "display_name"},
      {with(Oidc(), "/display_name", "\xff\xfe"), "display_name"},
      {with(Ldap(), "/ldap/url", "http://ldap.example.com"), "ldap.url"},
      {with(with(Ldap(), "/ldap/url", "ldap://ldap.example.com"), "/ldap/start_tls", false),
       "ldap.start_tls"},
      {with(Ldap(), "/ldap/user_base", ""), "ldap.user_base"},
      {with(Ldap(), "/ldap/user_filter", "(uid=bob)"), "ldap.user_filter"},
      {with(Ldap(), "/ldap/timeout_ms", 5), "ldap.timeout_ms"},
      {with(Ldap(), "/ldap/sync_interval_seconds", 30), "ldap.sync_interval_seconds"},
      {with(with(Ldap(), "/ldap/group_base", "ou=groups"), "/ldap/group_filter", "(cn=x)"),
       "ldap.group_filter"},
      {nlohmann::json::array(), "config"},
      {with(Oidc(), "/oidc/protocol", "saml2"), "oidc.protocol"},
      {with(Oidc(), "/oidc/userinfo_endpoint", "https://login.example.com/me"),
       "oidc.userinfo_endpoint"},
      {with(with(Oidc(), "/oidc/protocol", "oauth2"), "/oidc/token_endpoint",
            "https://login.example.com/token"),
       "oidc.authorization_endpoint"},
  };
  for (const auto& c : cases) {
    auto p = IdentityProvider::FromJson(c.doc);
    ASSERT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument) << c.doc;
    EXPECT_EQ(p.status().message().rfind(c.field, 0), 0u)
        << "want " << c.field << ", got " << p.status().message();
  }
  // Plain LDAP to a loopback directory, and explicit endpoints, are fine.
  EXPECT_TRUE(IdentityProvider::FromJson(
                  with(with(Ldap(), "/ldap/url", "ldap://127.0.0.1:3890"), "/ldap/start_tls", false))
                  .ok());
  auto explicit_endpoints = Oidc();
  explicit_endpoints["oidc"]["authorization_endpoint"] = "https://login.example.com/auth";
  explicit_endpoints["oidc"]["token_endpoint"] = "https://login.example.com/token";
  explicit_endpoints["oidc"]["jwks_uri"] = "https://login.example.com/keys";
  EXPECT_TRUE(IdentityProvider::FromJson(explicit_endpoints).ok());
  EXPECT_TRUE(IdentityProvider::FromJson(with(Oidc(), "/oidc/issuer", "http://127.0.0.1:9000")).ok());
  // A plain OAuth 2.0 login: its endpoints stated, no openid scope needed.
  nlohmann::json oauth2 = Oidc();
  oauth2["oidc"] = {{"protocol", "oauth2"},
                    {"client_id", "iam"},
                    {"authorization_endpoint", "https://open.example.com/connect/oauth2/authorize"},
                    {"token_endpoint", "https://api.example.com/gettoken"},
                    {"userinfo_endpoint", "https://api.example.com/user/getuserinfo"},
                    {"scopes", {"snsapi_base"}}};
  auto plain = IdentityProvider::FromJson(oauth2);
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_EQ(IdentityProvider::FromJson(plain->ToJson())->ToJson(), plain->ToJson());
}

TEST(IdentityProviderTest, EmailDomainsAreExactAndCaseBlind) {
  auto doc = Oidc();
  doc["allowed_email_domains"] = {"Example.com"};
  auto p = IdentityProvider::FromJson(doc);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->EmailAllowed("bob@example.com"));
  EXPECT_TRUE(p->EmailAllowed("Bob@EXAMPLE.COM"));
  EXPECT_FALSE(p->EmailAllowed("bob@evil-example.com"));
  EXPECT_FALSE(p->EmailAllowed("bob@example.com.evil.net"));
  EXPECT_FALSE(p->EmailAllowed("bob@sub.example.com"));
  EXPECT_FALSE(p->EmailAllowed("example.com"));
  EXPECT_FALSE(p->EmailAllowed(""));
  EXPECT_TRUE(IdentityProvider::FromJson(Oidc())->EmailAllowed("anyone@anywhere.org"));
}

}  // namespace
}  // namespace iam::federation
