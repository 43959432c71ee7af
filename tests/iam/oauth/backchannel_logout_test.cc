// Back-channel logout against a real HTTP receiver on loopback, with an
// injected clock: a session that ends is told to the client once even
// with two replicas running, a failing receiver is retried on schedule
// and then given up with an audit record, and a receiver that answers is
// told exactly once.
#include "iam/oauth/backchannel_logout.h"

#include <gtest/gtest.h>

#include <atomic>

#include "absl/strings/str_cat.h"
#include "iam/account/pii_cipher.h"
#include "iam/common/status_macros.h"
#include "iam/server/http_server.h"
#include "iam/store/account_store.h"
#include "iam/store/client_store.h"
#include "iam/store/session_store.h"
#include "iam/store/sso_store.h"
#include "iam/token/key_ring.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_database.h"

namespace iam::oauth {
namespace {

constexpr char kAccount[] = "123456789012";

class BackchannelLogoutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    clock_.Set(absl::FromUnixSeconds(1'800'000'000));
    std::string skip;
    t_ = testing::TestDatabase::Create(store::Backend::kSqlite, &skip);
    ASSERT_NE(t_, nullptr) << skip;
    pii_ = std::make_unique<account::PiiCipher>(std::string(32, 'k'), &random_);
    ring_ = std::make_unique<token::KeyRing>(&t_->db(), pii_.get(), &clock_, &random_,
                                             token::KeyRingOptions{});
    ASSERT_OK(ring_->Start());
    token::TokenServiceOptions to;
    to.issuer = "https://iam.example";
    tokens_ = std::make_unique<token::TokenService>(ring_.get(), &t_->db(), &clock_, &random_, to);
    server::HttpServerOptions o;
    o.listen = "127.0.0.1:0";
    auto receiver = server::HttpServer::Start(o, [this](const server::HttpRequest& r) {
      hits_.fetch_add(1);
      last_body_ = r.body;
      return server::HttpResponse::Text(status_.load(), "");
    });
    ASSERT_TRUE(receiver.ok()) << receiver.status();
    receiver_ = *std::move(receiver);
    const std::string uri = absl::StrCat("http://127.0.0.1:", receiver_->port(), "/bc");
    const int64_t now = clock_.NowMs();
    ASSERT_OK(t_->db().Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
      RETURN_IF_ERROR(store::accounts::Insert(
          tx, store::AccountRow{kAccount, "acme", "Acme", store::AccountState::kActive, false, 1, 1,
                                std::nullopt, std::nullopt}));
      store::ClientRow c;
      c.id = "C1";
      c.account_id = kAccount;
      c.client_id = "portal";
      c.metadata = nlohmann::json{{"grant_types", {"authorization_code"}},
                                  {"token_endpoint_auth_method", "none"},
                                  {"redirect_uris", {"https://portal.example/cb"}},
                                  {"backchannel_logout_uri", uri}}
                       .dump();
      c.created_at = c.updated_at = now;
      RETURN_IF_ERROR(store::clients::Insert(tx, c));
      store::SessionRow s;
      s.id = "S1";
      s.account_id = kAccount;
      s.user_id = "U1";
      s.client_type = "web";
      s.amr = "pwd";
      s.auth_time = s.created_at = s.last_seen_at = now;
      s.idle_expires_at = s.expires_at = now + 3600 * 1000;
      RETURN_IF_ERROR(store::sessions::Insert(tx, s));
      store::CodeRow code;
      code.code_hash = "H1";
      code.account_id = kAccount;
      code.client_id = "portal";
      code.user_id = "U1";
      code.session_id = "S1";
      code.created_at = now;
      code.expires_at = now + 60000;
      return store::sso::InsertCode(tx, code);
    }));
  }

  void EndSession() {
    ASSERT_OK(t_->db().Transact(store::TxMode::kWrite, [&](store::Tx& tx) {
      return store::sessions::Revoke(tx, "S1", clock_.NowMs(), "logout").status();
    }));
  }

  std::unique_ptr<BackchannelLogout> Replica() {
    net::HttpFetcherOptions f;
    f.allow_private_networks = true;
    fetchers_.push_back(std::make_unique<net::HttpFetcher>(f));
    return std::make_unique<BackchannelLogout>(t_->db(), clock_, random_, *tokens_,
                                               *fetchers_.back(), audit_);
  }

  int64_t AuditRecords() {
    int64_t n = 0;
    EXPECT_OK(t_->db().Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
      ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT COUNT(*) FROM audit_log WHERE action = "
                                           "'oauth:BackchannelLogout' AND result = 'failure'",
                                           {}));
      n = rows[0].Int(0);
      return absl::OkStatus();
    }));
    return n;
  }

  FakeClock clock_;
  CryptoRandom random_;
  std::unique_ptr<testing::TestDatabase> t_;
  std::unique_ptr<account::PiiCipher> pii_;
  std::unique_ptr<token::KeyRing> ring_;
  std::unique_ptr<token::TokenService> tokens_;
  audit::AuditLog audit_{&clock_};
  std::vector<std::unique_ptr<net::HttpFetcher>> fetchers_;
  std::unique_ptr<server::HttpServer> receiver_;
  std::atomic<int> hits_{0};
  std::atomic<int> status_{500};
  std::string last_body_;
};

TEST_F(BackchannelLogoutTest, AFailingReceiverIsRetriedOnScheduleThenGivenUp) {
  auto a = Replica();
  auto b = Replica();
  ASSERT_OK(a->RunOnce());
  EXPECT_EQ(hits_, 0) << "no session has ended";
  EndSession();
  ASSERT_OK(a->RunOnce());
  ASSERT_OK(b->RunOnce());  // the other replica finds it queued and not due
  EXPECT_EQ(hits_, 1);
  const BackchannelLogoutOptions o;
  for (size_t i = 0; i < o.retry_after.size(); ++i) {
    clock_.Advance(o.retry_after[i] - absl::Milliseconds(1));
    ASSERT_OK(a->RunOnce());
    EXPECT_EQ(hits_, static_cast<int>(i + 1)) << "retried before its time, attempt " << i + 2;
    clock_.Advance(absl::Milliseconds(1));
    ASSERT_OK(b->RunOnce());
    ASSERT_OK(a->RunOnce());
    EXPECT_EQ(hits_, static_cast<int>(i + 2)) << "attempt " << i + 2;
  }
  EXPECT_EQ(AuditRecords(), 1);
  clock_.Advance(absl::Hours(10));
  ASSERT_OK(a->RunOnce());
  ASSERT_OK(b->RunOnce());
  EXPECT_EQ(hits_, 7) << "given up after seven attempts";
  EXPECT_EQ(a->stats().failed + b->stats().failed, 1u);
  EXPECT_EQ(a->stats().retried + b->stats().retried, 6u);
  EXPECT_NE(last_body_.find("logout_token="), std::string::npos);
}

TEST_F(BackchannelLogoutTest, AReceiverThatAnswersIsToldOnce) {
  status_ = 200;
  auto a = Replica();
  EndSession();
  ASSERT_OK(a->RunOnce());
  clock_.Advance(absl::Seconds(3));  // the rescan overlaps the first one
  ASSERT_OK(a->RunOnce());
  auto b = Replica();  // a replica that starts later looks back too
  ASSERT_OK(b->RunOnce());
  EXPECT_EQ(hits_, 1);
  EXPECT_EQ(a->stats().delivered, 1u);
  EXPECT_EQ(AuditRecords(), 0);
}

}  // namespace
}  // namespace iam::oauth
