// The human challenges a deployment can choose. The built-in proof of work
// with a real store (a proof passes once, is bound to its address and its
// level, expires, and cannot be made easier); a hosted captcha against a
// siteverify endpoint on loopback (what is sent, what counts as a pass,
// and failing closed when the service is down or answers nonsense).
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "iam/auth/hosted_challenge.h"
#include "iam/auth/proof_of_work.h"
#include "iam/common/clock.h"
#include "iam/common/pow_puzzle.h"
#include "iam/common/random.h"
#include "iam/server/http_server.h"
#include "tests/support/test_database.h"

namespace iam::auth {
namespace {

class ProofOfWorkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    clock_.Set(absl::FromUnixSeconds(1'800'000'000));
    std::string skip;
    t_ = testing::TestDatabase::Create(store::Backend::kSqlite, &skip);
    ASSERT_NE(t_, nullptr) << skip;
    ProofOfWorkOptions o;
    o.base_bits = 6;
    o.max_bits = 9;
    pow_ = std::make_unique<ProofOfWorkChallenge>(std::string(32, 'k'), &clock_, &random_,
                                                  &t_->db(), o);
  }

  FakeClock clock_;
  CryptoRandom random_;
  std::unique_ptr<testing::TestDatabase> t_;
  std::unique_ptr<ProofOfWorkChallenge> pow_;
};

TEST_F(ProofOfWorkTest, ASolvedPuzzlePassesOnceForItsAddress) {
  ChallengeOffer offer = pow_->Offer("10.0.0.1", 0);
  EXPECT_EQ(offer.kind, "proof-of-work");
  EXPECT_EQ(offer.bits, 6);
  auto proof = pow::Solve(offer.puzzle);
  ASSERT_TRUE(proof.ok());
  EXPECT_GE(pow::LeadingZeroBits(*proof), 6);
  EXPECT_FALSE(pow_->Verify(*proof, "10.0.0.2", 0)) << "bound to the address it was offered to";
  EXPECT_TRUE(pow_->Verify(*proof, "10.0.0.1", 0));
  EXPECT_FALSE(pow_->Verify(*proof, "10.0.0.1", 0)) << "a proof passes once";
}

TEST_F(ProofOfWorkTest, LevelsAskMoreWorkUpToTheCeiling) {
  EXPECT_EQ(pow_->Offer("10.0.0.1", 2).bits, 8);
  EXPECT_EQ(pow_->Offer("10.0.0.1", 50).bits, 9);
  // A proof of a lower level's puzzle does not pay for a higher level.
  auto easy = pow::Solve(pow_->Offer("10.0.0.1", 0).puzzle);
  ASSERT_TRUE(easy.ok());
  EXPECT_FALSE(pow_->Verify(*easy, "10.0.0.1", 1));
  auto hard = pow::Solve(pow_->Offer("10.0.0.1", 1).puzzle);
  ASSERT_TRUE(hard.ok());
  EXPECT_TRUE(pow_->Verify(*hard, "10.0.0.1", 0)) << "more work than asked is fine";
}

TEST_F(ProofOfWorkTest, ForgedExpiredAndMalformedProofsFail) {
  ChallengeOffer offer = pow_->Offer("10.0.0.1", 0);
  auto proof = pow::Solve(offer.puzzle);
  ASSERT_TRUE(proof.ok());
  // Another key's puzzle, solved: the MAC does not match.
  ProofOfWorkChallenge other(std::string(32, 'x'), &clock_, &random_, &t_->db());
  auto forged = pow::Solve(other.Offer("10.0.0.1", 0).puzzle);
  ASSERT_TRUE(forged.ok());
  EXPECT_FALSE(pow_->Verify(*forged, "10.0.0.1", 0));
  // Fewer bits claimed than signed: the MAC covers them.
  std::string easier = *proof;
  easier.replace(easier.find(".6."), 3, ".1.");
  EXPECT_FALSE(pow_->Verify(easier, "10.0.0.1", 0));
  for (const std::string& bad :
       {std::string(""), std::string("pow1"), offer.puzzle, offer.puzzle + ".",
        offer.puzzle + ".-1", offer.puzzle + ".1e3", offer.puzzle + ".99999999999999999999999",
        std::string(300, 'a'), std::string("pow1.6.\xff\xfe.a.b.1"), offer.puzzle + ".1.2"}) {
    EXPECT_FALSE(pow_->Verify(bad, "10.0.0.1", 0)) << bad;
  }
  clock_.Advance(absl::Minutes(6));
  EXPECT_FALSE(pow_->Verify(*proof, "10.0.0.1", 0)) << "expired";
  EXPECT_FALSE(pow::Solve("pow1.40.1.a.b").ok()) << "no puzzle beyond 32 bits is solved";
}

// A siteverify endpoint: "good-token" passes once, "slow" never answers
// in time, anything else fails.
class HostedChallengeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server::HttpServerOptions o;
    o.listen = "127.0.0.1:0";
    auto s = server::HttpServer::Start(o, [this](const server::HttpRequest& r) {
      {
        std::lock_guard<std::mutex> l(mu_);
        last_body_ = r.body;
      }
      if (r.path == "/broken") return server::HttpResponse::Text(500, "down");
      if (r.path == "/nonsense") return server::HttpResponse::Json(200, R"({"success":"yes"})");
      const bool good = r.body.find("response=good-token") != std::string::npos &&
                        r.body.find("secret=site+secret") != std::string::npos &&
                        !used_.exchange(true);
      return server::HttpResponse::Json(
          200, good ? R"({"success":true})" : R"({"success":false,"error-codes":["x"]})");
    });
    ASSERT_TRUE(s.ok()) << s.status();
    server_ = *std::move(s);
    net::HttpFetcherOptions f;
    f.allow_private_networks = true;  // the verifier is on loopback here
    fetcher_ = std::make_unique<net::HttpFetcher>(f);
  }

  HostedChallenge Make(const std::string& path) {
    return HostedChallenge(
        {absl::StrCat("http://127.0.0.1:", server_->port(), path), "site secret", "site-key-1",
         "https://captcha.example/api.js", "cf-turnstile-response"},
        fetcher_.get());
  }

  std::mutex mu_;
  std::string last_body_;
  std::atomic<bool> used_{false};
  std::unique_ptr<server::HttpServer> server_;
  std::unique_ptr<net::HttpFetcher> fetcher_;
};

TEST_F(HostedChallengeTest, TheServiceDecidesOnceAndFailureIsClosed) {
  HostedChallenge h = Make("/siteverify");
  ChallengeOffer offer = h.Offer("10.0.0.1", 3);
  EXPECT_EQ(offer.kind, "hosted");
  EXPECT_EQ(offer.site_key, "site-key-1");
  EXPECT_EQ(offer.response_field, "cf-turnstile-response");
  EXPECT_FALSE(h.Verify("bad-token", "10.0.0.1", 0));
  EXPECT_TRUE(h.Verify("good-token", "10.0.0.1", 0));
  {
    std::lock_guard<std::mutex> l(mu_);
    EXPECT_NE(last_body_.find("remoteip=10.0.0.1"), std::string::npos) << last_body_;
  }
  EXPECT_FALSE(h.Verify("good-token", "10.0.0.1", 0)) << "the service answers once";
  EXPECT_FALSE(h.Verify("", "10.0.0.1", 0));
  EXPECT_FALSE(h.Verify(std::string(5000, 'a'), "10.0.0.1", 0));
  EXPECT_FALSE(h.Verify("a&secret=evil", "10.0.0.1", 0)) << "the response is form-encoded";
  EXPECT_FALSE(Make("/broken").Verify("good-token", "10.0.0.1", 0));
  EXPECT_FALSE(Make("/nonsense").Verify("good-token", "10.0.0.1", 0));
  server_.reset();
  EXPECT_FALSE(h.Verify("good-token", "10.0.0.1", 0)) << "a service that is down fails closed";
}

}  // namespace
}  // namespace iam::auth
