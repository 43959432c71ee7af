// Login, lockout, throttling, passwords, sessions and tokens end to end
// through a real gRPC server, on both stores, with a FakeClock driving every
// window.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "iam/auth/challenge.h"
#include "iam/common/pow_puzzle.h"
#include "iam/store/login_store.h"
#include "tests/e2e/auth_fixture.h"

namespace iam::e2e {
namespace {

using store::Backend;

class AuthE2eTest : public AuthFixture {};

TEST_P(AuthE2eTest, LoginGivesTokensAndThePreviousLogin) {
  v1::LoginResponse first = Login("bob", kBobPassword, "198.51.100.7");
  ASSERT_EQ(first.status(), v1::LOGIN_STATUS_SUCCESS) << first.message();
  EXPECT_FALSE(first.has_previous_login());
  EXPECT_FALSE(first.tokens().access_token().empty());
  EXPECT_EQ(first.tokens().expires_in_seconds(), 600);
  EXPECT_EQ(first.tokens().refresh_token().substr(0, 4), "rt1.");
  clock_.Advance(absl::Minutes(5));
  v1::LoginResponse second = Login("BOB", kBobPassword);  // usernames ignore case
  ASSERT_EQ(second.status(), v1::LOGIN_STATUS_SUCCESS);
  ASSERT_TRUE(second.has_previous_login());
  EXPECT_EQ(second.previous_login().source_ip(), "198.51.100.7");
  EXPECT_EQ(second.previous_login().device_id(), "dev-1");
  // The email names the same user.
  EXPECT_EQ(Login("bob@example.com", kBobPassword).status(), v1::LOGIN_STATUS_SUCCESS);

  v1::VerifyTokenResponse v = Verify(second.tokens().access_token());
  EXPECT_TRUE(v.valid()) << v.reason();
  EXPECT_EQ(v.username(), "bob");
  EXPECT_EQ(v.account_id(), acme_);
  EXPECT_EQ(v.session_state(), "active");
  EXPECT_EQ(v.amr_size(), 1);
  EXPECT_EQ(v.amr(0), "pwd");
  auto ok = Audit("sts:Login");
  ASSERT_GE(ok.size(), 2u);
  EXPECT_EQ(ok[0]["_result"], "success");
  EXPECT_EQ(ok[0]["_ip"], "198.51.100.7");
  EXPECT_EQ(ok[0]["client_type"], "web");
}

TEST_P(AuthE2eTest, UnknownUsersAndWrongPasswordsLookAlike) {
  v1::LoginResponse wrong = Login("bob", "not-the-password");
  v1::LoginResponse unknown = Login("nobody", "not-the-password");
  v1::LoginResponse no_account;
  {
    v1::LoginRequest r;
    r.set_account("no-such-account");
    r.set_username("bob");
    r.set_password("x-y-z-w-v");
    ASSERT_RPC_OK(server_->CallAuth("", &AuthService::Stub::Login, r, &no_account));
  }
  EXPECT_EQ(wrong.status(), v1::LOGIN_STATUS_FAILED);
  EXPECT_EQ(unknown.status(), wrong.status());
  EXPECT_EQ(unknown.message(), wrong.message());
  EXPECT_EQ(no_account.status(), wrong.status());
  EXPECT_EQ(no_account.message(), wrong.message());
  auto failures = Audit("sts:Login");
  ASSERT_EQ(failures.size(), 2u);
  EXPECT_EQ(failures[0]["reason"], "wrong password");
  EXPECT_EQ(failures[1]["reason"], "unknown user");
  EXPECT_EQ(failures[1]["_actor"], "anonymous");
}

TEST_P(AuthE2eTest, LockoutAfterThresholdEvenForTheRightPassword) {
  SetPolicy("lockout", Lockout(3));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Login("bob", "wrong-one").status(), v1::LOGIN_STATUS_FAILED);
  v1::LoginResponse locked = Login("bob", kBobPassword);
  EXPECT_EQ(locked.status(), v1::LOGIN_STATUS_LOCKED);
  EXPECT_EQ(locked.retry_after_ms(), 60000);
  EXPECT_EQ(Login("bob", "wrong-one").status(), v1::LOGIN_STATUS_LOCKED);
  auto locks = Audit("sts:LockUser");
  ASSERT_EQ(locks.size(), 1u);
  EXPECT_EQ(locks[0]["failures"], 3);
  // Unknown names lock the same way: locking does not reveal who exists.
  for (int i = 0; i < 3; ++i) Login("ghost", "wrong-one");
  EXPECT_EQ(Login("ghost", "wrong-one").status(), v1::LOGIN_STATUS_LOCKED);

  clock_.Advance(absl::Seconds(61));
  EXPECT_EQ(Login("bob", kBobPassword).status(), v1::LOGIN_STATUS_SUCCESS);

  // The second lockout waits twice as long (multiplying strategy)...
  SetPolicy("lockout", [&] {
    auto p = Lockout(2);
    p["permanent_lockout"] = true;
    p["max_temporary_lockouts"] = 1;
    return p;
  }());
  for (int i = 0; i < 2; ++i) Login("bob", "wrong-one");
  EXPECT_EQ(Login("bob", kBobPassword).retry_after_ms(), 60000);
  clock_.Advance(absl::Seconds(61));
  for (int i = 0; i < 2; ++i) Login("bob", "wrong-one");
  // ...unless it is permanent: then only an admin helps.
  v1::LoginResponse perm = Login("bob", kBobPassword);
  EXPECT_EQ(perm.status(), v1::LOGIN_STATUS_LOCKED);
  EXPECT_EQ(perm.retry_after_ms(), 0);
  clock_.Advance(absl::Hours(24 * 30));
  EXPECT_EQ(Login("bob", kBobPassword).status(), v1::LOGIN_STATUS_LOCKED);

  v1::ListLoginBlocksRequest lb;
  v1::ListLoginBlocksResponse blocks;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::ListLoginBlocks, lb, &blocks));
  bool listed = false;
  for (const auto& b : blocks.blocks()) listed |= b.kind() == "user" && b.subject() == "bob" && b.permanent();
  EXPECT_TRUE(listed);
  v1::UnlockUserRequest ur;
  ur.set_username("bob");
  v1::UnlockUserResponse uresp;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::UnlockUser, ur, &uresp));
  EXPECT_EQ(Login("bob", kBobPassword).status(), v1::LOGIN_STATUS_SUCCESS);
  EXPECT_EQ(Audit("iam:UnlockUser").size(), 1u);
}

TEST_P(AuthE2eTest, ChallengeAfterAFewFailures) {
  SetPolicy("lockout", Lockout(10, 2));
  Login("bob", "wrong-one");
  Login("bob", "wrong-one");
  v1::LoginResponse c = Login("bob", kBobPassword);
  EXPECT_EQ(c.status(), v1::LOGIN_STATUS_CHALLENGE_REQUIRED);
  EXPECT_EQ(Login("bob", kBobPassword, "", "web", "123.bad").status(),
            v1::LOGIN_STATUS_CHALLENGE_REQUIRED);
  const int64_t exp = absl::ToUnixSeconds(clock_.Now()) + 120;
  // The pass is bound to the address the service sees (loopback here).
  const std::string pass =
      auth::HmacChallengeVerifier::Mint(testing::kTestChallengeSecret, exp, "127.0.0.1");
  v1::LoginResponse ok = Login("bob", kBobPassword, "", "web", pass);
  EXPECT_EQ(ok.status(), v1::LOGIN_STATUS_SUCCESS) << ok.message();
}

// Out of the box (no secret configured) the challenge is the built-in
// proof of work: the refusal carries a puzzle bound to the caller's
// address; its solution passes once, and each further failure asks more.
TEST_P(AuthE2eTest, ProofOfWorkChallengeOutOfTheBox) {
  server_.reset();
  config_.challenge_secret = "";
  config_.challenge_pow_bits = 8;
  Start();
  SetPolicy("lockout", Lockout(10, 2));
  Login("bob", "wrong-one");
  Login("bob", "wrong-one");
  v1::LoginResponse c = Login("bob", kBobPassword);
  ASSERT_EQ(c.status(), v1::LOGIN_STATUS_CHALLENGE_REQUIRED);
  ASSERT_EQ(c.challenge().kind(), "proof-of-work");
  EXPECT_EQ(c.challenge().bits(), 8);
  auto proof = pow::Solve(c.challenge().puzzle());
  ASSERT_TRUE(proof.ok());
  // Tampered: the difficulty lowered (the MAC no longer matches), or a
  // nonce that does not solve it.
  std::string easier = *proof;
  easier.replace(easier.find(".8."), 3, ".1.");
  EXPECT_EQ(Login("bob", kBobPassword, "", "web", easier).status(),
            v1::LOGIN_STATUS_CHALLENGE_REQUIRED);
  std::string unsolved = c.challenge().puzzle() + ".0";
  if (pow::LeadingZeroBits(unsolved) < 8) {
    EXPECT_EQ(Login("bob", kBobPassword, "", "web", unsolved).status(),
              v1::LOGIN_STATUS_CHALLENGE_REQUIRED);
  }
  // Solved for another address: refused.
  EXPECT_EQ(Login("bob", kBobPassword, "198.51.100.7", "web", *proof).status(),
            v1::LOGIN_STATUS_CHALLENGE_REQUIRED);
  // A wrong password with a good proof: the proof is spent, the failure
  // counts, and the next puzzle is one bit harder.
  v1::LoginResponse wrong = Login("bob", "wrong-two", "", "web", *proof);
  EXPECT_EQ(wrong.status(), v1::LOGIN_STATUS_FAILED);
  v1::LoginResponse replay = Login("bob", kBobPassword, "", "web", *proof);
  ASSERT_EQ(replay.status(), v1::LOGIN_STATUS_CHALLENGE_REQUIRED) << "a proof passes once";
  EXPECT_EQ(replay.challenge().bits(), 9);
  auto harder = pow::Solve(replay.challenge().puzzle());
  ASSERT_TRUE(harder.ok());
  v1::LoginResponse ok = Login("bob", kBobPassword, "", "web", *harder);
  EXPECT_EQ(ok.status(), v1::LOGIN_STATUS_SUCCESS) << ok.message();
}

TEST_P(AuthE2eTest, SourceThrottlingAcrossAccountsAndAdminClear) {
  // A stuffing source: one address failing against many names.
  for (int i = 0; i < 5; ++i) CreateUser("user" + std::to_string(i));
  SetPolicy("lockout", Lockout(100));
  server_.reset();
  config_.throttle_slow_after = 10;
  config_.throttle_block_after = 25;
  Start();
  const std::string attacker = "203.0.113.9";
  int throttled = 0;
  for (int i = 0; i < 40; ++i) {
    clock_.Advance(absl::Seconds(3));  // past the slow-down gap each time
    auto r = Login("user" + std::to_string(i % 5), "guess-" + std::to_string(i), attacker, "web",
                   "", "evil-device");
    if (r.status() == v1::LOGIN_STATUS_THROTTLED) ++throttled;
  }
  EXPECT_GT(throttled, 0);
  EXPECT_EQ(Login("bob", kBobPassword, attacker).status(), v1::LOGIN_STATUS_THROTTLED)
      << "a blocked source does not get in even with a right password";
  EXPECT_EQ(Login("bob", kBobPassword, "198.51.100.1").status(), v1::LOGIN_STATUS_SUCCESS)
      << "other sources are unaffected";
  // No account got locked on the way (the source was blocked long before).
  v1::ListLoginBlocksRequest lb;
  lb.set_include_sources(true);
  v1::ListLoginBlocksResponse blocks;
  EXPECT_RPC(server_->Call(alice_, &AdminService::Stub::ListLoginBlocks, lb, &blocks),
              grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_RPC_OK(server_->Call(root_, &AdminService::Stub::ListLoginBlocks, lb, &blocks));
  bool ip_listed = false;
  for (const auto& b : blocks.blocks()) {
    ip_listed |= b.kind() == "ip" && b.subject() == attacker;
    EXPECT_NE(b.kind(), "user");
  }
  EXPECT_TRUE(ip_listed);
  v1::ClearLoginBlockRequest cl;
  cl.set_kind("ip");
  cl.set_subject(attacker);
  v1::ClearLoginBlockResponse clr;
  ASSERT_RPC_OK(server_->Call(root_, &AdminService::Stub::ClearLoginBlock, cl, &clr));
  EXPECT_EQ(Login("bob", kBobPassword, attacker).status(), v1::LOGIN_STATUS_SUCCESS);
}

TEST_P(AuthE2eTest, PasswordPolicyHistoryAndForcedChange) {
  nlohmann::json p = GetPolicy("password");
  EXPECT_EQ(p["min_length"], 8);
  p["min_length"] = 12;
  p["require_digit"] = true;
  p["history"] = 2;
  SetPolicy("password", p);
  grpc::Status weak = SetPassword("bob", "password", true);
  EXPECT_EQ(weak.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(weak.error_message().find("shorter than 12"), std::string::npos);
  EXPECT_NE(weak.error_message().find("no digit"), std::string::npos);
  EXPECT_NE(weak.error_message().find("common or breached"), std::string::npos);
  EXPECT_EQ(weak.error_message().find("\"password\""), std::string::npos);

  // An admin reset must be changed at the next login.
  ASSERT_RPC_OK(SetPassword("bob", "temporary-pass-1", false));
  EXPECT_EQ(Login("bob", "temporary-pass-1").status(), v1::LOGIN_STATUS_PASSWORD_CHANGE_REQUIRED);
  v1::LoginRequest r;
  r.set_account(acme_);
  r.set_username("bob");
  r.set_password("temporary-pass-1");
  r.set_new_password("temporary-pass-1");
  v1::LoginResponse resp;
  EXPECT_RPC(server_->CallAuth("", &AuthService::Stub::Login, r, &resp),
              grpc::StatusCode::INVALID_ARGUMENT);  // the history refuses the same password
  r.set_new_password("fresh-harbour-2026");
  ASSERT_RPC_OK(server_->CallAuth("", &AuthService::Stub::Login, r, &resp));
  ASSERT_EQ(resp.status(), v1::LOGIN_STATUS_SUCCESS);
  const std::string token = resp.tokens().access_token();
  EXPECT_EQ(Login("bob", "temporary-pass-1").status(), v1::LOGIN_STATUS_FAILED);

  // The user changes it again with the token: history and minimum age.
  v1::ChangePasswordRequest cp;
  cp.set_old_password("fresh-harbour-2026");
  cp.set_new_password("temporary-pass-1");
  v1::ChangePasswordResponse cpr;
  grpc::Status reuse = server_->CallAuth(token, &AuthService::Stub::ChangePassword, cp, &cpr);
  EXPECT_EQ(reuse.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(reuse.error_message().find("last 2"), std::string::npos) << reuse.error_message();
  cp.set_old_password("wrong-old-password");
  cp.set_new_password("another-harbour-77");
  EXPECT_RPC(server_->CallAuth(token, &AuthService::Stub::ChangePassword, cp, &cpr),
              grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Audit("iam:ChangePassword").back()["reason"], "wrong old password")
      << "a wrong old password is a counted failure";
  // Two failures within a second (the login above, this change) make a
  // quick-succession lock of a minute.
  EXPECT_RPC(server_->CallAuth(token, &AuthService::Stub::ChangePassword, cp, &cpr),
             grpc::StatusCode::PERMISSION_DENIED);
  clock_.Advance(absl::Minutes(2));
  cp.set_old_password("fresh-harbour-2026");
  ASSERT_RPC_OK(server_->CallAuth(token, &AuthService::Stub::ChangePassword, cp, &cpr));
  EXPECT_EQ(Login("bob", "another-harbour-77").status(), v1::LOGIN_STATUS_SUCCESS);

  // Maximum age: an old password must be changed.
  p["max_age_days"] = 30;
  SetPolicy("password", p);
  clock_.Advance(absl::Hours(24 * 31));
  EXPECT_EQ(Login("bob", "another-harbour-77").status(),
            v1::LOGIN_STATUS_PASSWORD_CHANGE_REQUIRED);
  EXPECT_EQ(Audit("iam:SetUserPassword").size(), 2u);
  EXPECT_GE(Audit("iam:ChangePassword").size(), 2u);
}

TEST_P(AuthE2eTest, PolicyUpdatesStateEveryField) {
  v1::SetAccountPolicyRequest r;
  r.set_kind("lockout");
  r.set_document(R"({"max_failures": 3})");
  v1::AccountPolicy out;
  grpc::Status s = server_->Call(alice_, &AdminService::Stub::SetAccountPolicy, r, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("missing"), std::string::npos);
  r.set_document("{not json");
  EXPECT_RPC(server_->Call(alice_, &AdminService::Stub::SetAccountPolicy, r, &out),
              grpc::StatusCode::INVALID_ARGUMENT);
  r.set_kind("coffee");
  r.set_document("{}");
  EXPECT_RPC(server_->Call(alice_, &AdminService::Stub::SetAccountPolicy, r, &out),
              grpc::StatusCode::INVALID_ARGUMENT);
  r.set_kind("session");
  r.set_document(std::string(70000, ' '));
  EXPECT_RPC(server_->Call(alice_, &AdminService::Stub::SetAccountPolicy, r, &out),
              grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Audit("iam:UpdateAccountLockoutPolicy").size(), 0u) << "nothing was written";
}

TEST_P(AuthE2eTest, SessionLimitsEvictOrRefuse) {
  nlohmann::json sp = GetPolicy("session");
  sp["web"]["max_sessions"] = 1;
  SetPolicy("session", sp);
  v1::LoginResponse a = Login("bob", kBobPassword);
  v1::LoginResponse b = Login("bob", kBobPassword);
  ASSERT_EQ(b.status(), v1::LOGIN_STATUS_SUCCESS);
  ASSERT_EQ(b.evicted_session_ids_size(), 1);
  EXPECT_EQ(b.evicted_session_ids(0), a.tokens().session_id());
  // A mobile login does not count against the web limit.
  EXPECT_EQ(Login("bob", kBobPassword, "", "mobile").evicted_session_ids_size(), 0);
  clock_.Advance(absl::Seconds(2));  // past the one-second liveness cache
  v1::VerifyTokenResponse va = Verify(a.tokens().access_token());
  EXPECT_FALSE(va.valid());
  EXPECT_EQ(va.session_state(), "revoked");
  EXPECT_TRUE(Verify(b.tokens().access_token()).valid());
  EXPECT_EQ(Audit("sts:EvictSession").size(), 1u);

  sp["on_limit"] = "refuse";
  SetPolicy("session", sp);
  EXPECT_EQ(Login("bob", kBobPassword).status(), v1::LOGIN_STATUS_SESSION_LIMIT_REACHED);

  // The user sees and ends their own sessions.
  v1::ListSessionsRequest lr;
  v1::ListSessionsResponse mine;
  ASSERT_RPC_OK(server_->CallAuth(b.tokens().access_token(), &AuthService::Stub::ListSessions, lr, &mine));
  EXPECT_EQ(mine.sessions_size(), 2);
  v1::RevokeSessionRequest rr;
  rr.set_session_id(b.tokens().session_id());
  v1::RevokeSessionResponse rresp;
  ASSERT_RPC_OK(server_->CallAuth(b.tokens().access_token(), &AuthService::Stub::RevokeSession, rr, &rresp));
  EXPECT_EQ(Login("bob", kBobPassword).status(), v1::LOGIN_STATUS_SUCCESS);
}

TEST_P(AuthE2eTest, IdleTimeoutAndAbsoluteLifetime) {
  v1::LoginResponse web = Login("bob", kBobPassword);
  v1::LoginResponse mobile = Login("bob", kBobPassword, "", "mobile");
  clock_.Advance(absl::Minutes(20));
  v1::RefreshRequest rr;
  rr.set_refresh_token(web.tokens().refresh_token());
  v1::TokenResponse t;
  ASSERT_RPC_OK(server_->CallAuth("", &AuthService::Stub::Refresh, rr, &t));
  clock_.Advance(absl::Minutes(25));  // 25 idle minutes < 30: still alive
  rr.set_refresh_token(t.tokens().refresh_token());
  ASSERT_RPC_OK(server_->CallAuth("", &AuthService::Stub::Refresh, rr, &t));
  clock_.Advance(absl::Minutes(31));  // idle too long
  rr.set_refresh_token(t.tokens().refresh_token());
  EXPECT_RPC(server_->CallAuth("", &AuthService::Stub::Refresh, rr, &t),
              grpc::StatusCode::UNAUTHENTICATED);
  // Mobile has no idle timeout but an absolute lifetime of 30 days.
  rr.set_refresh_token(mobile.tokens().refresh_token());
  ASSERT_RPC_OK(server_->CallAuth("", &AuthService::Stub::Refresh, rr, &t));
  clock_.Advance(absl::Hours(24 * 30));
  rr.set_refresh_token(t.tokens().refresh_token());
  EXPECT_RPC(server_->CallAuth("", &AuthService::Stub::Refresh, rr, &t),
              grpc::StatusCode::UNAUTHENTICATED);
}

TEST_P(AuthE2eTest, RefreshRotatesAndReuseEndsTheSession) {
  v1::LoginResponse l = Login("bob", kBobPassword);
  v1::RefreshRequest rr;
  rr.set_refresh_token(l.tokens().refresh_token());
  v1::TokenResponse t1;
  ASSERT_RPC_OK(server_->CallAuth("", &AuthService::Stub::Refresh, rr, &t1));
  EXPECT_NE(t1.tokens().refresh_token(), l.tokens().refresh_token());
  EXPECT_EQ(t1.tokens().session_id(), l.tokens().session_id());
  // The first refresh token again: someone has a copy.
  v1::TokenResponse t2;
  EXPECT_RPC(server_->CallAuth("", &AuthService::Stub::Refresh, rr, &t2),
              grpc::StatusCode::UNAUTHENTICATED);
  rr.set_refresh_token(t1.tokens().refresh_token());
  EXPECT_RPC(server_->CallAuth("", &AuthService::Stub::Refresh, rr, &t2),
              grpc::StatusCode::UNAUTHENTICATED);  // the whole session is gone, the thief's and the user's copies alike
  EXPECT_FALSE(Verify(t1.tokens().access_token()).valid());
  auto revoked = Audit("sts:RevokeSession");
  ASSERT_EQ(revoked.size(), 1u);
  EXPECT_EQ(revoked[0]["reason"], "refresh token reuse");
  rr.set_refresh_token("rt1.garbage");
  EXPECT_RPC(server_->CallAuth("", &AuthService::Stub::Refresh, rr, &t2),
              grpc::StatusCode::UNAUTHENTICATED);
}

TEST_P(AuthE2eTest, DisablingAUserEndsItsSessionsAtOnce) {
  v1::LoginResponse l = Login("bob", kBobPassword);
  v1::DisableUserRequest d;
  d.set_username("bob");
  v1::User u;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::DisableUser, d, &u));
  // Another replica's cache would notice within a second; this one at once.
  clock_.Advance(absl::Seconds(2));
  EXPECT_EQ(Verify(l.tokens().access_token()).session_state(), "revoked");
  EXPECT_EQ(Login("bob", kBobPassword).status(), v1::LOGIN_STATUS_FAILED);
  EXPECT_EQ(Audit("sts:Login").back()["reason"], "user disabled");
}

TEST_P(AuthE2eTest, AccessTokensWorkOnTheAdminApiAndSsoTokensDieWithTheSession) {
  // alice gives herself a password and logs in.
  ASSERT_RPC_OK(SetPassword("alice", "long-harbour-password", true));
  v1::LoginResponse l = Login("alice", "long-harbour-password");
  ASSERT_EQ(l.status(), v1::LOGIN_STATUS_SUCCESS);
  const std::string token = l.tokens().access_token();
  v1::ListUsersRequest lu;
  v1::ListUsersResponse users;
  ASSERT_RPC_OK(server_->Call(token, &AdminService::Stub::ListUsers, lu, &users));
  EXPECT_EQ(users.users_size(), 2);
  // bob's token is a credential too, but bob is no admin.
  v1::LoginResponse bob = Login("bob", kBobPassword);
  EXPECT_RPC(server_->Call(bob.tokens().access_token(), &AdminService::Stub::ListUsers, lu, &users),
              grpc::StatusCode::PERMISSION_DENIED);

  v1::IssueTokenRequest it;
  it.set_audience("billing");
  v1::IssueTokenResponse billing;
  ASSERT_RPC_OK(server_->CallAuth(token, &AuthService::Stub::IssueToken, it, &billing));
  EXPECT_TRUE(Verify(billing.access_token(), "billing").valid());
  EXPECT_FALSE(Verify(billing.access_token(), "iam").valid()) << "wrong audience";
  EXPECT_RPC(server_->Call(billing.access_token(), &AdminService::Stub::ListUsers, lu, &users),
              grpc::StatusCode::UNAUTHENTICATED);  // a token for billing is no credential here
  v1::LogoutRequest lo;
  v1::LogoutResponse lor;
  ASSERT_RPC_OK(server_->CallAuth(token, &AuthService::Stub::Logout, lo, &lor));
  EXPECT_EQ(Verify(billing.access_token(), "billing").session_state(), "revoked");
  EXPECT_RPC(server_->Call(token, &AdminService::Stub::ListUsers, lu, &users),
              grpc::StatusCode::UNAUTHENTICATED);
  // Expiry: ten minutes.
  clock_.Advance(absl::Minutes(11));
  v1::VerifyTokenResponse old = Verify(bob.tokens().access_token());
  EXPECT_FALSE(old.valid());
  EXPECT_NE(old.reason().find("expired"), std::string::npos);
}

TEST_P(AuthE2eTest, JwksOverHttpAndRotationKeepsOldTokensValid) {
  v1::LoginResponse before = Login("bob", kBobPassword);
  httplib::Client http("127.0.0.1", server_->server().http_port());
  auto res = http.Get("/.well-known/jwks.json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  nlohmann::json jwks = nlohmann::json::parse(res->body);
  ASSERT_EQ(jwks["keys"].size(), 1u);
  EXPECT_EQ(jwks["keys"][0]["alg"], "ES256");
  EXPECT_FALSE(jwks["keys"][0].contains("d"));
  auto disc = http.Get("/.well-known/openid-configuration");
  ASSERT_TRUE(disc);
  nlohmann::json d = nlohmann::json::parse(disc->body);
  EXPECT_EQ(d["issuer"], server_->server().issuer());
  EXPECT_EQ(d["jwks_uri"], server_->server().issuer() + "/.well-known/jwks.json");

  v1::RotateSigningKeyRequest rot;
  v1::RotateSigningKeyResponse rotated;
  EXPECT_RPC(server_->Call(alice_, &AdminService::Stub::RotateSigningKey, rot, &rotated),
              grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_RPC_OK(server_->Call(root_, &AdminService::Stub::RotateSigningKey, rot, &rotated));
  v1::LoginResponse after = Login("bob", kBobPassword);
  v1::GetJwksRequest gj;
  v1::GetJwksResponse grpc_jwks;
  ASSERT_RPC_OK(server_->CallAuth("", &AuthService::Stub::GetJwks, gj, &grpc_jwks));
  EXPECT_EQ(nlohmann::json::parse(grpc_jwks.jwks_json())["keys"].size(), 2u);
  EXPECT_TRUE(Verify(before.tokens().access_token()).valid());
  EXPECT_TRUE(Verify(after.tokens().access_token()).valid());
  // Once every token the old key signed has expired, it is withdrawn.
  clock_.Advance(absl::Minutes(70));
  ASSERT_RPC_OK(server_->CallAuth("", &AuthService::Stub::GetJwks, gj, &grpc_jwks));
  EXPECT_EQ(nlohmann::json::parse(grpc_jwks.jwks_json())["keys"].size(), 1u);
}

TEST_P(AuthE2eTest, BadInputIsRefusedWithTheField) {
  auto login = [&](auto mutate) {
    v1::LoginRequest r;
    r.set_account("acme");
    r.set_username("bob");
    r.set_password("x");
    mutate(r);
    v1::LoginResponse resp;
    return server_->CallAuth("", &AuthService::Stub::Login, r, &resp);
  };
  grpc::Status s = login([](v1::LoginRequest& r) { r.set_username(""); });
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("username"), std::string::npos);
  s = login([](v1::LoginRequest& r) { r.set_password(std::string(20000, 'a')); });
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  s = login([](v1::LoginRequest& r) { r.set_client_type("fridge"); });
  EXPECT_NE(s.error_message().find("client_type"), std::string::npos);
  s = login([](v1::LoginRequest& r) { r.set_username("bob'; DROP TABLE users; --"); });
  EXPECT_TRUE(s.ok()) << "an injection string is just an unknown name";
  s = login([](v1::LoginRequest& r) { r.set_client_ip("not-an-ip"); });
  EXPECT_NE(s.error_message().find("client_ip"), std::string::npos);
  s = login([](v1::LoginRequest& r) { r.set_device_id(std::string(500, 'd')); });
  EXPECT_NE(s.error_message().find("device_id"), std::string::npos);
  // The calls made with a token refuse malformed fields, naming them.
  v1::LoginResponse bob = Login("bob", kBobPassword);
  const std::string token = bob.tokens().access_token();
  v1::IssueTokenRequest it;
  v1::IssueTokenResponse itr;
  for (const std::string& audience : {std::string(), std::string(300, 'a'), std::string("a\nb")}) {
    it.set_audience(audience);
    grpc::Status st = server_->CallAuth(token, &AuthService::Stub::IssueToken, it, &itr);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_NE(st.error_message().find("audience"), std::string::npos);
  }
  v1::RevokeSessionRequest rs;
  rs.set_session_id(std::string(100, 's'));
  v1::RevokeSessionResponse rsr;
  EXPECT_RPC(server_->CallAuth(token, &AuthService::Stub::RevokeSession, rs, &rsr),
             grpc::StatusCode::INVALID_ARGUMENT);
  v1::ChangePasswordRequest cp;
  cp.set_old_password(kBobPassword);
  cp.set_new_password(std::string(20000, 'p'));
  v1::ChangePasswordResponse cpr;
  EXPECT_RPC(server_->CallAuth(token, &AuthService::Stub::ChangePassword, cp, &cpr),
             grpc::StatusCode::INVALID_ARGUMENT);
  v1::ClearLoginBlockRequest cl;
  cl.set_kind("user");
  cl.set_subject("bob");
  v1::ClearLoginBlockResponse clr;
  EXPECT_RPC(server_->Call(root_, &AdminService::Stub::ClearLoginBlock, cl, &clr),
             grpc::StatusCode::INVALID_ARGUMENT);
  v1::ListSessionsRequest ls;
  ls.set_username("bad name!");
  ls.set_account_id(acme_);
  v1::ListSessionsResponse lsr;
  v1::GetAccountPolicyRequest no_kind;
  v1::AccountPolicy policy;
  EXPECT_RPC(server_->Call(alice_, &AdminService::Stub::GetAccountPolicy, no_kind, &policy),
             grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_RPC(server_->CallAuth(alice_, &AuthService::Stub::ListSessions, ls, &lsr),
             grpc::StatusCode::INVALID_ARGUMENT);
  v1::VerifyTokenResponse v = Verify("a.b.c");
  EXPECT_FALSE(v.valid());
  EXPECT_FALSE(Verify(std::string(10000, 'x')).valid());
  EXPECT_EQ(Login("bob", kBobPassword).status(), v1::LOGIN_STATUS_SUCCESS);
}

TEST_P(AuthE2eTest, TenantIsolation) {
  v1::LoginResponse l = Login("bob", kBobPassword);
  v1::SetUserPasswordRequest sp;
  sp.set_account_id(acme_);
  sp.set_username("bob");
  sp.set_password("gina-was-here-123");
  v1::SetUserPasswordResponse spr;
  EXPECT_RPC(server_->Call(gina_, &AdminService::Stub::SetUserPassword, sp, &spr),
              grpc::StatusCode::NOT_FOUND);
  v1::UnlockUserRequest ur;
  ur.set_account_id(acme_);
  ur.set_username("bob");
  v1::UnlockUserResponse urr;
  EXPECT_RPC(server_->Call(gina_, &AdminService::Stub::UnlockUser, ur, &urr),
              grpc::StatusCode::NOT_FOUND);
  v1::GetAccountPolicyRequest gp;
  gp.set_account_id(acme_);
  gp.set_kind("password");
  v1::AccountPolicy ap;
  EXPECT_RPC(server_->Call(gina_, &AdminService::Stub::GetAccountPolicy, gp, &ap),
              grpc::StatusCode::NOT_FOUND);
  v1::ListSessionsRequest ls;
  ls.set_account_id(acme_);
  v1::ListSessionsResponse lsr;
  EXPECT_RPC(server_->CallAuth(gina_, &AuthService::Stub::ListSessions, ls, &lsr),
              grpc::StatusCode::NOT_FOUND);
  v1::RevokeSessionRequest rs;
  rs.set_session_id(l.tokens().session_id());
  v1::RevokeSessionResponse rsr;
  EXPECT_RPC(server_->CallAuth(gina_, &AuthService::Stub::RevokeSession, rs, &rsr),
              grpc::StatusCode::NOT_FOUND);
  v1::RevokeUserSessionsRequest ru;
  ru.set_account_id(acme_);
  ru.set_username("bob");
  v1::RevokeUserSessionsResponse rur;
  EXPECT_RPC(server_->Call(gina_, &AdminService::Stub::RevokeUserSessions, ru, &rur),
              grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(Verify(l.tokens().access_token()).valid());
  // The admin of acme can.
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::RevokeUserSessions, ru, &rur));
  EXPECT_EQ(rur.revoked(), 1);
}

TEST_P(AuthE2eTest, ConcurrentLoginsRespectTheLimitExactly) {
  nlohmann::json sp = GetPolicy("session");
  sp["max_sessions_per_user"] = 3;
  sp["on_limit"] = "refuse";
  SetPolicy("session", sp);
  std::atomic<int> ok{0}, refused{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 20; ++i) {
    threads.emplace_back([&] {
      auto r = Login("bob", kBobPassword);
      if (r.status() == v1::LOGIN_STATUS_SUCCESS) ++ok;
      if (r.status() == v1::LOGIN_STATUS_SESSION_LIMIT_REACHED) ++refused;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok, 3);
  EXPECT_EQ(refused, 17);

  sp["on_limit"] = "evict_oldest";
  SetPolicy("session", sp);
  threads.clear();
  for (int i = 0; i < 20; ++i) threads.emplace_back([&] { Login("bob", kBobPassword); });
  for (auto& t : threads) t.join();
  v1::ListSessionsRequest lr;
  lr.set_username("bob");
  v1::ListSessionsResponse live;
  ASSERT_RPC_OK(server_->CallAuth(alice_, &AuthService::Stub::ListSessions, lr, &live));
  EXPECT_EQ(live.sessions_size(), 3);
}

TEST_P(AuthE2eTest, ConcurrentFailuresLockAfterExactlyTheThreshold) {
  SetPolicy("lockout", Lockout(5));
  std::vector<std::thread> threads;
  for (int i = 0; i < 24; ++i) {
    threads.emplace_back([&, i] {
      Login("bob", "wrong-" + std::to_string(i), "198.51.100." + std::to_string(i));
    });
  }
  for (auto& t : threads) t.join();
  store::CounterRow c;
  ASSERT_OK(t_->db().Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    auto users = tx.Query("SELECT id FROM users WHERE account_id = ? AND username_key = 'bob'",
                          {acme_});
    if (!users.ok()) return users.status();
    auto got = store::login::GetCounter(tx, acme_, "user:" + (*users)[0].Str(0));
    if (!got.ok()) return got.status();
    c = *got;
    return absl::OkStatus();
  }));
  EXPECT_EQ(c.failures, 5) << "failures in flight when the lock landed do not count";
  EXPECT_GT(c.locked_until, 0);
  EXPECT_EQ(Audit("sts:LockUser").size(), 1u);
}

TEST_P(AuthE2eTest, OlderHashParametersAreUpgradedAtLogin) {
  auto stored = [&] {
    std::string hash;
    EXPECT_OK(t_->db().Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
      auto rows = tx.Query("SELECT p.hash FROM passwords p JOIN users u ON u.id = p.user_id "
                           "WHERE u.account_id = ? AND u.username_key = 'bob'",
                           {acme_});
      if (!rows.ok()) return rows.status();
      hash = (*rows)[0].Str(0);
      return absl::OkStatus();
    }));
    return hash;
  };
  EXPECT_NE(stored().find("m=1024,t=1,p=1"), std::string::npos);
  server_.reset();
  config_.argon2_memory_kib = 2048;
  config_.argon2_iterations = 2;
  Start();
  EXPECT_EQ(Login("bob", kBobPassword).status(), v1::LOGIN_STATUS_SUCCESS);
  EXPECT_NE(stored().find("m=2048,t=2,p=1"), std::string::npos);
  EXPECT_EQ(Login("bob", kBobPassword).status(), v1::LOGIN_STATUS_SUCCESS);
}

TEST_P(AuthE2eTest, AFloodOfLoginsIsRefusedNotQueuedWithoutBound) {
  server_.reset();
  config_.hash_threads = 1;
  config_.hash_queue = 1;
  config_.argon2_memory_kib = 19 * 1024;  // slow enough that the logins overlap
  config_.argon2_iterations = 2;
  Start();
  std::atomic<int> ok{0}, exhausted{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      v1::LoginRequest r;
      r.set_account("acme");
      r.set_username("bob");
      r.set_password(kBobPassword);
      v1::LoginResponse resp;
      grpc::Status s = server_->CallAuth("", &AuthService::Stub::Login, r, &resp);
      if (s.ok() && resp.status() == v1::LOGIN_STATUS_SUCCESS) {
        ++ok;
      } else if (s.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
        ++exhausted;
      } else {
        ++other;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_GE(ok, 1);
  EXPECT_GE(exhausted, 1);
  EXPECT_EQ(other, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, AuthE2eTest,
                         ::testing::Values(Backend::kSqlite, Backend::kMysql),
                         testing::BackendParamName());

}  // namespace
}  // namespace iam::e2e
