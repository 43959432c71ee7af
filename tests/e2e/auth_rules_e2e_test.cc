// The finer login-protection, session and key rules end to end, on both
// stores with a FakeClock: one counter per user whatever name is typed, no
// password work while locked or throttled, the lockout windows and
// strategies, device throttling, a spraying source stopped early, sign-out
// everywhere on a password change, admins' reach over sessions, and
// scheduled key rotation with keys sealed at rest.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "iam/auth/challenge.h"
#include "iam/common/crypto.h"
#include "tests/e2e/auth_fixture.h"

namespace iam::e2e {
namespace {

using store::Backend;

class AuthRulesTest : public AuthFixture {
 protected:
  // A counter from the HTTP listener's /metrics.
  int64_t Metric(const std::string& name) {
    httplib::Client http("127.0.0.1", server_->server().http_port());
    auto res = http.Get("/metrics");
    if (!res || res->status != 200) {
      ADD_FAILURE() << "no /metrics";
      return -1;
    }
    for (absl::string_view line : absl::StrSplit(res->body, '\n')) {
      if (!absl::ConsumePrefix(&line, name + " ")) continue;
      int64_t v = 0;
      if (absl::SimpleAtoi(line, &v)) return v;
    }
    ADD_FAILURE() << name << " is not in /metrics";
    return -1;
  }

  // Restarts the server with the service-wide throttle at its defaults.
  void RestartWithDefaultThrottle() {
    server_.reset();
    config_.throttle_slow_after = Config{}.throttle_slow_after;
    config_.throttle_block_after = Config{}.throttle_block_after;
    Start();
  }

  // Locked subjects of acme as its admin sees them; with the sources
  // (service-wide) as the operator sees them.
  std::vector<v1::LoginBlock> Blocks(bool include_sources) {
    v1::ListLoginBlocksRequest r;
    r.set_include_sources(include_sources);
    v1::ListLoginBlocksResponse out;
    EXPECT_RPC_OK(server_->Call(include_sources ? root_ : alice_,
                                &AdminService::Stub::ListLoginBlocks, r, &out));
    return {out.blocks().begin(), out.blocks().end()};
  }

  void UnblockSource(const std::string& ip) {
    v1::ClearLoginBlockRequest r;
    r.set_kind("ip");
    r.set_subject(ip);
    v1::ClearLoginBlockResponse out;
    EXPECT_RPC_OK(server_->Call(root_, &AdminService::Stub::ClearLoginBlock, r, &out));
  }

  static std::string Kid(const std::string& jwt) {
    auto header = crypto::FromBase64Url(jwt.substr(0, jwt.find('.')));
    if (!header.ok()) return "";
    return nlohmann::json::parse(*header).value("kid", "");
  }
};

TEST_P(AuthRulesTest, UsernameEmailAndCaseCountAsOneSubject) {
  SetPolicy("lockout", Lockout(3));
  EXPECT_EQ(Login("bob", "wrong-1").status(), v1::LOGIN_STATUS_FAILED);
  EXPECT_EQ(Login("bob@example.com", "wrong-2").status(), v1::LOGIN_STATUS_FAILED);
  EXPECT_EQ(Login("BOB", "wrong-3").status(), v1::LOGIN_STATUS_FAILED);
  // Three failures under three spellings are three failures of bob.
  EXPECT_EQ(Login("bob", kBobPassword).status(), v1::LOGIN_STATUS_LOCKED);
  EXPECT_EQ(Login("Bob@Example.com", kBobPassword).status(), v1::LOGIN_STATUS_LOCKED);
  auto locks = Audit("sts:LockUser");
  ASSERT_EQ(locks.size(), 1u);
  EXPECT_EQ(locks[0]["failures"], 3);
}

TEST_P(AuthRulesTest, LockedOrThrottledAttemptsCostNoPasswordWork) {
  SetPolicy("lockout", Lockout(2));
  const int64_t before_any = Metric("iam_password_hashes_total");
  Login("bob", "wrong-1");
  Login("bob", "wrong-2");
  const int64_t at_lock = Metric("iam_password_hashes_total");
  EXPECT_EQ(at_lock - before_any, 2) << "each counted failure checks one password";
  EXPECT_EQ(Metric("iam_password_hash_seconds_count"), at_lock) << "each hash is timed";
  // Locked: the right and a wrong password get the same answer, and neither
  // is checked.
  v1::LoginResponse right = Login("bob", kBobPassword);
  v1::LoginResponse wrong = Login("bob", "wrong-3");
  v1::LoginResponse by_mail = Login("bob@example.com", kBobPassword);
  for (const auto* r : {&right, &wrong, &by_mail}) {
    EXPECT_EQ(r->status(), v1::LOGIN_STATUS_LOCKED);
    EXPECT_EQ(r->message(), right.message());
    EXPECT_EQ(r->retry_after_ms(), right.retry_after_ms());
    EXPECT_FALSE(r->has_tokens());
  }
  EXPECT_EQ(Metric("iam_password_hashes_total"), at_lock);
  auto attempts = Audit("sts:Login");
  ASSERT_EQ(attempts.size(), 5u);
  for (size_t i = 2; i < 5; ++i) EXPECT_EQ(attempts[i]["reason"], "locked");
  // A locked attempt does not extend the lock either.
  clock_.Advance(absl::Seconds(61));
  EXPECT_EQ(Login("bob", kBobPassword).status(), v1::LOGIN_STATUS_SUCCESS);

  // A blocked source: no password work at all.
  server_.reset();
  config_.throttle_slow_after = 3;
  config_.throttle_block_after = 4;
  Start();
  SetPolicy("lockout", Lockout(100));
  for (int i = 0; i < 4; ++i) {
    clock_.Advance(absl::Seconds(3));
    Login("ghost" + std::to_string(i), "guess", "203.0.113.50");
  }
  const int64_t blocked_at = Metric("iam_password_hashes_total");
  EXPECT_EQ(Login("bob", kBobPassword, "203.0.113.50").status(), v1::LOGIN_STATUS_THROTTLED);
  EXPECT_EQ(Metric("iam_password_hashes_total"), blocked_at);
  EXPECT_EQ(Metric("iam_password_hash_refused_total"), 0);
}

TEST_P(AuthRulesTest, ResetWindowLinearWaitsAndTheirMaximum) {
  nlohmann::json p = Lockout(3);
  p["failure_reset_seconds"] = 600;
  p["strategy"] = "linear";
  p["max_wait_seconds"] = 150;
  SetPolicy("lockout", p);
  // Failures older than the reset window are forgotten.
  Login("bob", "wrong");
  Login("bob", "wrong");
  clock_.Advance(absl::Minutes(11));
  Login("bob", "wrong");
  Login("bob", "wrong");
  EXPECT_EQ(Login("bob", kBobPassword).status(), v1::LOGIN_STATUS_SUCCESS)
      << "two old and two fresh failures are not three within the window";

  // Linear waits: 60 s, 120 s, then 180 s capped at the maximum of 150 s.
  std::vector<int64_t> waits;
  for (int lock = 0; lock < 3; ++lock) {
    for (int i = 0; i < 3; ++i) Login("bob", "wrong");
    v1::LoginResponse r = Login("bob", kBobPassword);
    EXPECT_EQ(r.status(), v1::LOGIN_STATUS_LOCKED);
    waits.push_back(r.retry_after_ms());
    clock_.Advance(absl::Milliseconds(r.retry_after_ms()) - absl::Seconds(1));
    EXPECT_EQ(Login("bob", kBobPassword).status(), v1::LOGIN_STATUS_LOCKED)
        << "one second before the end of lock " << lock;
    clock_.Advance(absl::Seconds(2));
  }
  EXPECT_EQ(waits, (std::vector<int64_t>{60000, 120000, 150000}));
  EXPECT_EQ(Login("bob", kBobPassword).status(), v1::LOGIN_STATUS_SUCCESS);

  // Quick succession: two failures within a second lock briefly, far below
  // the threshold.
  p = Lockout(50);
  p["quick_login_check_ms"] = 1000;
  p["min_quick_login_wait_seconds"] = 30;
  SetPolicy("lockout", p);
  Login("bob", "wrong");
  clock_.Advance(absl::Milliseconds(400));
  Login("bob", "wrong");
  v1::LoginResponse quick = Login("bob", kBobPassword);
  EXPECT_EQ(quick.status(), v1::LOGIN_STATUS_LOCKED);
  EXPECT_LE(quick.retry_after_ms(), 30000);
  EXPECT_GT(quick.retry_after_ms(), 25000);
  clock_.Advance(absl::Seconds(31));
  EXPECT_EQ(Login("bob", kBobPassword).status(), v1::LOGIN_STATUS_SUCCESS);
}

TEST_P(AuthRulesTest, AFailingSourceIsSlowedThenBlockedForTheConfiguredTime) {
  server_.reset();
  config_.throttle_slow_after = 10;
  config_.throttle_slow_delay_ms = 2000;
  config_.throttle_block_after = 25;
  config_.throttle_block_seconds = 600;
  Start();
  SetPolicy("lockout", Lockout(1000));
  const std::string source = "192.0.2.44";
  auto attempt = [&](int i) {
    return Login("nobody" + std::to_string(i), "guess", source, "web", "", "");
  };
  for (int i = 0; i < 10; ++i) {
    clock_.Advance(absl::Milliseconds(100));
    ASSERT_EQ(attempt(i).status(), v1::LOGIN_STATUS_FAILED) << "failure " << i << " is not slowed";
  }
  // Slowed: one attempt per two seconds; one too soon is refused uncounted.
  v1::LoginResponse soon = attempt(10);
  EXPECT_EQ(soon.status(), v1::LOGIN_STATUS_THROTTLED);
  EXPECT_GT(soon.retry_after_ms(), 0);
  EXPECT_LE(soon.retry_after_ms(), 2000);
  clock_.Advance(absl::Milliseconds(soon.retry_after_ms()));
  EXPECT_EQ(attempt(11).status(), v1::LOGIN_STATUS_FAILED);
  for (int i = 12; i < 26; ++i) {
    clock_.Advance(absl::Seconds(2));
    EXPECT_EQ(attempt(i).status(), v1::LOGIN_STATUS_FAILED) << "counted failure " << i - 1;
  }
  // The 25th counted failure blocks for the configured ten minutes.
  clock_.Advance(absl::Seconds(2));
  v1::LoginResponse blocked = Login("bob", kBobPassword, source);
  EXPECT_EQ(blocked.status(), v1::LOGIN_STATUS_THROTTLED);
  EXPECT_GT(blocked.retry_after_ms(), 590 * 1000);
  EXPECT_LE(blocked.retry_after_ms(), 600 * 1000);
  clock_.Advance(absl::Milliseconds(blocked.retry_after_ms()) - absl::Seconds(1));
  EXPECT_EQ(Login("bob", kBobPassword, source).status(), v1::LOGIN_STATUS_THROTTLED);
  clock_.Advance(absl::Seconds(2));
  EXPECT_EQ(Login("bob", kBobPassword, source).status(), v1::LOGIN_STATUS_SUCCESS);
}

TEST_P(AuthRulesTest, ADeviceFailingFromManyAddressesIsThrottledUntilCleared) {
  RestartWithDefaultThrottle();
  SetPolicy("lockout", Lockout(1000));
  const Config defaults;
  // One device, a new address each time: only the device ties them.
  int throttled_at = -1;
  for (int i = 0; i < 40 && throttled_at < 0; ++i) {
    clock_.Advance(absl::Seconds(3));
    auto r = Login("name" + std::to_string(i), "guess", "198.18.0." + std::to_string(i + 1), "web",
                   "", "stolen-laptop");
    if (r.status() == v1::LOGIN_STATUS_THROTTLED) throttled_at = i;
  }
  EXPECT_EQ(throttled_at, defaults.throttle_block_after);
  // The right password from a fresh address on that device: still refused.
  EXPECT_EQ(Login("bob", kBobPassword, "198.18.1.1", "web", "", "stolen-laptop").status(),
            v1::LOGIN_STATUS_THROTTLED);
  EXPECT_EQ(Audit("sts:Login").back()["reason"], "device throttled");
  // Another device from the same kind of address is fine.
  EXPECT_EQ(Login("bob", kBobPassword, "198.18.1.2", "web", "", "bobs-phone").status(),
            v1::LOGIN_STATUS_SUCCESS);

  bool listed = false;
  for (const auto& b : Blocks(true)) listed |= b.kind() == "device" && b.subject() == "stolen-laptop";
  EXPECT_TRUE(listed);
  v1::ClearLoginBlockRequest cl;
  cl.set_kind("device");
  cl.set_subject("stolen-laptop");
  v1::ClearLoginBlockResponse clr;
  EXPECT_RPC(server_->Call(alice_, &AdminService::Stub::ClearLoginBlock, cl, &clr),
             grpc::StatusCode::PERMISSION_DENIED);  // sources are service-wide: operators only
  ASSERT_RPC_OK(server_->Call(root_, &AdminService::Stub::ClearLoginBlock, cl, &clr));
  EXPECT_EQ(Login("bob", kBobPassword, "198.18.1.1", "web", "", "stolen-laptop").status(),
            v1::LOGIN_STATUS_SUCCESS);
}

TEST_P(AuthRulesTest, ASprayingSourceIsStoppedBeforeItLocksManyAccounts) {
  RestartWithDefaultThrottle();
  // The account's default lockout (5 failures, a human challenge after 3)
  // and the service's default throttle (slowed after 10, blocked after 25).
  nlohmann::json p = GetPolicy("lockout");
  ASSERT_EQ(p["max_failures"], 5);
  ASSERT_EQ(p["challenge_after_failures"], 3);
  for (int i = 0; i < 40; ++i) CreateUser("staff" + std::to_string(i));
  const std::string attacker = "203.0.113.77";
  // The attacker's best play: exactly enough guesses to lock each name in
  // turn, spaced to pass the slow-down.
  auto spray = [&](bool solve_challenges, int first) {
    std::map<v1::LoginStatus, int> answers;
    for (int u = first; u < first + 20; ++u) {
      for (int g = 0; g < 5; ++g) {
        clock_.Advance(absl::Seconds(3));
        const std::string proof =
            solve_challenges ? auth::HmacChallengeVerifier::Mint(
                                   testing::kTestChallengeSecret,
                                   absl::ToUnixSeconds(clock_.Now()) + 60, attacker)
                             : "";
        ++answers[Login("staff" + std::to_string(u), "guess-" + std::to_string(g), attacker, "web",
                        proof, "")
                      .status()];
      }
    }
    return answers;
  };
  auto locked_users = [&] {
    int n = 0;
    for (const auto& b : Blocks(false)) n += b.kind() == "user";
    return n;
  };
  // Without a human: three guesses a name, and ten in all (the source's
  // slow-down threshold); then every answer from that source asks for one,
  // and the operators' list shows the source as slowed.
  auto answers = spray(false, 0);
  EXPECT_EQ(answers[v1::LOGIN_STATUS_FAILED], Config{}.throttle_slow_after);
  EXPECT_EQ(answers[v1::LOGIN_STATUS_CHALLENGE_REQUIRED], 100 - Config{}.throttle_slow_after);
  EXPECT_EQ(locked_users(), 0);
  bool listed = false;
  for (const auto& b : Blocks(true)) {
    listed |= b.kind() == "ip" && b.subject() == attacker && b.restriction() == "slowed";
  }
  EXPECT_TRUE(listed) << "a slowed and challenged source must be in the operators' list";

  // With every challenge solved (a farm of humans), the source is blocked
  // after 25 counted failures in its window: five names at most.
  UnblockSource(attacker);
  answers = spray(true, 20);
  const int counted = answers[v1::LOGIN_STATUS_FAILED];
  EXPECT_EQ(counted, Config{}.throttle_block_after);
  EXPECT_EQ(answers[v1::LOGIN_STATUS_THROTTLED], 100 - counted);
  EXPECT_LE(locked_users(), Config{}.throttle_block_after / 5);
  // The others, and bob, log in from elsewhere as usual.
  EXPECT_EQ(Login("staff19", "guess-0", "198.51.100.20").status(), v1::LOGIN_STATUS_FAILED);
  EXPECT_EQ(Login("bob", kBobPassword, "198.51.100.21").status(), v1::LOGIN_STATUS_SUCCESS);
}

// A company's NAT: failures from one address, below the service-wide
// slow-down threshold, challenge the names that failed and nobody else,
// in no other account.
TEST_P(AuthRulesTest, OneAddressFailingDoesNotChallengeOtherUsersOrTenants) {
  RestartWithDefaultThrottle();
  const std::string nat = "198.51.100.99";
  for (const char* account : {"globex", "acme"}) {
    for (int i = 0; i < 3; ++i) {
      v1::LoginRequest r;
      r.set_account(account);
      r.set_username("nobody-" + std::to_string(i));
      r.set_password("wrong-password");
      r.set_client_ip(nat);
      v1::LoginResponse resp;
      ASSERT_RPC_OK(server_->CallAuth("", &AuthService::Stub::Login, r, &resp));
      EXPECT_EQ(resp.status(), v1::LOGIN_STATUS_FAILED);
      clock_.Advance(absl::Seconds(3));
    }
  }
  EXPECT_EQ(Login("bob", kBobPassword, nat).status(), v1::LOGIN_STATUS_SUCCESS);
}

// The challenge turned off: none is asked for; the lockout still protects
// the account.
TEST_P(AuthRulesTest, WithTheChallengeOffNoneIsAsked) {
  server_.reset();
  config_.challenge_kind = "off";
  Start();
  for (int i = 0; i < 3; ++i) {
    clock_.Advance(absl::Seconds(3));  // past the quick-succession check
    EXPECT_EQ(Login("bob", "wrong-" + std::to_string(i)).status(), v1::LOGIN_STATUS_FAILED);
  }
  clock_.Advance(absl::Seconds(3));
  EXPECT_EQ(Login("bob", kBobPassword).status(), v1::LOGIN_STATUS_SUCCESS);
  for (int i = 0; i < 5; ++i) {
    clock_.Advance(absl::Seconds(3));
    Login("bob", "wrong-again-" + std::to_string(i));
  }
  EXPECT_EQ(Login("bob", kBobPassword).status(), v1::LOGIN_STATUS_LOCKED);
}

// Another tenant's admin naming a real session of acme, or a made-up one,
// gets the same answer: the message is no existence oracle.
TEST_P(AuthRulesTest, RevokingAnotherAccountsSessionReadsLikeAMadeUpId) {
  const v1::LoginResponse bob = Login("bob", kBobPassword);
  ASSERT_EQ(bob.status(), v1::LOGIN_STATUS_SUCCESS);
  auto revoke = [&](const std::string& account, const std::string& id) {
    v1::RevokeSessionRequest r;
    r.set_account_id(account);
    r.set_session_id(id);
    v1::RevokeSessionResponse out;
    return server_->CallAuth(gina_, &AuthService::Stub::RevokeSession, r, &out);
  };
  for (const std::string& account : {acme_, std::string()}) {
    const grpc::Status real = revoke(account, bob.tokens().session_id());
    const grpc::Status made_up = revoke(account, "s-made-up-0000000000");
    EXPECT_EQ(real.error_code(), grpc::StatusCode::NOT_FOUND);
    EXPECT_EQ(real.error_code(), made_up.error_code());
    EXPECT_EQ(real.error_message(), made_up.error_message());
  }
  EXPECT_TRUE(Verify(bob.tokens().access_token()).valid()) << "bob's session must be untouched";
}

TEST_P(AuthRulesTest, APasswordChangeEndsEveryOtherSessionWhenThePolicySaysSo) {
  EXPECT_EQ(GetPolicy("session")["revoke_on_password_change"], true);
  v1::LoginResponse web = Login("bob", kBobPassword);
  v1::LoginResponse phone = Login("bob", kBobPassword, "", "mobile");
  v1::ChangePasswordRequest cp;
  cp.set_old_password(kBobPassword);
  cp.set_new_password("new-harbour-lantern-1");
  v1::ChangePasswordResponse cpr;
  ASSERT_RPC_OK(server_->CallAuth(web.tokens().access_token(), &AuthService::Stub::ChangePassword,
                                  cp, &cpr));
  clock_.Advance(absl::Seconds(2));
  EXPECT_EQ(Verify(phone.tokens().access_token()).session_state(), "revoked");
  EXPECT_TRUE(Verify(web.tokens().access_token()).valid()) << "the session that changed it stays";
  v1::RefreshRequest rr;
  rr.set_refresh_token(phone.tokens().refresh_token());
  v1::TokenResponse t;
  EXPECT_RPC(server_->CallAuth("", &AuthService::Stub::Refresh, rr, &t),
             grpc::StatusCode::UNAUTHENTICATED);
  auto changes = Audit("iam:ChangePassword");
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0]["sessions_revoked"], nlohmann::json::array({phone.tokens().session_id()}));

  // An admin reset ends them all, the user's current one included.
  ASSERT_RPC_OK(SetPassword("bob", "admin-chosen-pass-2", true));
  clock_.Advance(absl::Seconds(2));
  EXPECT_EQ(Verify(web.tokens().access_token()).session_state(), "revoked");

  // Turned off, a change leaves the other sessions alone.
  nlohmann::json sp = GetPolicy("session");
  sp["revoke_on_password_change"] = false;
  SetPolicy("session", sp);
  v1::LoginResponse a = Login("bob", "admin-chosen-pass-2");
  v1::LoginResponse b = Login("bob", "admin-chosen-pass-2", "", "mobile");
  cp.set_old_password("admin-chosen-pass-2");
  cp.set_new_password("third-harbour-lantern");
  ASSERT_RPC_OK(
      server_->CallAuth(a.tokens().access_token(), &AuthService::Stub::ChangePassword, cp, &cpr));
  clock_.Advance(absl::Seconds(2));
  EXPECT_TRUE(Verify(b.tokens().access_token()).valid());
}

TEST_P(AuthRulesTest, AdminsSeeAndEndAnySessionUsersOnlyTheirOwn) {
  CreateUser("carol");
  ASSERT_RPC_OK(SetPassword("carol", "violet-meadow-lantern", true));
  v1::LoginResponse bob = Login("bob", kBobPassword);
  v1::LoginResponse carol = Login("carol", "violet-meadow-lantern");
  ASSERT_EQ(carol.status(), v1::LOGIN_STATUS_SUCCESS);

  v1::ListSessionsRequest lr;
  lr.set_username("carol");
  v1::ListSessionsResponse out;
  EXPECT_RPC(server_->CallAuth(bob.tokens().access_token(), &AuthService::Stub::ListSessions, lr,
                               &out),
             grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_RPC_OK(server_->CallAuth(alice_, &AuthService::Stub::ListSessions, lr, &out));
  ASSERT_EQ(out.sessions_size(), 1);
  EXPECT_EQ(out.sessions(0).id(), carol.tokens().session_id());
  lr.clear_username();
  ASSERT_RPC_OK(server_->CallAuth(bob.tokens().access_token(), &AuthService::Stub::ListSessions,
                                  lr, &out));
  ASSERT_EQ(out.sessions_size(), 1) << "a user's own list holds only their own sessions";
  EXPECT_EQ(out.sessions(0).id(), bob.tokens().session_id());

  v1::RevokeSessionRequest rs;
  rs.set_session_id(carol.tokens().session_id());
  v1::RevokeSessionResponse rsr;
  grpc::Status s =
      server_->CallAuth(bob.tokens().access_token(), &AuthService::Stub::RevokeSession, rs, &rsr);
  EXPECT_FALSE(s.ok());
  clock_.Advance(absl::Seconds(2));
  EXPECT_TRUE(Verify(carol.tokens().access_token()).valid());
  ASSERT_RPC_OK(server_->CallAuth(alice_, &AuthService::Stub::RevokeSession, rs, &rsr));
  clock_.Advance(absl::Seconds(2));
  EXPECT_EQ(Verify(carol.tokens().access_token()).session_state(), "revoked");
  auto revoked = Audit("sts:RevokeSession");
  ASSERT_EQ(revoked.size(), 2u);
  EXPECT_EQ(revoked[0]["_result"], "denied");
  EXPECT_NE(revoked[0]["_actor"].get<std::string>().find("user/bob"), std::string::npos);
  EXPECT_EQ(revoked[1]["_result"], "success");
  EXPECT_NE(revoked[1]["_actor"].get<std::string>().find("user/alice"), std::string::npos);
}

TEST_P(AuthRulesTest, KeysRotateOnScheduleAuditedAndSealedAtRest) {
  server_.reset();
  config_.signing_key_rotation_days = 1;
  Start();
  const std::string system = server_->server().bootstrap().account_id;
  clock_.Advance(absl::Hours(24) - absl::Minutes(2));
  server_->server().RunMaintenance();
  EXPECT_EQ(Audit("sts:RotateSigningKey", system).size(), 0u) << "not due yet";
  v1::LoginResponse before = Login("bob", kBobPassword);
  clock_.Advance(absl::Minutes(3));
  server_->server().RunMaintenance();
  v1::LoginResponse after = Login("bob", kBobPassword);
  const std::string old_kid = Kid(before.tokens().access_token());
  const std::string new_kid = Kid(after.tokens().access_token());
  ASSERT_FALSE(old_kid.empty());
  EXPECT_NE(new_kid, old_kid);
  EXPECT_TRUE(Verify(before.tokens().access_token()).valid()) << "signed before the rotation";
  auto rotations = Audit("sts:RotateSigningKey", system);
  ASSERT_EQ(rotations.size(), 1u);
  EXPECT_EQ(rotations[0]["_actor"], "iamd");
  EXPECT_EQ(rotations[0]["reason"], "scheduled");
  EXPECT_EQ(rotations[0]["retired"], nlohmann::json::array({old_kid}));
  server_->server().RunMaintenance();
  EXPECT_EQ(Audit("sts:RotateSigningKey", system).size(), 1u) << "nothing due the second time";

  // On command, recorded with the operator.
  v1::RotateSigningKeyRequest rot;
  v1::RotateSigningKeyResponse rotated;
  ASSERT_RPC_OK(server_->Call(root_, &AdminService::Stub::RotateSigningKey, rot, &rotated));
  rotations = Audit("sts:RotateSigningKey", system);
  ASSERT_EQ(rotations.size(), 2u);
  EXPECT_EQ(rotations[1]["reason"], "on command");
  EXPECT_EQ(rotations[1]["retired"], nlohmann::json::array({new_kid}));
  EXPECT_NE(rotations[1]["_actor"], "iamd");

  // Private keys at rest are sealed: no PEM, no JWK private part.
  std::set<std::string> kids;
  ASSERT_OK(t_->db().Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    auto rows = tx.Query("SELECT kid, private_enc, public_jwk FROM signing_keys", {});
    if (!rows.ok()) return rows.status();
    for (const auto& r : *rows) {
      kids.insert(r.Str(0));
      const std::string sealed = r.Str(1);
      EXPECT_GT(sealed.size(), 32u);
      EXPECT_EQ(sealed.find("PRIVATE KEY"), std::string::npos);
      EXPECT_EQ(sealed.find("-----"), std::string::npos);
      EXPECT_FALSE(nlohmann::json::parse(r.Str(2)).contains("d"));
    }
    return absl::OkStatus();
  }));
  EXPECT_EQ(kids, (std::set<std::string>{old_kid, new_kid, rotated.kid()}));
}

TEST_P(AuthRulesTest, TheConfiguredBlocklistFileRefusesItsPasswords) {
  const std::string path = ::testing::TempDir() + "/acme-blocklist.txt";
  {
    std::ofstream f(path);
    f << "Acme-Harbour-2026\n";
  }
  server_.reset();
  config_.password_blocklist_file = path;
  Start();
  grpc::Status s = SetPassword("bob", "ACME-harbour-2026", true);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("common or breached"), std::string::npos) << s.error_message();
  EXPECT_EQ(s.error_message().find("ACME-harbour"), std::string::npos) << "never echoed";
  EXPECT_EQ(SetPassword("bob", "password1", true).error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << "the built-in list still applies";
  // Turned off by the account, the list no longer refuses.
  nlohmann::json p = GetPolicy("password");
  p["blocklist"] = false;
  SetPolicy("password", p);
  EXPECT_RPC_OK(SetPassword("bob", "ACME-harbour-2026", true));
  EXPECT_EQ(Login("bob", "ACME-harbour-2026").status(), v1::LOGIN_STATUS_SUCCESS);
}

TEST_P(AuthRulesTest, APasswordThatJoinsTheRiskListIsFlaggedAndMayHaveToChange) {
  // bob's password was fine when set; then the list grew.
  ASSERT_RPC_OK(SetPassword("bob", "Acme-Harbour-2026", true));
  const std::string path = ::testing::TempDir() + "/grown-blocklist.txt";
  {
    std::ofstream f(path);
    f << "acme-harbour-2026\n";
  }
  server_.reset();
  config_.password_blocklist_file = path;
  Start();
  auto user = [&](const std::string& name) {
    v1::GetUserRequest r;
    r.set_username(name);
    v1::User u;
    EXPECT_RPC_OK(server_->Call(alice_, &AdminService::Stub::GetUser, r, &u));
    return u;
  };
  EXPECT_FALSE(user("bob").password_at_risk()) << "not known before a login sees it";
  // A wrong password says nothing, whatever the list holds.
  v1::LoginResponse wrong = Login("bob", "acme-harbour-2027");
  EXPECT_EQ(wrong.status(), v1::LOGIN_STATUS_FAILED);
  EXPECT_FALSE(wrong.password_at_risk());

  EXPECT_EQ(GetPolicy("password")["at_risk_action"], "warn");
  // Logins racing to find it first: every one is told, one records it.
  std::atomic<int> told{0};
  std::vector<std::thread> racing;
  for (int i = 0; i < 6; ++i) {
    racing.emplace_back([&] { told += Login("bob", "Acme-Harbour-2026").password_at_risk(); });
  }
  for (auto& t : racing) t.join();
  EXPECT_EQ(told, 6);
  v1::LoginResponse warned = Login("bob", "Acme-Harbour-2026");
  ASSERT_EQ(warned.status(), v1::LOGIN_STATUS_SUCCESS);
  EXPECT_TRUE(warned.password_at_risk());
  EXPECT_NE(warned.message().find("change it"), std::string::npos) << warned.message();
  EXPECT_TRUE(user("bob").password_at_risk());
  EXPECT_FALSE(user("alice").password_at_risk());
  v1::ListUsersRequest lu;
  v1::ListUsersResponse listed;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::ListUsers, lu, &listed));
  int flagged = 0;
  for (const auto& u : listed.users()) flagged += u.password_at_risk() ? 1 : 0;
  EXPECT_EQ(flagged, 1);
  EXPECT_TRUE(Login("bob", "Acme-Harbour-2026").password_at_risk());
  auto flags = Audit("iam:FlagPasswordAtRisk");
  ASSERT_EQ(flags.size(), 1u) << "flagged once, not at every login";
  EXPECT_EQ(flags[0]["_actor"], "iamd");
  EXPECT_EQ(flags[0]["username"], "bob");
  EXPECT_EQ(Audit("sts:Login").back()["password_at_risk"], true);

  // The account may require the change before anything else.
  nlohmann::json p = GetPolicy("password");
  p["at_risk_action"] = "require_change";
  SetPolicy("password", p);
  v1::LoginResponse must = Login("bob", "Acme-Harbour-2026");
  EXPECT_EQ(must.status(), v1::LOGIN_STATUS_PASSWORD_CHANGE_REQUIRED);
  EXPECT_TRUE(must.password_at_risk());
  EXPECT_FALSE(must.has_tokens());
  v1::LoginRequest r;
  r.set_account("acme");
  r.set_username("bob");
  r.set_password("Acme-Harbour-2026");
  r.set_new_password("ACME-HARBOUR-2026");
  v1::LoginResponse changed;
  EXPECT_RPC(server_->CallAuth("", &AuthService::Stub::Login, r, &changed),
             grpc::StatusCode::INVALID_ARGUMENT);  // the new one is on the list too
  r.set_new_password("quiet-meadow-lantern-9");
  ASSERT_RPC_OK(server_->CallAuth("", &AuthService::Stub::Login, r, &changed));
  EXPECT_EQ(changed.status(), v1::LOGIN_STATUS_SUCCESS);
  EXPECT_FALSE(changed.password_at_risk());
  EXPECT_FALSE(user("bob").password_at_risk()) << "a new password clears the mark";

  p["at_risk_action"] = "explode";
  v1::SetAccountPolicyRequest bad;
  bad.set_kind("password");
  bad.set_document(p.dump());
  v1::AccountPolicy out;
  grpc::Status s = server_->Call(alice_, &AdminService::Stub::SetAccountPolicy, bad, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("at_risk_action"), std::string::npos);
}

TEST_P(AuthRulesTest, OperatorsBlockAnAddressOrDeviceForAWhileOrUntilCleared) {
  const std::string system = server_->server().bootstrap().account_id;
  auto block = [&](const std::string& token, const std::string& kind, const std::string& subject,
                   int64_t seconds, const std::string& reason, v1::LoginBlock* out) {
    v1::BlockLoginSourceRequest r;
    r.set_kind(kind);
    r.set_subject(subject);
    r.set_duration_seconds(seconds);
    r.set_reason(reason);
    return server_->Call(token, &AdminService::Stub::BlockLoginSource, r, out);
  };
  v1::LoginBlock b;
  EXPECT_RPC(block(alice_, "ip", "198.51.100.66", 3600, "", &b),
             grpc::StatusCode::PERMISSION_DENIED);  // sources span accounts

  // Hostile and malformed requests are refused, naming the field, and
  // leave nothing behind.
  struct Bad {
    std::string kind, subject;
    int64_t seconds;
    std::string reason, field;
  };
  for (const Bad& bad : std::vector<Bad>{
           {"user", "bob", 0, "", "kind"},
           {"ip", "not-an-ip", 0, "", "subject"},
           {"ip", "198.51.100.0/24", 0, "", "subject"},
           {"ip", "", 0, "", "subject"},
           {"device", std::string(10000, 'd'), 0, "", "subject"},
           {"device", "line\nbreak", 0, "", "subject"},
           {"device", "dev", 30, "", "duration_seconds"},
           {"device", "dev", -5, "", "duration_seconds"},
           {"device", "dev", 400 * 86400, "", "duration_seconds"},
           {"device", "dev", 0, std::string(300, 'r'), "reason"},
       }) {
    grpc::Status st = block(root_, bad.kind, bad.subject, bad.seconds, bad.reason, &b);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << bad.field;
    EXPECT_NE(st.error_message().find(bad.field), std::string::npos) << st.error_message();
  }
  EXPECT_TRUE(Blocks(true).empty());
  EXPECT_TRUE(Audit("iam:BlockLoginSource", system).empty());

  // An address for an hour.
  ASSERT_RPC_OK(block(root_, "ip", "198.51.100.66", 3600, "abuse report #12", &b));
  EXPECT_EQ(b.kind(), "ip");
  EXPECT_FALSE(b.permanent());
  v1::LoginResponse refused = Login("bob", kBobPassword, "198.51.100.66");
  EXPECT_EQ(refused.status(), v1::LOGIN_STATUS_THROTTLED);
  EXPECT_EQ(refused.retry_after_ms(), 3600 * 1000);
  EXPECT_EQ(Login("bob", kBobPassword, "198.51.100.67").status(), v1::LOGIN_STATUS_SUCCESS);
  // IPv6 in any spelling is one address.
  ASSERT_RPC_OK(block(root_, "ip", "2001:DB8:0:0::7", 3600, "", &b));
  EXPECT_EQ(b.subject(), "2001:db8::7");
  EXPECT_EQ(Login("bob", kBobPassword, "2001:db8::7").status(), v1::LOGIN_STATUS_THROTTLED);
  // A device until cleared; an injection string is just a device id.
  const std::string odd = "x'); DELETE FROM login_counters; --";
  ASSERT_RPC_OK(block(root_, "device", odd, 0, "", &b));
  ASSERT_RPC_OK(block(root_, "device", "lost-laptop", 0, "reported stolen", &b));
  EXPECT_TRUE(b.permanent());
  EXPECT_EQ(Login("bob", kBobPassword, "198.51.100.70", "web", "", "lost-laptop").status(),
            v1::LOGIN_STATUS_THROTTLED);
  int listed = 0;
  for (const auto& x : Blocks(true)) {
    listed += (x.kind() == "device" && (x.subject() == odd || x.subject() == "lost-laptop") &&
               x.permanent()) ||
              (x.kind() == "ip" && !x.permanent());
  }
  EXPECT_EQ(listed, 4);
  auto recorded = Audit("iam:BlockLoginSource", system);
  ASSERT_EQ(recorded.size(), 4u);
  EXPECT_EQ(recorded[0]["reason"], "abuse report #12");
  EXPECT_EQ(recorded[3]["permanent"], true);

  // The hour passes; the device stays blocked, pruning or not.
  clock_.Advance(absl::Hours(1) + absl::Seconds(1));
  EXPECT_EQ(Login("bob", kBobPassword, "198.51.100.66").status(), v1::LOGIN_STATUS_SUCCESS);
  clock_.Advance(absl::Hours(24 * 400));
  server_->server().RunMaintenance();
  EXPECT_EQ(Login("bob", kBobPassword, "198.51.100.70", "web", "", "lost-laptop").status(),
            v1::LOGIN_STATUS_THROTTLED);
  // The expired address blocks were pruned; the permanent ones remain.
  std::vector<v1::LoginBlock> left = Blocks(true);
  EXPECT_EQ(left.size(), 2u);
  for (const auto& x : left) EXPECT_TRUE(x.permanent()) << x.subject();
  v1::ClearLoginBlockRequest cl;
  cl.set_kind("device");
  cl.set_subject("lost-laptop");
  v1::ClearLoginBlockResponse clr;
  ASSERT_RPC_OK(server_->Call(root_, &AdminService::Stub::ClearLoginBlock, cl, &clr));
  EXPECT_EQ(Login("bob", kBobPassword, "198.51.100.70", "web", "", "lost-laptop").status(),
            v1::LOGIN_STATUS_SUCCESS);
}

INSTANTIATE_TEST_SUITE_P(Backends, AuthRulesTest,
                         ::testing::Values(Backend::kSqlite, Backend::kMysql),
                         testing::BackendParamName());

}  // namespace
}  // namespace iam::e2e
