// The browser login's store, on both backends: a code and a login request
// are used once however many replicas race for them; sign-ons end with
// their sessions; consents replace each other; deleting a client, a user
// or an account leaves none of theirs behind.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "iam/common/status_macros.h"
#include "iam/store/account_store.h"
#include "iam/store/client_store.h"
#include "iam/store/logout_store.h"
#include "iam/store/session_store.h"
#include "iam/store/sso_store.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_database.h"

namespace iam::store {
namespace {

constexpr char kAccount[] = "111111111111";

class SsoStoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    IAM_OPEN_TEST_DATABASE(t_, GetParam());
    ASSERT_OK(Write([](Tx& tx) {
      return accounts::Insert(tx, AccountRow{kAccount, "a", "a", AccountState::kActive, false, 1,
                                             1, std::nullopt, std::nullopt});
    }));
  }
  absl::Status Write(const std::function<absl::Status(Tx&)>& fn) {
    return t_->db().Transact(TxMode::kWrite, fn);
  }
  static CodeRow Code(const std::string& hash, const std::string& client,
                      const std::string& session, const std::string& user = "U1") {
    CodeRow c;
    c.code_hash = hash;
    c.account_id = kAccount;
    c.client_id = client;
    c.user_id = user;
    c.session_id = session;
    c.redirect_uri = "https://app.example/cb?x=\"'<>";
    c.scope = "openid profile";
    c.nonce = "n-0S6_WzA2Mj 你好";
    c.code_challenge = std::string(43, 'c');
    c.auth_time = 5;
    c.amr = "pwd,otp";
    c.acr = "mfa";
    c.created_at = 10;
    c.expires_at = 70;
    return c;
  }
  static SessionRow Session(const std::string& id, int64_t expires_at) {
    SessionRow s;
    s.id = id;
    s.account_id = kAccount;
    s.user_id = "U1";
    s.client_type = "web";
    s.auth_time = s.created_at = s.last_seen_at = 1;
    s.idle_expires_at = s.expires_at = expires_at;
    return s;
  }

  std::unique_ptr<testing::TestDatabase> t_;
};

TEST_P(SsoStoreTest, ACodeIsExchangedOnceUnderRacesAndRemembersWhatItIssued) {
  ASSERT_OK(Write([](Tx& tx) { return sso::InsertCode(tx, Code("C1", "app", "S1")); }));
  std::atomic<int> won{0};
  std::vector<std::thread> racers;
  for (int i = 0; i < 8; ++i) {
    racers.emplace_back([&, i] {
      absl::Status s = Write([&](Tx& tx) -> absl::Status {
        ASSIGN_OR_RETURN(int64_t used,
                         sso::UseCode(tx, "C1", 20, "jti-" + std::to_string(i), "fam"));
        if (used == 1) won.fetch_add(1);
        return absl::OkStatus();
      });
      EXPECT_OK(s);
    });
  }
  for (auto& t : racers) t.join();
  EXPECT_EQ(won.load(), 1);
  ASSERT_OK(Write([](Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto code, sso::GetCode(tx, "C1"));
    EXPECT_TRUE(code.has_value());
    EXPECT_EQ(code->used_at, 20);
    EXPECT_TRUE(code->access_jti.has_value() && code->access_jti->rfind("jti-", 0) == 0);
    EXPECT_EQ(code->refresh_family, "fam");
    // Stored verbatim.
    EXPECT_EQ(code->redirect_uri, "https://app.example/cb?x=\"'<>");
    EXPECT_EQ(code->nonce, "n-0S6_WzA2Mj 你好");
    EXPECT_EQ(code->amr, "pwd,otp");
    ASSIGN_OR_RETURN(auto none, sso::GetCode(tx, "C2"));
    EXPECT_FALSE(none.has_value());
    return absl::OkStatus();
  }));
  EXPECT_CODE(Write([](Tx& tx) { return sso::InsertCode(tx, Code("C1", "app", "S1")); }),
              absl::StatusCode::kAlreadyExists);
}

TEST_P(SsoStoreTest, ALoginRequestFinishesOnce) {
  AuthRequestRow r{"R1", kAccount, "app", "B1", R"({"state":"s"})", 1, 100, std::nullopt};
  ASSERT_OK(Write([&](Tx& tx) { return sso::InsertAuthRequest(tx, r); }));
  std::atomic<int> won{0};
  std::vector<std::thread> racers;
  for (int i = 0; i < 6; ++i) {
    racers.emplace_back([&] {
      EXPECT_OK(Write([&](Tx& tx) -> absl::Status {
        ASSIGN_OR_RETURN(int64_t n, sso::FinishAuthRequest(tx, "R1", 50));
        won.fetch_add(static_cast<int>(n));
        return absl::OkStatus();
      }));
    });
  }
  for (auto& t : racers) t.join();
  EXPECT_EQ(won.load(), 1);
  ASSERT_OK(Write([](Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto got, sso::GetAuthRequest(tx, "R1"));
    EXPECT_TRUE(got.has_value());
    EXPECT_EQ(got->params, R"({"state":"s"})");
    EXPECT_EQ(got->browser_hash, "B1");
    EXPECT_EQ(got->finished_at, 50);
    return absl::OkStatus();
  }));
}

TEST_P(SsoStoreTest, SignOnsEndWithTheirSessionsAndEndedThingsArePurged) {
  ASSERT_OK(Write([](Tx& tx) -> absl::Status {
    RETURN_IF_ERROR(sessions::Insert(tx, Session("S-live", 1000)));
    RETURN_IF_ERROR(sessions::Insert(tx, Session("S-old", 100)));
    RETURN_IF_ERROR(sessions::Insert(tx, Session("S-revoked", 1000)));
    RETURN_IF_ERROR(sessions::Revoke(tx, "S-revoked", 50, "logout").status());
    for (const char* s : {"S-live", "S-old", "S-revoked"}) {
      RETURN_IF_ERROR(sso::InsertSso(tx, SsoRow{std::string("H-") + s, s, kAccount, 1}));
    }
    RETURN_IF_ERROR(sso::InsertAuthRequest(
        tx, {"R-old", kAccount, "app", "B", "{}", 1, 100, std::nullopt}));
    RETURN_IF_ERROR(sso::InsertAuthRequest(
        tx, {"R-new", kAccount, "app", "B", "{}", 1, 1000, std::nullopt}));
    CodeRow unused = Code("C-unused", "app", "S-live");
    RETURN_IF_ERROR(sso::InsertCode(tx, unused));
    RETURN_IF_ERROR(sso::InsertCode(tx, Code("C-used", "app", "S-live")));
    return sso::UseCode(tx, "C-used", 60, "j", "").status();
  }));
  ASSERT_OK(Write([](Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(int64_t purged, sso::PurgeEnded(tx, 200));
    // R-old, C-unused (expired at 70), the sign-ons of S-old and S-revoked.
    EXPECT_EQ(purged, 4);
    for (const char* gone : {"H-S-old", "H-S-revoked"}) {
      ASSIGN_OR_RETURN(auto row, sso::GetSso(tx, gone));
      EXPECT_FALSE(row.has_value()) << gone;
    }
    ASSIGN_OR_RETURN(auto live, sso::GetSso(tx, "H-S-live"));
    EXPECT_TRUE(live.has_value() && live->session_id == "S-live");
    ASSIGN_OR_RETURN(auto used, sso::GetCode(tx, "C-used"));
    EXPECT_TRUE(used.has_value()) << "a used code is kept to catch its replay";
    ASSIGN_OR_RETURN(auto fresh, sso::GetAuthRequest(tx, "R-new"));
    EXPECT_TRUE(fresh.has_value());
    // A day after its use, the used code goes too.
    ASSIGN_OR_RETURN(purged, sso::PurgeEnded(tx, 60 + 86400 * 1000));
    ASSIGN_OR_RETURN(used, sso::GetCode(tx, "C-used"));
    EXPECT_FALSE(used.has_value());
    RETURN_IF_ERROR(sso::DeleteSsoOfSession(tx, "S-live"));
    ASSIGN_OR_RETURN(live, sso::GetSso(tx, "H-S-live"));
    EXPECT_FALSE(live.has_value());
    return absl::OkStatus();
  }));
}

TEST_P(SsoStoreTest, ConsentsReplaceEachOtherAndDeletionsAreScoped) {
  ASSERT_OK(Write([](Tx& tx) -> absl::Status {
    RETURN_IF_ERROR(sso::PutConsent(tx, kAccount, "U1", "app", "openid", 1));
    RETURN_IF_ERROR(sso::PutConsent(tx, kAccount, "U1", "app", "openid email", 2));
    RETURN_IF_ERROR(sso::PutConsent(tx, kAccount, "U1", "other", "openid", 2));
    RETURN_IF_ERROR(sso::InsertCode(tx, Code("C-app", "app", "S1")));
    RETURN_IF_ERROR(sso::InsertCode(tx, Code("C-other", "other", "S1")));
    RETURN_IF_ERROR(sso::InsertCode(tx, Code("C-u2", "other", "S2", "U2")));
    RETURN_IF_ERROR(clients::InsertRefresh(
        tx, OAuthRefreshRow{"RT", "F", kAccount, "third", "U1", "S1", "openid", "iam", 1, 100,
                            std::nullopt, std::nullopt}));
    ASSIGN_OR_RETURN(auto consent, sso::GetConsent(tx, kAccount, "U1", "app"));
    EXPECT_EQ(consent, "openid email");
    ASSIGN_OR_RETURN(auto clients, sso::ClientsOfSession(tx, "S1"));
    EXPECT_EQ(clients, (std::vector<std::string>{"app", "other", "third"}));

    RETURN_IF_ERROR(sso::DeleteOfClient(tx, kAccount, "app"));
    ASSIGN_OR_RETURN(consent, sso::GetConsent(tx, kAccount, "U1", "app"));
    EXPECT_FALSE(consent.has_value());
    ASSIGN_OR_RETURN(auto code, sso::GetCode(tx, "C-app"));
    EXPECT_FALSE(code.has_value());
    ASSIGN_OR_RETURN(code, sso::GetCode(tx, "C-other"));
    EXPECT_TRUE(code.has_value());

    RETURN_IF_ERROR(sso::DeleteOfUser(tx, "U1"));
    ASSIGN_OR_RETURN(code, sso::GetCode(tx, "C-other"));
    EXPECT_FALSE(code.has_value());
    ASSIGN_OR_RETURN(code, sso::GetCode(tx, "C-u2"));
    EXPECT_TRUE(code.has_value());
    ASSIGN_OR_RETURN(consent, sso::GetConsent(tx, kAccount, "U1", "other"));
    EXPECT_FALSE(consent.has_value());

    RETURN_IF_ERROR(sso::DeleteAllOfAccount(tx, kAccount));
    ASSIGN_OR_RETURN(code, sso::GetCode(tx, "C-u2"));
    EXPECT_FALSE(code.has_value());
    return absl::OkStatus();
  }));
}

TEST_P(SsoStoreTest, ALogoutDeliveryIsQueuedOnceAndTakenByOneReplicaAtATime) {
  LogoutDeliveryRow d{"D1", kAccount, "app", "S1", "U1", "https://app.example/bc", 10, 0, 10,
                      std::nullopt, std::nullopt, std::nullopt, ""};
  ASSERT_OK(Write([&](Tx& tx) -> absl::Status {
    RETURN_IF_ERROR(sessions::Insert(tx, Session("S1", 1000)));
    RETURN_IF_ERROR(sessions::Insert(tx, Session("S2", 1000)));
    RETURN_IF_ERROR(sessions::Revoke(tx, "S1", 40, "logout").status());
    RETURN_IF_ERROR(sessions::Revoke(tx, "S2", 60, "evicted").status());
    return logout::Enqueue(tx, d);
  }));
  LogoutDeliveryRow again = d;
  again.id = "D2";  // another replica's scan of the same session
  EXPECT_CODE(Write([&](Tx& tx) { return logout::Enqueue(tx, again); }),
              absl::StatusCode::kAlreadyExists);
  ASSERT_OK(Write([](Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto ended, logout::EndedBetween(tx, 40, 59, 10));
    EXPECT_EQ(ended.size(), 1u);
    EXPECT_EQ(ended[0].id, "S1");
    EXPECT_EQ(ended[0].revoked_at, 40);
    ASSIGN_OR_RETURN(auto due, logout::Due(tx, 9, 10));
    EXPECT_TRUE(due.empty()) << "not due yet";
    ASSIGN_OR_RETURN(due, logout::Due(tx, 10, 10));
    EXPECT_EQ(due.size(), 1u);
    return absl::OkStatus();
  }));
  std::atomic<int> taken{0};
  std::vector<std::thread> replicas;
  for (int i = 0; i < 6; ++i) {
    replicas.emplace_back([&] {
      EXPECT_OK(Write([&](Tx& tx) -> absl::Status {
        ASSIGN_OR_RETURN(int64_t n, logout::Lease(tx, "D1", 20, 50));
        taken.fetch_add(static_cast<int>(n));
        return absl::OkStatus();
      }));
    });
  }
  for (auto& t : replicas) t.join();
  EXPECT_EQ(taken.load(), 1);
  ASSERT_OK(Write([](Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto due, logout::Due(tx, 30, 10));
    EXPECT_TRUE(due.empty()) << "leased";
    ASSIGN_OR_RETURN(auto counts, logout::Count(tx));
    EXPECT_EQ(counts.pending, 1);
    // The holder failed to deliver: retried later, by whoever is free.
    RETURN_IF_ERROR(logout::MarkRetry(tx, "D1", 1, 100, "the client answered 500"));
    ASSIGN_OR_RETURN(due, logout::Due(tx, 99, 10));
    EXPECT_TRUE(due.empty());
    ASSIGN_OR_RETURN(due, logout::Due(tx, 100, 10));
    EXPECT_EQ(due.size(), 1u);
    EXPECT_EQ(due[0].attempts, 1);
    EXPECT_EQ(due[0].last_error, "the client answered 500");
    RETURN_IF_ERROR(logout::MarkFailed(tx, "D1", 7, 200, "gave up"));
    ASSIGN_OR_RETURN(due, logout::Due(tx, 1000, 10));
    EXPECT_TRUE(due.empty()) << "given up";
    ASSIGN_OR_RETURN(int64_t relet, logout::Lease(tx, "D1", 1000, 2000));
    EXPECT_EQ(relet, 0);
    ASSIGN_OR_RETURN(counts, logout::Count(tx));
    EXPECT_EQ(counts.pending, 0);
    EXPECT_EQ(counts.failed, 1);
    ASSIGN_OR_RETURN(auto listed, logout::ListOfClient(tx, kAccount, "app", 10));
    EXPECT_EQ(listed.size(), 1u);
    ASSIGN_OR_RETURN(int64_t purged, logout::PurgeFinished(tx, 200));
    EXPECT_EQ(purged, 0);
    ASSIGN_OR_RETURN(purged, logout::PurgeFinished(tx, 201));
    EXPECT_EQ(purged, 1);
    return absl::OkStatus();
  }));
}

INSTANTIATE_TEST_SUITE_P(Backends, SsoStoreTest,
                         ::testing::Values(Backend::kSqlite, Backend::kMysql),
                         testing::BackendParamName());

}  // namespace
}  // namespace iam::store
