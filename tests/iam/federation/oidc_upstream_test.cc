// This service as an upstream provider's relying party, against a real
// HTTP server on loopback playing the provider: discovery and its issuer
// check, the authorization URL, the code exchange with each client
// authentication, and every check of the ID token, each able to fail:
// a forged signature, another issuer, another audience, a token for
// several audiences without azp, an expired one, one from the future, a
// wrong or missing nonce; and a key rotation followed.
#include "iam/federation/oidc_upstream.h"

#include <gtest/gtest.h>

#include <mutex>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "iam/common/crypto.h"
#include "iam/oauth/client_keys.h"
#include "iam/oauth/form.h"
#include "iam/server/http_server.h"
#include "iam/token/jwt.h"
#include "iam/token/signing_key.h"
#include "tests/iam/federation/loopback_provider.h"

namespace iam::federation {
namespace {

using server::HttpRequest;
using server::HttpResponse;

constexpr int64_t kNow = 1'800'000'000;

using Provider = testing::LoopbackProvider;

class OidcUpstreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(p_.base.empty());
    clock_.Set(absl::FromUnixSeconds(kNow));
    settings_.issuer = p_.base;
    settings_.client_id = "iam-app";
  }

  nlohmann::json Claims() {
    return {{"iss", p_.base}, {"sub", "u-123"}, {"aud", "iam-app"}, {"exp", kNow + 300},
            {"iat", kNow},    {"nonce", "n-1"}, {"email", "bob@example.com"}};
  }
  std::string Sign(const nlohmann::json& claims, const token::SigningKey& key) {
    return *token::SignJws(claims, "JWT", key);
  }
  absl::StatusOr<nlohmann::json> Verify(const std::string& id_token,
                                        const std::string& nonce = "n-1") {
    auto e = upstream_.Endpoints(settings_);
    if (!e.ok()) return e.status();
    return upstream_.VerifyIdToken(*e, settings_, id_token, nonce);
  }

  net::HttpFetcher fetcher_{[] {
    net::HttpFetcherOptions o;
    o.allow_private_networks = true;
    o.timeout = absl::Seconds(2);
    return o;
  }()};
  FakeClock clock_;
  Provider p_;
  oauth::RemoteKeySets key_sets_{fetcher_, clock_, oauth::UpstreamVerifyKeys};
  CryptoRandom random_;
  std::shared_ptr<const token::SigningKey> ours_ =
      *token::SigningKey::Generate(token::Alg::kES256, "iam-1");
  OidcUpstream upstream_{fetcher_, clock_, random_, key_sets_,
                         [this](const nlohmann::json& claims) {
                           return token::SignJws(claims, "JWT", *ours_);
                         }};
  OidcSettings settings_;
};

TEST_F(OidcUpstreamTest, DiscoveryChecksTheIssuerAndBuildsTheRequest) {
  auto e = upstream_.Endpoints(settings_);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->token_endpoint, p_.base + "/token");
  const std::string url = OidcUpstream::AuthorizationUrl(
      *e, settings_, {"https://iam.example/cb", "st&1", "n-1", "verifier", "bob@example.com", ""});
  EXPECT_TRUE(absl::StartsWith(url, p_.base + "/auth?response_type=code&client_id=iam-app"));
  EXPECT_NE(url.find("&state=st%261&"), std::string::npos) << url;
  EXPECT_NE(url.find("&scope=openid+profile+email"), std::string::npos) << url;
  EXPECT_NE(url.find(absl::StrCat("&code_challenge=",
                                  crypto::Base64Url(crypto::Sha256("verifier")),
                                  "&code_challenge_method=S256")),
            std::string::npos);
  EXPECT_NE(url.find("&login_hint=bob%40example.com"), std::string::npos);

  // A document that names another issuer is not this provider's.
  OidcSettings other = settings_;
  other.issuer = p_.base + "/other";
  p_.issuer_in_discovery = p_.base + "/elsewhere";
  auto refused = upstream_.Endpoints(other);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(refused.status().message().find("issuer"), std::string::npos);
  // A provider that cannot be reached says so.
  OidcSettings down = settings_;
  down.issuer = "http://127.0.0.1:1";
  EXPECT_EQ(upstream_.Endpoints(down).status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(OidcUpstreamTest, TheCodeIsExchangedWithTheClientsAuthentication) {
  auto e = upstream_.Endpoints(settings_);
  ASSERT_TRUE(e.ok());
  p_.id_token = "the-id-token";
  auto got = upstream_.Exchange(*e, settings_, "s3cr:et", "code-1", "https://iam.example/cb", "v");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->id_token, "the-id-token");
  EXPECT_EQ(got->access_token, "at");
  const std::string* auth = p_.last_token_request.Header("authorization");
  ASSERT_NE(auth, nullptr);
  EXPECT_EQ(*auth, "Basic " + crypto::Base64("iam-app:s3cr%3Aet"));
  auto form = oauth::ParseForm(p_.last_token_request.body);
  ASSERT_TRUE(form.ok());
  EXPECT_EQ(oauth::Param(*form, "code"), "code-1");
  EXPECT_EQ(oauth::Param(*form, "code_verifier"), "v");
  EXPECT_EQ(oauth::Param(*form, "client_secret"), "");

  settings_.client_auth = "client_secret_post";
  ASSERT_TRUE(upstream_.Exchange(*e, settings_, "s3cret", "c", "https://iam.example/cb", "").ok());
  form = oauth::ParseForm(p_.last_token_request.body);
  EXPECT_EQ(oauth::Param(*form, "client_secret"), "s3cret");
  EXPECT_EQ(oauth::Param(*form, "client_id"), "iam-app");
  EXPECT_EQ(p_.last_token_request.Header("authorization"), nullptr);

  // private_key_jwt: an assertion of this service's, for this endpoint,
  // short-lived and unique; no secret anywhere.
  settings_.client_auth = "private_key_jwt";
  ASSERT_TRUE(upstream_.Exchange(*e, settings_, "", "c", "https://iam.example/cb", "v").ok());
  form = oauth::ParseForm(p_.last_token_request.body);
  EXPECT_EQ(oauth::Param(*form, "client_assertion_type"),
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
  EXPECT_EQ(oauth::Param(*form, "client_secret"), "");
  EXPECT_EQ(p_.last_token_request.Header("authorization"), nullptr);
  auto jws = token::ParseJws(oauth::Param(*form, "client_assertion"));
  ASSERT_TRUE(jws.ok()) << jws.status();
  EXPECT_TRUE(ours_->Verify(jws->signing_input, jws->signature));
  EXPECT_EQ(jws->kid, "iam-1");
  EXPECT_EQ(jws->payload["iss"], "iam-app");
  EXPECT_EQ(jws->payload["sub"], "iam-app");
  EXPECT_EQ(jws->payload["aud"], p_.base + "/token");
  EXPECT_EQ(jws->payload["exp"].get<int64_t>() - jws->payload["iat"].get<int64_t>(), 60);
  const std::string first_jti = jws->payload["jti"];
  ASSERT_TRUE(upstream_.Exchange(*e, settings_, "", "c", "https://iam.example/cb", "v").ok());
  auto second = token::ParseJws(oauth::Param(*oauth::ParseForm(p_.last_token_request.body), "client_assertion"));
  EXPECT_NE(second->payload["jti"], first_jti);

  p_.token_status = 400;
  p_.token_error = "invalid_grant";
  auto refused = upstream_.Exchange(*e, settings_, "s", "c", "https://iam.example/cb", "");
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(refused.status().message().find("invalid_grant"), std::string::npos);
  p_.token_status = 503;
  EXPECT_EQ(upstream_.Exchange(*e, settings_, "s", "c", "https://iam.example/cb", "").status().code(),
            absl::StatusCode::kUnavailable);
}

TEST_F(OidcUpstreamTest, EveryCheckOfTheIdTokenCanFail) {
  auto good = Verify(Sign(Claims(), *p_.key));
  ASSERT_TRUE(good.ok()) << good.status();
  EXPECT_EQ((*good)["sub"], "u-123");

  auto forger = *token::SigningKey::Generate(token::Alg::kES256, "k1");
  struct Case {
    std::string token;
    std::string nonce;
    std::string why;
  };
  auto changed = [&](const char* k, nlohmann::json v) {
    nlohmann::json c = Claims();
    if (v.is_null()) {
      c.erase(k);
    } else {
      c[k] = std::move(v);
    }
    return Sign(c, *p_.key);
  };
  std::vector<Case> cases = {
      {Sign(Claims(), *forger), "n-1", "signature"},
      {changed("iss", "https://evil.example"), "n-1", "issuer"},
      {changed("aud", "another-app"), "n-1", "audience"},
      {changed("aud", nlohmann::json::array({"another-app", "third"})), "n-1", "audience"},
      {changed("aud", nlohmann::json::array({"iam-app", "another-app"})), "n-1", "azp"},
      {changed("azp", "another-app"), "n-1", "azp"},
      {changed("exp", kNow - 61), "n-1", "expired"},
      {changed("exp", nullptr), "n-1", "expired"},
      {changed("iat", kNow + 3600), "n-1", "future"},
      {changed("nonce", "n-2"), "n-1", "nonce"},
      {changed("nonce", nullptr), "n-1", "nonce"},
      {Sign(Claims(), *p_.key), "", "nonce"},
      {"not.a.jwt", "n-1", "signed JWT"},
      {std::string(20000, 'a'), "n-1", "16 KiB"},
  };
  for (const auto& c : cases) {
    auto r = Verify(c.token, c.nonce);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kPermissionDenied) << c.why;
    EXPECT_NE(r.status().message().find(c.why), std::string::npos) << r.status();
  }
  // Several audiences with azp naming this client pass.
  nlohmann::json multi = Claims();
  multi["aud"] = {"iam-app", "another-app"};
  multi["azp"] = "iam-app";
  EXPECT_TRUE(Verify(Sign(multi, *p_.key)).ok());
  // Within the minute of leeway, an expiry just past still passes.
  EXPECT_TRUE(Verify(changed("exp", kNow - 30)).ok());
}

TEST_F(OidcUpstreamTest, ARotatedKeyIsFollowed) {
  ASSERT_TRUE(Verify(Sign(Claims(), *p_.key)).ok());
  {
    std::lock_guard<std::mutex> lock(p_.mu);
    p_.key = *token::SigningKey::Generate(token::Alg::kRS256, "k2");
  }
  clock_.Advance(absl::Seconds(11));  // past the refetch interval
  auto rotated = Verify(Sign(Claims(), *p_.key));
  EXPECT_TRUE(rotated.ok()) << rotated.status();

  std::vector<std::string> findings;
  ASSERT_TRUE(upstream_.Probe(settings_, &findings).ok());
  ASSERT_EQ(findings.size(), 4u);
  EXPECT_NE(findings[0].find("issuer " + p_.base + " matches"), std::string::npos);
  EXPECT_EQ(findings[3], "jwks: 1 signature key (RS256)");
}

}  // namespace
}  // namespace iam::federation
