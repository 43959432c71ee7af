// Cached key sets fetched from a real HTTP server on loopback, with an
// injected clock: how long a set is kept, when a rotation is followed,
// how often a publisher can be made to answer, and what serves when it
// does not.
#include "iam/oauth/remote_key_sets.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "iam/server/http_server.h"
#include "iam/token/signing_key.h"

namespace iam::oauth {
namespace {

using server::HttpRequest;
using server::HttpResponse;

class Publisher {
 public:
  void Publish(nlohmann::json set, std::string cache_control = "", int status = 200) {
    std::lock_guard<std::mutex> lock(mu_);
    set_ = std::move(set);
    cache_control_ = std::move(cache_control);
    status_ = status;
  }
  HttpResponse Answer(const HttpRequest&) {
    ++hits;
    std::lock_guard<std::mutex> lock(mu_);
    auto r = HttpResponse::Json(status_, set_.dump());
    if (!cache_control_.empty()) r.With("Cache-Control", cache_control_);
    return r;
  }
  std::atomic<int> hits{0};

 private:
  std::mutex mu_;
  nlohmann::json set_;
  std::string cache_control_;
  int status_ = 200;
};

nlohmann::json SetOf(const std::string& kid) {
  auto key = token::SigningKey::Generate(token::Alg::kES256, kid);
  return {{"keys", nlohmann::json::array({(*key)->PublicJwk()})}};
}

std::vector<std::string> Kids(const VerifyKeys& keys) {
  std::vector<std::string> out;
  for (const auto& k : keys) out.push_back(k->kid());
  return out;
}

class RemoteKeySetsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server::HttpServerOptions o;
    o.listen = "127.0.0.1:0";
    auto s = server::HttpServer::Start(o, [this](const HttpRequest& r) { return pub_.Answer(r); });
    ASSERT_TRUE(s.ok()) << s.status();
    server_ = *std::move(s);
    uri_ = absl::StrCat("http://127.0.0.1:", server_->port(), "/jwks");
    clock_.Set(absl::FromUnixSeconds(1'800'000'000));
  }

  net::HttpFetcher fetcher_{[] {
    net::HttpFetcherOptions o;
    o.allow_private_networks = true;
    o.timeout = absl::Seconds(2);
    return o;
  }()};
  FakeClock clock_;
  Publisher pub_;
  std::unique_ptr<server::HttpServer> server_;
  std::string uri_;
};

TEST_F(RemoteKeySetsTest, KeepsASetForItsMaxAgeClampedAndFollowsRotation) {
  RemoteKeySets sets(fetcher_, clock_, ClientVerifyKeys);
  pub_.Publish(SetOf("k1"), "max-age=120");
  auto first = sets.Keys(uri_);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(Kids(*first), std::vector<std::string>{"k1"});
  pub_.Publish(SetOf("k2"), "max-age=120");
  clock_.Advance(absl::Seconds(119));
  EXPECT_EQ(Kids(*sets.Keys(uri_)), std::vector<std::string>{"k1"});
  EXPECT_EQ(pub_.hits, 1);
  clock_.Advance(absl::Seconds(2));
  EXPECT_EQ(Kids(*sets.Keys(uri_)), std::vector<std::string>{"k2"});
  EXPECT_EQ(pub_.hits, 2);

  // A rotation noticed by a signature no cached key verifies: fetched at
  // once, but not again within the refetch interval however often asked.
  pub_.Publish(SetOf("k3"), "max-age=3600");
  clock_.Advance(absl::Seconds(5));
  EXPECT_EQ(Kids(*sets.Keys(uri_, /*refresh=*/true)), std::vector<std::string>{"k2"});
  EXPECT_EQ(pub_.hits, 2);
  clock_.Advance(absl::Seconds(6));
  EXPECT_EQ(Kids(*sets.Keys(uri_, true)), std::vector<std::string>{"k3"});
  for (int i = 0; i < 50; ++i) sets.Keys(uri_, true).IgnoreError();
  EXPECT_EQ(pub_.hits, 3);

  // max-age beyond a day is held to a day; no-store to the one-minute floor.
  pub_.Publish(SetOf("k4"), "max-age=999999");
  clock_.Advance(absl::Hours(2));
  EXPECT_EQ(Kids(*sets.Keys(uri_)), std::vector<std::string>{"k4"});
  pub_.Publish(SetOf("k5"), "no-store");
  clock_.Advance(absl::Hours(24) - absl::Seconds(1));
  EXPECT_EQ(Kids(*sets.Keys(uri_)), std::vector<std::string>{"k4"});
  clock_.Advance(absl::Seconds(2));
  EXPECT_EQ(Kids(*sets.Keys(uri_)), std::vector<std::string>{"k5"});
  pub_.Publish(SetOf("k6"));
  clock_.Advance(absl::Seconds(59));
  EXPECT_EQ(Kids(*sets.Keys(uri_)), std::vector<std::string>{"k5"});
  clock_.Advance(absl::Seconds(2));
  EXPECT_EQ(Kids(*sets.Keys(uri_)), std::vector<std::string>{"k6"});
}

TEST_F(RemoteKeySetsTest, ServesTheLastGoodSetWhileThePublisherFailsThenStops) {
  RemoteKeySets sets(fetcher_, clock_, ClientVerifyKeys);
  pub_.Publish(SetOf("good"));  // no max-age: five minutes
  ASSERT_TRUE(sets.Keys(uri_).ok());
  pub_.Publish({{"error", "down"}}, "", 503);
  clock_.Advance(absl::Minutes(6));
  EXPECT_EQ(Kids(*sets.Keys(uri_)), std::vector<std::string>{"good"});
  clock_.Advance(absl::Minutes(60));
  auto gone = sets.Keys(uri_);
  EXPECT_EQ(gone.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(gone.status().message().find("503"), std::string::npos) << gone.status();
  EXPECT_EQ(sets.stats().failures, 2u);
}

TEST_F(RemoteKeySetsTest, RefusesWhatIsNotAPublicKeySet) {
  RemoteKeySets sets(fetcher_, clock_, ClientVerifyKeys);
  auto key = token::SigningKey::Generate(token::Alg::kES256, "p");
  nlohmann::json priv = (*key)->PublicJwk();
  priv["d"] = "c2VjcmV0";  // a private part: never accepted as a client's key
  for (const nlohmann::json& bad :
       {nlohmann::json{{"keys", {priv}}}, nlohmann::json{{"keys", "nope"}},
        nlohmann::json::array({1, 2}), nlohmann::json("text")}) {
    pub_.Publish(bad);
    clock_.Advance(absl::Seconds(11));
    auto r = sets.Keys(uri_);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable) << bad.dump();
  }
  // An unreachable publisher, and one this server may not reach.
  server_->Stop();
  clock_.Advance(absl::Seconds(11));
  EXPECT_EQ(sets.Keys(uri_).status().code(), absl::StatusCode::kUnavailable);
  net::HttpFetcher guarded{net::HttpFetcherOptions{}};
  RemoteKeySets strict(guarded, clock_, ClientVerifyKeys);
  auto refused = strict.Keys(uri_);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(refused.status().message().find("private"), std::string::npos) << refused.status();
}

TEST(CacheLifetimeTest, ReadsMaxAgeAndNoStore) {
  EXPECT_EQ(CacheLifetime("public, max-age=300"), absl::Seconds(300));
  EXPECT_EQ(CacheLifetime("MAX-AGE=7"), absl::Seconds(7));
  EXPECT_EQ(CacheLifetime("no-store"), absl::ZeroDuration());
  EXPECT_EQ(CacheLifetime("max-age=60, no-cache"), absl::ZeroDuration());
  EXPECT_EQ(CacheLifetime("max-age=-5"), std::nullopt);
  EXPECT_EQ(CacheLifetime("max-age=abc"), std::nullopt);
  EXPECT_EQ(CacheLifetime(""), std::nullopt);
}

}  // namespace
}  // namespace iam::oauth
