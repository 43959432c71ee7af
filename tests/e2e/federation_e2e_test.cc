// Logins through an upstream OpenID Connect provider, on both stores, with
// a real server and a provider played by a loopback HTTP server: the
// upstream answer taken once and only by the browser that started; users
// found by their link, linked by the provider's explicit rule or created,
// never a service account; groups set from the upstream's at each login;
// and the account's own rules after the upstream (a disabled user, the
// IP allowlist, the second factor unless the upstream's is trusted, with
// the session's amr saying what was proven).
#include <gtest/gtest.h>

#include <cstring>

#include "absl/strings/str_cat.h"
#include "iam/mfa/totp.h"
#include "iam/oauth/form.h"
#include "iam/store/group_store.h"
#include "iam/store/session_store.h"
#include "iam/store/user_store.h"
#include "tests/iam/federation/loopback_provider.h"
#include "tests/support/rpc_matchers.h"
#include "tests/support/test_server.h"

namespace iam::e2e {
namespace {

using federation::CompleteRequest;
using federation::ProvenUser;
using store::Backend;

constexpr int64_t kNow = 1'800'000'000;

// The key an authenticator app reads from the base32 text (RFC 4648).
std::string FromBase32(const std::string& text) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    const char* at = std::strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", c);
    if (c == '=' || at == nullptr) continue;
    buffer = (buffer << 5) | static_cast<uint32_t>(at - "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  return out;
}

class FederationTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    IAM_OPEN_TEST_DATABASE(t_, GetParam());
    ASSERT_FALSE(upstream_.base.empty());
    clock_.Set(absl::FromUnixSeconds(kNow));
    Config config = testing::TestConfig(*t_);
    config.fetch_private_networks = true;
    server_ = testing::TestServer::Start(config, &clock_, &random_);
    ASSERT_NE(server_, nullptr);
    std::tie(acme_, alice_) = server_->CreateAccount("acme", "alice");
  }

  server::Domain& domain() { return server_->server().domain(); }

  // The provider, as an administrator creates it (client_auth none).
  void CreateProvider(nlohmann::json settings) {
    settings["alias"] = "corp";
    settings["kind"] = "oidc";
    settings["oidc"]["issuer"] = upstream_.base;
    settings["oidc"]["client_id"] = "iam";
    settings["oidc"]["client_auth"] = "none";
    v1::CreateIdentityProviderRequest r;
    r.set_config(settings.dump());
    v1::IdentityProvider out;
    ASSERT_RPC_OK(server_->Call(alice_, &v1::AdminService::Stub::CreateIdentityProvider, r, &out));
  }

  nlohmann::json Claims(const std::string& sub, const std::string& username) {
    return {{"iss", upstream_.base}, {"sub", sub},  {"aud", "iam"},
            {"exp", kNow + 300},     {"iat", kNow}, {"preferred_username", username}};
  }

  // A browser's whole upstream round: Begin, the provider's answer with
  // `claims` (the nonce Begin sent filled in), Complete.
  absl::StatusOr<ProvenUser> Through(nlohmann::json claims, const std::string& browser = "b1") {
    auto url = domain().federated_login.Begin(
        {acme_, "corp", "request-1", browser, Callback(), "", ""});
    if (!url.ok()) return url.status();
    const std::string query = url->substr(url->find('?') + 1);
    auto params = oauth::ParseForm(query);
    if (!params.ok()) return params.status();
    claims["nonce"] = oauth::Param(*params, "nonce");
    upstream_.NextIdToken(claims);
    last_url_ = *url;
    last_state_ = oauth::Param(*params, "state");
    return Complete(last_state_, browser);
  }

  absl::StatusOr<ProvenUser> Complete(const std::string& state, const std::string& browser) {
    CompleteRequest r;
    r.account_id = acme_;
    r.state = state;
    r.code = "code-1";
    r.browser_id = browser;
    r.redirect_uri = Callback();
    r.source_ip = "198.51.100.7";
    return domain().federated_login.Complete(r);
  }

  std::string Callback() { return absl::StrCat("https://iam.example/accounts/", acme_, "/idp/callback"); }

  absl::StatusOr<auth::LoginResult> Login(const ProvenUser& p, const std::string& ip = "198.51.100.7") {
    auth::LoginRequest r;
    r.account = acme_;
    r.username = p.username;
    r.source_ip = ip;
    r.device_id = "browser-1";
    r.federated_user_id = p.user_id;
    r.provider = p.provider;
    r.upstream_mfa = p.upstream_mfa;
    return domain().login.LoginFederated(r);
  }

  std::vector<std::string> GroupsOf(const std::string& user_id) {
    std::vector<std::string> out;
    EXPECT_TRUE(t_->db()
                    .Transact(store::TxMode::kRead,
                              [&](store::Tx& tx) -> absl::Status {
                                auto groups = store::groups::ListGroupsOfUser(tx, user_id);
                                if (!groups.ok()) return groups.status();
                                for (const auto& g : *groups) out.push_back(g.name);
                                return absl::OkStatus();
                              })
                    .ok());
    std::sort(out.begin(), out.end());
    return out;
  }

  void CreateGroup(const std::string& name) {
    v1::CreateGroupRequest r;
    r.set_name(name);
    v1::Group out;
    ASSERT_RPC_OK(server_->Call(alice_, &v1::AdminService::Stub::CreateGroup, r, &out));
  }

  void CreateUser(const std::string& name, const std::string& email = "") {
    v1::CreateUserRequest r;
    r.set_username(name);
    r.set_email(email);
    v1::User out;
    ASSERT_RPC_OK(server_->Call(alice_, &v1::AdminService::Stub::CreateUser, r, &out));
  }

  void SetPolicy(const std::string& kind, const nlohmann::json& change) {
    ASSERT_RPC_OK(server_->PatchAccountPolicy(alice_, kind, change));
  }


  FakeClock clock_;
  CryptoRandom random_;
  testing::LoopbackProvider upstream_;
  std::unique_ptr<testing::TestDatabase> t_;
  std::unique_ptr<testing::TestServer> server_;
  std::string acme_, alice_, last_state_, last_url_;
};

TEST_P(FederationTest, AnAnswerIsTakenOnceByTheBrowserThatStarted) {
  CreateProvider(nlohmann::json::object());
  auto first = Through(Claims("u-1", "carol"));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->request_id, "request-1");
  EXPECT_TRUE(first->created);
  // The same answer again: used.
  EXPECT_EQ(Complete(last_state_, "b1").status().code(), absl::StatusCode::kFailedPrecondition);
  // An answer brought by another browser (a login forced on someone else).
  auto url = domain().federated_login.Begin({acme_, "corp", "r2", "b1", Callback(), "", ""});
  ASSERT_TRUE(url.ok());
  const std::string state = oauth::Param(*oauth::ParseForm(url->substr(url->find('?') + 1)), "state");
  EXPECT_EQ(Complete(state, "b2").status().code(), absl::StatusCode::kFailedPrecondition);
  // A state never sent, and one sent over ten minutes ago.
  EXPECT_EQ(Complete("made-up", "b1").status().code(), absl::StatusCode::kFailedPrecondition);
  url = domain().federated_login.Begin({acme_, "corp", "r3", "b1", Callback(), "", ""});
  clock_.Advance(absl::Minutes(11));
  upstream_.NextIdToken(Claims("u-1", "carol"));
  EXPECT_EQ(Complete(oauth::Param(*oauth::ParseForm(url->substr(url->find('?') + 1)), "state"),
                     "b1")
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);
  // A provider that is not there, or not enabled.
  EXPECT_EQ(domain().federated_login.Begin({acme_, "nope", "r", "b1", Callback(), "", ""})
                .status()
                .code(),
            absl::StatusCode::kNotFound);
}

TEST_P(FederationTest, UsersAreFoundLinkedByRuleOrCreatedNeverGuessed) {
  CreateProvider({{"link", "verified_email"}});
  CreateUser("bob", "bob@example.com");
  // The email is bob's but not verified: no link, and "bob" is taken.
  nlohmann::json unverified = Claims("u-mallory", "bob");
  unverified["email"] = "bob@example.com";
  unverified["email_verified"] = false;
  auto refused = Through(unverified);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(refused.status().message().find("exists here"), std::string::npos);
  // Verified: linked to bob, and found by the link from then on (even with
  // another email).
  nlohmann::json verified = Claims("u-bob", "bobby");
  verified["email"] = "BOB@example.com";
  verified["email_verified"] = true;
  auto linked = Through(verified);
  ASSERT_TRUE(linked.ok()) << linked.status();
  EXPECT_EQ(linked->username, "bob");
  EXPECT_FALSE(linked->created);
  nlohmann::json later = Claims("u-bob", "bobby");
  later["email"] = "bob@new.example.com";
  auto again = Through(later);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->user_id, linked->user_id);
  // A new subject with a new name: created.
  auto created = Through(Claims("u-dave", "dave"));
  ASSERT_TRUE(created.ok());
  EXPECT_TRUE(created->created);
  // A name this service cannot take.
  EXPECT_EQ(Through(Claims("u-x", "not a name!")).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Through(Claims("u-y", "")).status().code(), absl::StatusCode::kPermissionDenied);
}

TEST_P(FederationTest, OnlyExistingUsersWhenTheProviderCreatesNone) {
  CreateProvider({{"provisioning", "existing"}, {"link", "username"}});
  CreateUser("erin");
  auto erin = Through(Claims("u-erin", "erin"));
  ASSERT_TRUE(erin.ok()) << erin.status();
  EXPECT_EQ(erin->username, "erin");
  EXPECT_EQ(Through(Claims("u-frank", "frank")).status().code(),
            absl::StatusCode::kPermissionDenied);
  // A client's service account is never an upstream user's.
  v1::CreateClientRequest c;
  c.set_client_id("app");
  c.set_metadata(R"({"grant_types":["client_credentials"]})");
  v1::IssuedClient issued;
  ASSERT_RPC_OK(server_->Call(alice_, &v1::AdminService::Stub::CreateClient, c, &issued));
  auto service = Through(Claims("u-svc", "service-account-app"));
  EXPECT_EQ(service.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(service.status().message().find("service account"), std::string::npos);
}

TEST_P(FederationTest, MappedGroupsFollowTheUpstreamAtEachLogin) {
  CreateGroup("engineers");
  CreateGroup("operators");
  CreateGroup("auditors");  // not mapped: left alone
  CreateProvider({{"group_map", {{"eng", "engineers"}, {"ops", "operators"}, {"gone", "missing"}}}});
  nlohmann::json claims = Claims("u-gina", "gina");
  claims["groups"] = {"eng", "gone", "unmapped"};
  auto gina = Through(claims);
  ASSERT_TRUE(gina.ok()) << gina.status();
  EXPECT_EQ(GroupsOf(gina->user_id), std::vector<std::string>{"engineers"});
  v1::AddGroupMemberRequest add;
  add.set_group("auditors");
  add.set_username("gina");
  v1::AddGroupMemberResponse added;
  ASSERT_RPC_OK(server_->Call(alice_, &v1::AdminService::Stub::AddGroupMember, add, &added));
  claims["groups"] = {"ops"};
  ASSERT_TRUE(Through(claims).ok());
  EXPECT_EQ(GroupsOf(gina->user_id), (std::vector<std::string>{"auditors", "operators"}));
  claims.erase("groups");
  ASSERT_TRUE(Through(claims).ok());
  EXPECT_EQ(GroupsOf(gina->user_id), std::vector<std::string>{"auditors"});
}

TEST_P(FederationTest, TheAccountsOwnRulesComeAfterTheUpstream) {
  CreateProvider({{"oidc", {{"trust_upstream_mfa", false}}}});
  nlohmann::json claims = Claims("u-hank", "hank");
  claims["amr"] = {"pwd", "otp"};
  auto hank = Through(claims);
  ASSERT_TRUE(hank.ok()) << hank.status();
  auto open = Login(*hank);
  ASSERT_TRUE(open.ok()) << open.status();
  ASSERT_EQ(open->status, auth::LoginStatus::kSuccess);
  EXPECT_EQ(open->tokens.session.amr, "fed");

  // The account requires a second factor: the upstream's does not count
  // unless the provider is trusted for it.
  SetPolicy("mfa", {{"mode", "required"}});
  auto enrol = Login(*hank);
  ASSERT_TRUE(enrol.ok());
  ASSERT_EQ(enrol->status, auth::LoginStatus::kMfaRequired);
  EXPECT_TRUE(enrol->enrollment_required);
  auto key = domain().mfa_login.BeginEnrollment(enrol->mfa_ticket);
  ASSERT_TRUE(key.ok()) << key.status();
  auth::MfaAnswer answer;
  answer.ticket = enrol->mfa_ticket;
  answer.code = *mfa::TotpCode(FromBase32(key->secret_base32), key->params,
                               mfa::TotpStep(kNow, key->params.period));
  auto done = domain().mfa_login.ConfirmEnrollment(answer);
  ASSERT_TRUE(done.ok()) << done.status();
  ASSERT_EQ(done->status, auth::LoginStatus::kSuccess);
  EXPECT_EQ(done->tokens.session.amr, "fed,otp,mfa");

  v1::UpdateIdentityProviderRequest u;
  u.set_alias("corp");
  nlohmann::json settings = nlohmann::json::parse(R"({"alias":"corp","kind":"oidc"})");
  settings["oidc"] = {{"issuer", upstream_.base}, {"client_id", "iam"}, {"client_auth", "none"},
                      {"trust_upstream_mfa", true}};
  u.set_config(settings.dump());
  v1::IdentityProvider updated;
  ASSERT_RPC_OK(server_->Call(alice_, &v1::AdminService::Stub::UpdateIdentityProvider, u, &updated));
  auto trusted = Through(claims);
  ASSERT_TRUE(trusted.ok());
  EXPECT_TRUE(trusted->upstream_mfa);
  auto in = Login(*trusted);
  ASSERT_TRUE(in.ok());
  ASSERT_EQ(in->status, auth::LoginStatus::kSuccess);
  EXPECT_EQ(in->tokens.session.amr, "fed,mfa");
  // Trusted, but the upstream used one factor only: the code step.
  claims["amr"] = {"pwd"};
  auto one_factor = Through(claims);
  ASSERT_TRUE(one_factor.ok());
  EXPECT_FALSE(one_factor->upstream_mfa);
  EXPECT_EQ(Login(*one_factor)->status, auth::LoginStatus::kMfaRequired);

  // Outside the account's IP allowlist; a disabled user (no second factor
  // asked now, so that these rules are what answers).
  SetPolicy("mfa", {{"mode", "off"}});
  SetPolicy("ip_allowlist", {{"cidrs", {"10.0.0.0/8"}}});
  EXPECT_EQ(Login(*hank)->status, auth::LoginStatus::kFailed);
  EXPECT_EQ(Login(*hank, "10.1.2.3")->status, auth::LoginStatus::kSuccess);
  v1::DisableUserRequest d;
  d.set_username("hank");
  v1::User disabled;
  ASSERT_RPC_OK(server_->Call(alice_, &v1::AdminService::Stub::DisableUser, d, &disabled));
  EXPECT_EQ(Login(*hank, "10.1.2.3")->status, auth::LoginStatus::kFailed);
}

// A plain OAuth 2.0 login (WeCom, DingTalk or GitHub style): no ID token,
// the claims from the userinfo endpoint with the access token.
TEST_P(FederationTest, APlainOAuth2LoginReadsUserinfo) {
  v1::CreateIdentityProviderRequest r;
  r.set_config(nlohmann::json({{"alias", "corp"},
                               {"kind", "oidc"},
                               {"oidc",
                                {{"protocol", "oauth2"},
                                 {"authorization_endpoint", upstream_.base + "/auth"},
                                 {"token_endpoint", upstream_.base + "/token"},
                                 {"userinfo_endpoint", upstream_.base + "/userinfo"},
                                 {"client_id", "iam"},
                                 {"client_auth", "none"},
                                 {"claims", {{"subject", "id"}, {"username", "login"}}}}}})
                   .dump());
  v1::IdentityProvider created;
  ASSERT_RPC_OK(server_->Call(alice_, &v1::AdminService::Stub::CreateIdentityProvider, r, &created));
  upstream_.userinfo = {{"id", 583231}, {"login", "octo"}, {"email", "octo@example.com"}};
  auto octo = Through(nlohmann::json::object());
  ASSERT_TRUE(octo.ok()) << octo.status();
  EXPECT_EQ(octo->username, "octo");
  EXPECT_TRUE(octo->created);
  EXPECT_EQ(last_url_.find("nonce="), std::string::npos) << last_url_;
  EXPECT_EQ(last_url_.find("scope="), std::string::npos) << last_url_;
  // The same numeric id again: the same user.
  auto again = Through(nlohmann::json::object());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->user_id, octo->user_id);
  // A userinfo endpoint that refuses the token; one that answers no id.
  upstream_.accepted_token = "another";
  upstream_.userinfo = {{"id", 1}, {"login", "x"}};
  auto refused = Through(nlohmann::json::object());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied);
  upstream_.accepted_token = "at";
  upstream_.userinfo = {{"login", "noid"}};
  EXPECT_EQ(Through(nlohmann::json::object()).status().code(), absl::StatusCode::kPermissionDenied);
}

INSTANTIATE_TEST_SUITE_P(Backends, FederationTest,
                         ::testing::Values(Backend::kSqlite, Backend::kMysql),
                         testing::BackendParamName());

}  // namespace
}  // namespace iam::e2e
