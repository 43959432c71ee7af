// MFA, trusted devices, device binding, risk-based step-up and login IP
// allowlists end to end through a real gRPC server, on both stores, with a
// FakeClock driving TOTP steps, ticket and device expiry.
#include <grpcpp/grpcpp.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <liboath/oath.h>

#include <atomic>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "iam/mfa/totp.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_database.h"
#include "tests/support/rpc_matchers.h"
#include "tests/support/test_server.h"


namespace iam::e2e {
namespace {

using store::Backend;
using v1::AdminService;
using v1::AuthService;

constexpr char kPassword[] = "blue-harbour-lantern";

// The secret of an otpauth:// URI, decoded as any authenticator app would.
std::string SecretOf(const std::string& uri) {
  const size_t at = uri.find("secret=") + 7;
  const std::string b32 = uri.substr(at, uri.find('&', at) - at);
  char* out = nullptr;
  size_t len = 0;
  oath_init();
  EXPECT_EQ(oath_base32_decode(b32.data(), b32.size(), &out, &len), OATH_OK);
  std::string s(out, len);
  free(out);
  return s;
}

class MfaE2eTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    IAM_OPEN_TEST_DATABASE(t_, GetParam());
    config_ = testing::TestConfig(*t_);
    config_.trusted_proxies = "127.0.0.0/8,::1/128";
    config_.throttle_slow_after = 1000;
    config_.throttle_block_after = 2000;
    server_ = testing::TestServer::Start(config_, &clock_, &random_);
    ASSERT_NE(server_, nullptr);
    std::tie(acme_, alice_) = server_->CreateAccount("acme", "alice");
    CreateUser("bob");
  }

  void CreateUser(const std::string& name) {
    v1::CreateUserRequest r;
    r.set_username(name);
    v1::User u;
    ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::CreateUser, r, &u));
    v1::SetUserPasswordRequest p;
    p.set_username(name);
    p.set_password(kPassword);
    p.set_permanent(true);
    v1::SetUserPasswordResponse pr;
    ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::SetUserPassword, p, &pr));
  }

  v1::LoginResponse Login(const std::string& user, const std::string& device = "dev-1",
                          const std::string& ip = "10.1.1.1", const std::string& device_token = "",
                          const std::string& password = kPassword) {
    v1::LoginRequest r;
    r.set_account("acme");
    r.set_username(user);
    r.set_password(password);
    r.set_device_id(device);
    r.set_client_ip(ip);
    r.set_device_token(device_token);
    v1::LoginResponse resp;
    grpc::Status s = server_->CallAuth("", &AuthService::Stub::Login, r, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp;
  }

  grpc::Status VerifyMfa(const std::string& ticket, const std::string& code,
                         v1::LoginResponse* out, bool remember = false,
                         const std::string& recovery = "") {
    v1::VerifyMfaRequest r;
    r.set_ticket(ticket);
    r.set_code(code);
    r.set_recovery_code(recovery);
    r.set_remember_device(remember);
    return server_->CallAuth("", &AuthService::Stub::VerifyMfa, r, out);
  }

  v1::LoginResponse Verified(const std::string& ticket, const std::string& code,
                             bool remember = false) {
    v1::LoginResponse out;
    grpc::Status s = VerifyMfa(ticket, code, &out, remember);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  nlohmann::json MfaPolicy() {
    v1::GetAccountPolicyRequest r;
    r.set_kind("mfa");
    v1::AccountPolicy out;
    EXPECT_TRUE(server_->Call(alice_, &AdminService::Stub::GetAccountPolicy, r, &out).ok());
    return nlohmann::json::parse(out.document());
  }

  grpc::Status SetPolicy(const std::string& kind, const nlohmann::json& doc) {
    v1::SetAccountPolicyRequest r;
    r.set_kind(kind);
    r.set_document(doc.dump());
    v1::AccountPolicy out;
    return server_->Call(alice_, &AdminService::Stub::SetAccountPolicy, r, &out);
  }

  void SetMfa(std::initializer_list<std::pair<const char*, nlohmann::json>> fields) {
    nlohmann::json p = MfaPolicy();
    for (const auto& [k, v] : fields) p[k] = v;
    ASSERT_RPC_OK(SetPolicy("mfa", p));
  }

  // Logs in (no MFA asked yet), enrols and confirms; answers the secret and
  // recovery codes. The confirming code's step is used up.
  std::pair<std::string, std::vector<std::string>> Enrol(const std::string& user) {
    v1::LoginResponse l = Login(user);
    EXPECT_EQ(l.status(), v1::LOGIN_STATUS_SUCCESS) << l.message();
    const std::string token = l.tokens().access_token();
    v1::BeginTotpEnrollmentRequest b;
    v1::BeginTotpEnrollmentResponse br;
    EXPECT_TRUE(server_->CallAuth(token, &AuthService::Stub::BeginTotpEnrollment, b, &br).ok());
    const std::string secret = SecretOf(br.otpauth_uri());
    v1::ConfirmTotpEnrollmentRequest c;
    c.set_code(Code(secret));
    v1::ConfirmTotpEnrollmentResponse cr;
    grpc::Status s = server_->CallAuth(token, &AuthService::Stub::ConfirmTotpEnrollment, c, &cr);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return {secret, {cr.recovery_codes().begin(), cr.recovery_codes().end()}};
  }

  std::string Code(const std::string& secret, int step_offset = 0, int digits = 6) {
    const int64_t step = mfa::TotpStep(absl::ToUnixSeconds(clock_.Now()), 30) + step_offset;
    return *mfa::TotpCode(secret, {mfa::TotpAlgorithm::kSha1, digits, 30}, step);
  }

  v1::MfaStatus Status(const std::string& user) {
    v1::GetMfaStatusRequest r;
    r.set_username(user);
    v1::MfaStatus out;
    EXPECT_TRUE(server_->CallAuth(alice_, &AuthService::Stub::GetMfaStatus, r, &out).ok());
    return out;
  }

  v1::VerifyTokenResponse VerifyToken(const std::string& token) {
    v1::VerifyTokenRequest r;
    r.set_token(token);
    v1::VerifyTokenResponse out;
    EXPECT_TRUE(server_->CallAuth("", &AuthService::Stub::VerifyToken, r, &out).ok());
    return out;
  }

  std::vector<nlohmann::json> Audit(const std::string& action) {
    std::vector<nlohmann::json> out;
    EXPECT_OK(t_->db().Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
      out.clear();
      auto rows = tx.Query("SELECT result, detail FROM audit_log WHERE account_id = ? AND "
                           "action = ? ORDER BY seq",
                           {acme_, action});
      if (!rows.ok()) return rows.status();
      for (const auto& r : *rows) {
        nlohmann::json j = nlohmann::json::parse(r.Str(1));
        j["_result"] = r.Str(0);
        out.push_back(j);
      }
      return absl::OkStatus();
    }));
    return out;
  }

  std::unique_ptr<testing::TestDatabase> t_;
  Config config_;
  FakeClock clock_;
  CryptoRandom random_;
  std::unique_ptr<testing::TestServer> server_;
  std::string acme_, alice_;
};

TEST_P(MfaE2eTest, EnrolThenEveryLoginNeedsACodeUsedOnce) {
  auto [secret, recovery] = Enrol("bob");
  EXPECT_EQ(recovery.size(), 10u);
  v1::MfaStatus st = Status("bob");
  EXPECT_TRUE(st.enrolled());
  EXPECT_EQ(st.recovery_codes_left(), 10);
  EXPECT_EQ(st.algorithm(), "SHA1");
  // The secret is never shown again: a second enrolment is refused.
  v1::LoginResponse l = Login("bob");
  ASSERT_EQ(l.status(), v1::LOGIN_STATUS_SUCCESS);  // usual device and network, optional
  v1::BeginTotpEnrollmentRequest b;
  v1::BeginTotpEnrollmentResponse br;
  EXPECT_RPC(server_->CallAuth(l.tokens().access_token(), &AuthService::Stub::BeginTotpEnrollment,
                               b, &br),
             grpc::StatusCode::FAILED_PRECONDITION);

  SetMfa({{"mode", "required"}});
  clock_.Advance(absl::Seconds(30));
  l = Login("bob");
  ASSERT_EQ(l.status(), v1::LOGIN_STATUS_MFA_REQUIRED);
  EXPECT_FALSE(l.has_tokens());
  EXPECT_FALSE(l.enrollment_required());
  const std::string code = Code(secret);
  v1::LoginResponse ok = Verified(l.mfa_ticket(), code);
  ASSERT_EQ(ok.status(), v1::LOGIN_STATUS_SUCCESS) << ok.message();
  v1::VerifyTokenResponse v = VerifyToken(ok.tokens().access_token());
  EXPECT_TRUE(v.valid());
  EXPECT_TRUE(v.mfa_present());
  EXPECT_EQ(v.mfa_age_seconds(), 0);
  EXPECT_THAT(std::vector<std::string>(v.amr().begin(), v.amr().end()),
              ::testing::UnorderedElementsAre("pwd", "otp", "mfa"));
  // The ticket served once.
  v1::LoginResponse again;
  ASSERT_RPC_OK(VerifyMfa(l.mfa_ticket(), Code(secret, 1), &again));
  EXPECT_EQ(again.status(), v1::LOGIN_STATUS_FAILED);
  // The same code on a fresh ticket: a replay, refused.
  l = Login("bob");
  EXPECT_EQ(Verified(l.mfa_ticket(), code).status(), v1::LOGIN_STATUS_MFA_REQUIRED);
  // So is the code of the step before it.
  EXPECT_EQ(Verified(l.mfa_ticket(), Code(secret, -1)).status(), v1::LOGIN_STATUS_MFA_REQUIRED);
  // The next step's code is fine.
  clock_.Advance(absl::Seconds(30));
  EXPECT_EQ(Verified(l.mfa_ticket(), Code(secret)).status(), v1::LOGIN_STATUS_SUCCESS);
  auto verifies = Audit("sts:VerifyMfa");
  ASSERT_GE(verifies.size(), 4u);
  EXPECT_EQ(verifies[verifies.size() - 2]["reason"], "code already used");
  EXPECT_EQ(verifies[verifies.size() - 3]["reason"], "code already used");
  for (const auto& e : verifies) EXPECT_FALSE(absl::StrContains(e.dump(), code));
}

TEST_P(MfaE2eTest, WindowOfStepsIsConfigurable) {
  auto [secret, recovery] = Enrol("bob");
  SetMfa({{"mode", "required"}});
  clock_.Advance(absl::Minutes(5));
  v1::LoginResponse l = Login("bob");
  EXPECT_EQ(Verified(l.mfa_ticket(), Code(secret, -2)).status(), v1::LOGIN_STATUS_MFA_REQUIRED);
  EXPECT_EQ(Verified(l.mfa_ticket(), Code(secret, 2)).status(), v1::LOGIN_STATUS_MFA_REQUIRED);
  EXPECT_EQ(Verified(l.mfa_ticket(), Code(secret, -1)).status(), v1::LOGIN_STATUS_SUCCESS);
  SetMfa({{"totp_window", 0}});
  clock_.Advance(absl::Minutes(5));
  l = Login("bob");
  EXPECT_EQ(Verified(l.mfa_ticket(), Code(secret, -1)).status(), v1::LOGIN_STATUS_MFA_REQUIRED);
  EXPECT_EQ(Verified(l.mfa_ticket(), Code(secret, 1)).status(), v1::LOGIN_STATUS_MFA_REQUIRED);
  EXPECT_EQ(Verified(l.mfa_ticket(), Code(secret)).status(), v1::LOGIN_STATUS_SUCCESS);
}

TEST_P(MfaE2eTest, TicketDiesAfterFiveWrongCodesOrWhenExpired) {
  auto [secret, recovery] = Enrol("bob");
  SetMfa({{"mode", "required"}});
  clock_.Advance(absl::Seconds(30));
  v1::LoginResponse l = Login("bob");
  for (int i = 0; i < 4; ++i) {
    v1::LoginResponse r = Verified(l.mfa_ticket(), "000000");
    ASSERT_EQ(r.status(), v1::LOGIN_STATUS_MFA_REQUIRED) << i;
    EXPECT_EQ(r.mfa_ticket(), l.mfa_ticket());
  }
  EXPECT_EQ(Verified(l.mfa_ticket(), "000000").status(), v1::LOGIN_STATUS_FAILED);
  EXPECT_EQ(Verified(l.mfa_ticket(), Code(secret)).status(), v1::LOGIN_STATUS_FAILED);  // dead
  l = Login("bob");
  clock_.Advance(absl::Seconds(301));
  EXPECT_EQ(Verified(l.mfa_ticket(), Code(secret)).status(), v1::LOGIN_STATUS_FAILED);
  EXPECT_EQ(Status("bob").consecutive_failures(), 5);
}

TEST_P(MfaE2eTest, HardCapLocksUntilAnAdministratorUnlocks) {
  auto [secret, recovery] = Enrol("bob");
  SetMfa({{"mode", "required"}, {"failure_hard_cap", 7}});
  clock_.Advance(absl::Seconds(30));
  v1::LoginResponse l = Login("bob");
  for (int i = 0; i < 5; ++i) Verified(l.mfa_ticket(), "111111");
  l = Login("bob");
  EXPECT_EQ(Verified(l.mfa_ticket(), "111111").status(), v1::LOGIN_STATUS_MFA_REQUIRED);
  EXPECT_EQ(Verified(l.mfa_ticket(), "111111").status(), v1::LOGIN_STATUS_LOCKED);
  // Locked: the right password and the right code get nowhere, for days.
  clock_.Advance(absl::Hours(72));
  EXPECT_EQ(Login("bob").status(), v1::LOGIN_STATUS_LOCKED);
  auto locks = Audit("sts:LockUser");
  ASSERT_FALSE(locks.empty());
  EXPECT_EQ(locks.back()["reason"], "second-factor failures");
  v1::UnlockUserRequest u;
  u.set_username("bob");
  v1::UnlockUserResponse ur;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::UnlockUser, u, &ur));
  EXPECT_EQ(Status("bob").consecutive_failures(), 0);
  l = Login("bob");
  ASSERT_EQ(l.status(), v1::LOGIN_STATUS_MFA_REQUIRED);
  EXPECT_EQ(Verified(l.mfa_ticket(), Code(secret)).status(), v1::LOGIN_STATUS_SUCCESS);
}

TEST_P(MfaE2eTest, RecoveryCodesWorkOnceAndRegenerationReplacesThem) {
  auto [secret, recovery] = Enrol("bob");
  SetMfa({{"mode", "required"}});
  v1::LoginResponse l = Login("bob");
  v1::LoginResponse ok;
  ASSERT_RPC_OK(VerifyMfa(l.mfa_ticket(), "", &ok, false, recovery[0]));
  ASSERT_EQ(ok.status(), v1::LOGIN_STATUS_SUCCESS);
  const v1::VerifyTokenResponse v = VerifyToken(ok.tokens().access_token());
  EXPECT_THAT(std::vector<std::string>(v.amr().begin(), v.amr().end()),
              ::testing::Contains("recovery"));
  l = Login("bob");
  v1::LoginResponse r;
  ASSERT_RPC_OK(VerifyMfa(l.mfa_ticket(), "", &r, false, recovery[0]));
  EXPECT_EQ(r.status(), v1::LOGIN_STATUS_MFA_REQUIRED);  // used
  // Typed loosely: upper case, no dashes.
  std::string loose = absl::AsciiStrToUpper(recovery[1]);
  loose.erase(std::remove(loose.begin(), loose.end(), '-'), loose.end());
  ASSERT_RPC_OK(VerifyMfa(l.mfa_ticket(), "", &r, false, loose));
  EXPECT_EQ(r.status(), v1::LOGIN_STATUS_SUCCESS);
  EXPECT_EQ(Status("bob").recovery_codes_left(), 8);

  clock_.Advance(absl::Seconds(30));
  v1::RegenerateRecoveryCodesRequest g;
  v1::RegenerateRecoveryCodesResponse gr;
  g.set_code("123");
  EXPECT_RPC(server_->CallAuth(r.tokens().access_token(),
                               &AuthService::Stub::RegenerateRecoveryCodes, g, &gr),
             grpc::StatusCode::INVALID_ARGUMENT);
  g.set_code(Code(secret));
  ASSERT_RPC_OK(server_->CallAuth(r.tokens().access_token(),
                                  &AuthService::Stub::RegenerateRecoveryCodes, g, &gr));
  ASSERT_EQ(gr.recovery_codes_size(), 10);
  l = Login("bob");
  ASSERT_RPC_OK(VerifyMfa(l.mfa_ticket(), "", &r, false, recovery[2]));
  EXPECT_EQ(r.status(), v1::LOGIN_STATUS_MFA_REQUIRED);  // the old set is gone
  ASSERT_RPC_OK(VerifyMfa(l.mfa_ticket(), "", &r, false, gr.recovery_codes(0)));
  EXPECT_EQ(r.status(), v1::LOGIN_STATUS_SUCCESS);
}

TEST_P(MfaE2eTest, AdminResetAndEnrolmentAtLoginForRequiredGroups) {
  auto [secret, recovery] = Enrol("bob");
  CreateUser("dave");
  v1::CreateGroupRequest cg;
  cg.set_name("admins");
  v1::Group grp;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::CreateGroup, cg, &grp));
  v1::AddGroupMemberRequest ag;
  ag.set_group("admins");
  ag.set_username("bob");
  v1::AddGroupMemberResponse agr;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::AddGroupMember, ag, &agr));
  SetMfa({{"mode", "required_for"}, {"required_groups", {"admins"}}});

  v1::ResetUserMfaRequest rr;
  rr.set_username("bob");
  v1::ResetUserMfaResponse rresp;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::ResetUserMfa, rr, &rresp));
  EXPECT_FALSE(Status("bob").enrolled());
  EXPECT_EQ(Status("bob").recovery_codes_left(), 0);
  EXPECT_EQ(Audit("iam:DeactivateMFADevice").back()["was_active"], true);

  // dave is not in scope: the password suffices.
  EXPECT_EQ(Login("dave").status(), v1::LOGIN_STATUS_SUCCESS);
  // bob is: enrolment before any token.
  v1::LoginResponse l = Login("bob");
  ASSERT_EQ(l.status(), v1::LOGIN_STATUS_MFA_REQUIRED);
  EXPECT_TRUE(l.enrollment_required());
  v1::LoginResponse wrong_use;
  ASSERT_RPC_OK(VerifyMfa(l.mfa_ticket(), "123456", &wrong_use));
  EXPECT_EQ(wrong_use.status(), v1::LOGIN_STATUS_FAILED);  // not a verification ticket
  l = Login("bob");
  v1::BeginTotpEnrollmentRequest b;
  b.set_ticket(l.mfa_ticket());
  v1::BeginTotpEnrollmentResponse br;
  ASSERT_RPC_OK(server_->CallAuth("", &AuthService::Stub::BeginTotpEnrollment, b, &br));
  const std::string fresh = SecretOf(br.otpauth_uri());
  EXPECT_NE(fresh, secret);
  EXPECT_TRUE(absl::StartsWith(br.otpauth_uri(), "otpauth://totp/IAM:bob%40acme?secret="));
  v1::ConfirmTotpEnrollmentRequest c;
  c.set_ticket(l.mfa_ticket());
  c.set_code("000000");
  v1::ConfirmTotpEnrollmentResponse cr;
  ASSERT_RPC_OK(server_->CallAuth("", &AuthService::Stub::ConfirmTotpEnrollment, c, &cr));
  EXPECT_EQ(cr.login().status(), v1::LOGIN_STATUS_MFA_REQUIRED);
  c.set_code(Code(fresh));
  ASSERT_RPC_OK(server_->CallAuth("", &AuthService::Stub::ConfirmTotpEnrollment, c, &cr));
  ASSERT_EQ(cr.login().status(), v1::LOGIN_STATUS_SUCCESS);
  EXPECT_EQ(cr.recovery_codes_size(), 10);
  EXPECT_TRUE(VerifyToken(cr.login().tokens().access_token()).mfa_present());
}

// "Required for chosen roles": holders of the role, directly or through a
// group, for as long as the assignment lasts.
TEST_P(MfaE2eTest, RequiredForRoleHoldersWhileTheyHoldTheRole) {
  auto [secret, recovery] = Enrol("bob");
  CreateUser("dave");
  CreateUser("erin");
  v1::CreateRoleRequest cr;
  cr.set_name("operator");
  v1::Role role;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::CreateRole, cr, &role));
  v1::AssignRoleRequest to_bob;
  to_bob.set_role("operator");
  to_bob.mutable_principal()->set_type(v1::PrincipalName::USER);
  to_bob.mutable_principal()->set_name("bob");
  to_bob.set_duration_seconds(3600);
  v1::RoleAssignment assigned;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::AssignRole, to_bob, &assigned));
  v1::CreateGroupRequest cg;
  cg.set_name("night-shift");
  v1::Group grp;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::CreateGroup, cg, &grp));
  v1::AddGroupMemberRequest ag;
  ag.set_group("night-shift");
  ag.set_username("dave");
  v1::AddGroupMemberResponse agr;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::AddGroupMember, ag, &agr));
  v1::AssignRoleRequest to_group = to_bob;
  to_group.mutable_principal()->set_type(v1::PrincipalName::GROUP);
  to_group.mutable_principal()->set_name("night-shift");
  to_group.clear_duration_seconds();
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::AssignRole, to_group, &assigned));
  SetMfa({{"mode", "required_for"}, {"required_roles", {"operator"}}});

  EXPECT_TRUE(Status("bob").required());
  EXPECT_TRUE(Status("dave").required());
  EXPECT_FALSE(Status("erin").required());
  EXPECT_EQ(Login("bob").status(), v1::LOGIN_STATUS_MFA_REQUIRED);
  v1::LoginResponse d = Login("dave");  // through the group, and not enrolled
  ASSERT_EQ(d.status(), v1::LOGIN_STATUS_MFA_REQUIRED);
  EXPECT_TRUE(d.enrollment_required());
  EXPECT_EQ(Login("erin").status(), v1::LOGIN_STATUS_SUCCESS);

  // bob's assignment ends by itself; the group's does not.
  clock_.Advance(absl::Hours(2));
  EXPECT_FALSE(Status("bob").required());
  EXPECT_TRUE(Status("dave").required());
}

TEST_P(MfaE2eTest, StepUpRefreshesAuthTime) {
  auto [secret, recovery] = Enrol("bob");
  clock_.Advance(absl::Minutes(1));
  v1::LoginResponse l = Login("bob");
  ASSERT_EQ(l.status(), v1::LOGIN_STATUS_SUCCESS);
  v1::VerifyTokenResponse before = VerifyToken(l.tokens().access_token());
  EXPECT_FALSE(before.mfa_present());
  EXPECT_EQ(before.mfa_age_seconds(), -1);
  clock_.Advance(absl::Minutes(3));
  v1::StepUpRequest s;
  v1::StepUpResponse sr;
  s.set_code("999999");
  EXPECT_RPC(server_->CallAuth(l.tokens().access_token(), &AuthService::Stub::StepUp, s, &sr),
             grpc::StatusCode::PERMISSION_DENIED);
  s.set_code(Code(secret));
  ASSERT_RPC_OK(server_->CallAuth(l.tokens().access_token(), &AuthService::Stub::StepUp, s, &sr));
  EXPECT_EQ(sr.auth_time().seconds(), absl::ToUnixSeconds(clock_.Now()));
  clock_.Advance(absl::Minutes(2));
  v1::VerifyTokenResponse after = VerifyToken(sr.access_token());
  EXPECT_TRUE(after.mfa_present());
  EXPECT_EQ(after.mfa_age_seconds(), 120);
  EXPECT_GT(after.auth_time().seconds(), before.auth_time().seconds());
  // Refreshed tokens carry the step-up too.
  v1::RefreshRequest rf;
  rf.set_refresh_token(l.tokens().refresh_token());
  v1::TokenResponse tr;
  ASSERT_RPC_OK(server_->CallAuth("", &AuthService::Stub::Refresh, rf, &tr));
  EXPECT_TRUE(VerifyToken(tr.tokens().access_token()).mfa_present());
  // An access key has no session to step up.
  EXPECT_RPC(server_->CallAuth(alice_, &AuthService::Stub::StepUp, s, &sr),
             grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_P(MfaE2eTest, RememberedDevicesSkipTheCodeUntilRevokedOrExpired) {
  auto [secret, recovery] = Enrol("bob");
  SetMfa({{"mode", "required"}, {"remember_device_days", 2}});
  clock_.Advance(absl::Seconds(30));
  v1::LoginResponse l = Login("bob", "laptop");
  v1::LoginResponse ok = Verified(l.mfa_ticket(), Code(secret), /*remember=*/true);
  ASSERT_EQ(ok.status(), v1::LOGIN_STATUS_SUCCESS);
  const std::string dt = ok.device_token();
  ASSERT_TRUE(absl::StartsWith(dt, "dt1."));
  EXPECT_EQ(Login("bob", "laptop", "10.1.1.1", dt).status(), v1::LOGIN_STATUS_SUCCESS);
  // Bound to the device id, and useless without the token or with another.
  EXPECT_EQ(Login("bob", "phone", "10.1.1.1", dt).status(), v1::LOGIN_STATUS_MFA_REQUIRED);
  EXPECT_EQ(Login("bob", "laptop").status(), v1::LOGIN_STATUS_MFA_REQUIRED);
  EXPECT_EQ(Login("bob", "laptop", "10.1.1.1", dt + "x").status(), v1::LOGIN_STATUS_MFA_REQUIRED);
  // An unusual network asks even on the remembered device.
  EXPECT_EQ(Login("bob", "laptop", "172.16.5.5", dt).status(), v1::LOGIN_STATUS_MFA_REQUIRED);

  v1::ListDevicesRequest ld;
  v1::ListDevicesResponse devices;
  ASSERT_RPC_OK(server_->CallAuth(ok.tokens().access_token(), &AuthService::Stub::ListDevices, ld,
                                  &devices));
  bool found = false;
  for (const auto& d : devices.devices()) {
    if (d.device_id() == "laptop") {
      found = true;
      EXPECT_TRUE(d.trusted());
      EXPECT_EQ(d.state(), "known");
    }
  }
  EXPECT_TRUE(found);
  // Expiry.
  clock_.Advance(absl::Hours(49));
  EXPECT_EQ(Login("bob", "laptop", "10.1.1.1", dt).status(), v1::LOGIN_STATUS_MFA_REQUIRED);
  // Remember again, then revoke (the user's own call).
  l = Login("bob", "laptop");
  ok = Verified(l.mfa_ticket(), Code(secret), true);
  ASSERT_EQ(ok.status(), v1::LOGIN_STATUS_SUCCESS);
  EXPECT_EQ(Login("bob", "laptop", "10.1.1.1", ok.device_token()).status(),
            v1::LOGIN_STATUS_SUCCESS);
  v1::RevokeDeviceRequest rd;
  rd.set_device_id("laptop");
  v1::RevokeDeviceResponse rdr;
  ASSERT_RPC_OK(server_->CallAuth(ok.tokens().access_token(), &AuthService::Stub::RevokeDevice,
                                  rd, &rdr));
  EXPECT_EQ(Login("bob", "laptop", "10.1.1.1", ok.device_token()).status(),
            v1::LOGIN_STATUS_MFA_REQUIRED);
  EXPECT_FALSE(Audit("iam:RevokeDevice").empty());
  EXPECT_FALSE(Audit("iam:TrustDevice").empty());
}

TEST_P(MfaE2eTest, RiskBasedStepUpWhenOptional) {
  auto [secret, recovery] = Enrol("bob");  // learnt dev-1 from 10.1.1.1
  clock_.Advance(absl::Seconds(30));
  EXPECT_EQ(Login("bob").status(), v1::LOGIN_STATUS_SUCCESS);
  v1::LoginResponse l = Login("bob", "dev-1", "198.51.100.7");
  ASSERT_EQ(l.status(), v1::LOGIN_STATUS_MFA_REQUIRED);
  ASSERT_EQ(Verified(l.mfa_ticket(), Code(secret)).status(), v1::LOGIN_STATUS_SUCCESS);
  // Learnt: the network is usual now.
  EXPECT_EQ(Login("bob", "dev-1", "198.51.100.99").status(), v1::LOGIN_STATUS_SUCCESS);
  EXPECT_EQ(Login("bob", "tablet").status(), v1::LOGIN_STATUS_MFA_REQUIRED);
  EXPECT_EQ(Login("bob", "").status(), v1::LOGIN_STATUS_MFA_REQUIRED);
  auto logins = Audit("sts:Login");
  ASSERT_FALSE(logins.empty());
  EXPECT_EQ(logins.back()["risk"], "unknown device");
  // Forgotten after the memory period.
  SetMfa({{"risk_memory_days", 1}});
  clock_.Advance(absl::Hours(25));
  EXPECT_EQ(Login("bob").status(), v1::LOGIN_STATUS_MFA_REQUIRED);
  // A user without a factor is flagged, not stopped.
  CreateUser("erin");
  EXPECT_EQ(Login("erin", "new-device").status(), v1::LOGIN_STATUS_SUCCESS);
  EXPECT_EQ(Audit("sts:Login").back()["risk"], "unknown device");
  // Off: no step-up at all.
  SetMfa({{"mode", "off"}});
  EXPECT_EQ(Login("bob", "unknown", "203.0.113.1").status(), v1::LOGIN_STATUS_SUCCESS);
}

TEST_P(MfaE2eTest, DeviceBindingNeedsAdminApproval) {
  SetMfa({{"device_binding", true}});
  v1::LoginResponse l = Login("bob", "kiosk-7");
  EXPECT_EQ(l.status(), v1::LOGIN_STATUS_DEVICE_APPROVAL_REQUIRED);
  EXPECT_EQ(Login("bob", "").status(), v1::LOGIN_STATUS_FAILED);
  // A wrong password says nothing about devices.
  EXPECT_EQ(Login("bob", "kiosk-7", "10.1.1.1", "", "wrong-password-1").status(),
            v1::LOGIN_STATUS_FAILED);
  v1::ListDevicesRequest ld;
  ld.set_username("bob");
  v1::ListDevicesResponse devices;
  ASSERT_RPC_OK(server_->CallAuth(alice_, &AuthService::Stub::ListDevices, ld, &devices));
  ASSERT_EQ(devices.devices_size(), 1);
  EXPECT_EQ(devices.devices(0).state(), "pending");
  v1::ApproveDeviceRequest a;
  a.set_username("bob");
  a.set_device_id("kiosk-7");
  v1::ApproveDeviceResponse ar;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::ApproveDevice, a, &ar));
  l = Login("bob", "kiosk-7");
  ASSERT_EQ(l.status(), v1::LOGIN_STATUS_SUCCESS);
  // Users cannot approve their own devices.
  a.set_device_id("kiosk-8");
  EXPECT_RPC(server_->Call(l.tokens().access_token(), &AdminService::Stub::ApproveDevice, a, &ar),
             grpc::StatusCode::PERMISSION_DENIED);
  // Revoked: back to waiting.
  v1::RevokeDeviceRequest rd;
  rd.set_username("bob");
  rd.set_device_id("kiosk-7");
  v1::RevokeDeviceResponse rdr;
  ASSERT_RPC_OK(server_->CallAuth(alice_, &AuthService::Stub::RevokeDevice, rd, &rdr));
  EXPECT_EQ(Login("bob", "kiosk-7").status(), v1::LOGIN_STATUS_DEVICE_APPROVAL_REQUIRED);
  // A device id bob never logged in from cannot be approved in advance:
  // nothing is created, and whoever later claims that id still waits.
  a.set_device_id("iamctl-3f2a");
  EXPECT_RPC(server_->Call(alice_, &AdminService::Stub::ApproveDevice, a, &ar),
             grpc::StatusCode::NOT_FOUND);
  ASSERT_RPC_OK(server_->CallAuth(alice_, &AuthService::Stub::ListDevices, ld, &devices));
  for (const auto& d : devices.devices()) EXPECT_NE(d.device_id(), "iamctl-3f2a");
  EXPECT_EQ(Login("bob", "iamctl-3f2a").status(), v1::LOGIN_STATUS_DEVICE_APPROVAL_REQUIRED);
}

TEST_P(MfaE2eTest, LoginIpAllowlistsPerAccountAndUser) {
  ASSERT_RPC_OK(SetPolicy("ip_allowlist", {{"cidrs", {"10.0.0.0/8", "2001:db8::/32"}}}));
  EXPECT_EQ(Login("bob", "dev-1", "192.168.1.1").status(), v1::LOGIN_STATUS_FAILED);
  EXPECT_EQ(Login("bob", "dev-1", "10.9.9.9").status(), v1::LOGIN_STATUS_SUCCESS);
  EXPECT_EQ(Login("bob", "dev-1", "2001:db8::7").status(), v1::LOGIN_STATUS_SUCCESS);
  EXPECT_EQ(Login("bob", "dev-1", "2001:db9::7").status(), v1::LOGIN_STATUS_FAILED);
  auto logins = Audit("sts:Login");
  EXPECT_EQ(logins.back()["reason"], "source address not in the login IP allowlist");
  v1::SetUserIpAllowlistRequest u;
  u.set_username("bob");
  u.add_cidrs("10.1.0.0/16");
  v1::UserIpAllowlist out;
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::SetUserIpAllowlist, u, &out));
  EXPECT_EQ(Login("bob", "dev-1", "10.9.9.9").status(), v1::LOGIN_STATUS_FAILED);
  EXPECT_EQ(Login("bob", "dev-1", "10.1.2.3").status(), v1::LOGIN_STATUS_SUCCESS);
  v1::GetUserIpAllowlistRequest g;
  g.set_username("bob");
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::GetUserIpAllowlist, g, &out));
  ASSERT_EQ(out.cidrs_size(), 1);
  EXPECT_EQ(out.cidrs(0), "10.1.0.0/16");
  // Bad lists are refused whole, naming the entry, and change nothing.
  u.add_cidrs("10.1.2.3/8");
  EXPECT_RPC(server_->Call(alice_, &AdminService::Stub::SetUserIpAllowlist, u, &out),
             grpc::StatusCode::INVALID_ARGUMENT);
  u.clear_cidrs();
  u.add_cidrs("'; DROP TABLE users; --");
  EXPECT_RPC(server_->Call(alice_, &AdminService::Stub::SetUserIpAllowlist, u, &out),
             grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Login("bob", "dev-1", "10.1.2.3").status(), v1::LOGIN_STATUS_SUCCESS);
  EXPECT_RPC(SetPolicy("ip_allowlist", {{"cidrs", {"300.0.0.0/8"}}}),
             grpc::StatusCode::INVALID_ARGUMENT);
  // Clearing both opens logins from anywhere again.
  u.clear_cidrs();
  ASSERT_RPC_OK(server_->Call(alice_, &AdminService::Stub::SetUserIpAllowlist, u, &out));
  ASSERT_RPC_OK(SetPolicy("ip_allowlist", {{"cidrs", nlohmann::json::array()}}));
  EXPECT_EQ(Login("bob", "dev-1", "192.168.1.1").status(), v1::LOGIN_STATUS_SUCCESS);
}

TEST_P(MfaE2eTest, HostileInput) {
  v1::LoginResponse r;
  EXPECT_RPC(VerifyMfa("", "123456", &r), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_RPC(VerifyMfa("garbage", "123456", &r), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_RPC(VerifyMfa("mt1." + std::string(5000, 'a'), "123456", &r),
             grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_RPC(VerifyMfa("mt1.abc", "12ab56", &r), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_RPC(VerifyMfa("mt1.abc", "", &r), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_RPC(VerifyMfa("mt1.abc", "123456", &r, false, "abcd-efgh-jkmn-pqrs"),
             grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_RPC(VerifyMfa("mt1.' OR 1=1 --", "123456", &r), grpc::StatusCode::OK);
  EXPECT_EQ(r.status(), v1::LOGIN_STATUS_FAILED);
  nlohmann::json p = MfaPolicy();
  p["ticket_max_failures"] = 0;
  EXPECT_RPC(SetPolicy("mfa", p), grpc::StatusCode::INVALID_ARGUMENT);
  p = MfaPolicy();
  p.erase("mode");
  EXPECT_RPC(SetPolicy("mfa", p), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(MfaPolicy()["mode"], "optional");  // nothing changed
  // Self-service calls need a session or a user; admin calls need rights.
  v1::BeginTotpEnrollmentRequest b;
  v1::BeginTotpEnrollmentResponse br;
  EXPECT_RPC(server_->CallAuth("", &AuthService::Stub::BeginTotpEnrollment, b, &br),
             grpc::StatusCode::UNAUTHENTICATED);
  v1::LoginResponse l = Login("bob");
  v1::ResetUserMfaRequest rr;
  rr.set_username("alice");
  v1::ResetUserMfaResponse rresp;
  EXPECT_RPC(server_->Call(l.tokens().access_token(), &AdminService::Stub::ResetUserMfa, rr, &rresp),
             grpc::StatusCode::PERMISSION_DENIED);
  v1::GetMfaStatusRequest gs;
  gs.set_username("alice");
  v1::MfaStatus st;
  EXPECT_RPC(server_->CallAuth(l.tokens().access_token(), &AuthService::Stub::GetMfaStatus, gs, &st),
             grpc::StatusCode::PERMISSION_DENIED);
}

TEST_P(MfaE2eTest, ConcurrentUseOfOneCodeSucceedsOnce) {
  auto [secret, recovery] = Enrol("bob");
  SetMfa({{"mode", "required"}});
  clock_.Advance(absl::Seconds(30));
  std::vector<std::string> tickets;
  for (int i = 0; i < 6; ++i) tickets.push_back(Login("bob").mfa_ticket());
  const std::string code = Code(secret);
  std::atomic<int> successes{0};
  std::vector<std::thread> threads;
  for (const auto& t : tickets) {
    threads.emplace_back([&, t] {
      v1::LoginResponse r;
      if (VerifyMfa(t, code, &r).ok() && r.status() == v1::LOGIN_STATUS_SUCCESS) ++successes;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(successes.load(), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, MfaE2eTest,
                         ::testing::Values(Backend::kSqlite, Backend::kMysql),
                         [](const auto& info) {
                           return info.param == Backend::kSqlite ? "sqlite" : "mysql";
                         });

}  // namespace
}  // namespace iam::e2e
