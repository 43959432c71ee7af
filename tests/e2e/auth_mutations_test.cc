// Every method of AuthService that may change state, found from the service
// descriptor, on both stores, as a user's sign-in goes: log in, refresh,
// enrol a second factor, step up, log in with it, revoke, log out. When the
// store refuses audit records, each call fails and leaves every table as it
// was; when it accepts them, each call writes exactly the records listed.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "iam/mfa/totp.h"
#include "iam/v1/admin_service.grpc.pb.h"
#include "iam/v1/audit_service.grpc.pb.h"
#include "iam/v1/auth_service.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "tests/e2e/mutation_test.h"

namespace iam::e2e {
namespace {

using v1::AdminService;
using v1::AuthService;

constexpr char kPassword[] = "Correct-Horse-Battery-9";
constexpr char kNewPassword[] = "Another-Horse-Battery-7";

struct Step {
  std::string method;
  // The actions of the records the call writes, in order.
  std::vector<std::string> records;
  // Makes the call: not OK when it failed or did not do what it should.
  std::function<grpc::Status()> call;
  std::function<void()> before = nullptr;  // sets up what the call needs
};

class AuthMutationsTest : public MutationTest {
 protected:
  void SetUp() override {
    MutationTest::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    v1::CreateUserRequest r;
    r.set_username("bob");
    v1::User u;
    ASSERT_TRUE(server_->Call(alice_, &AdminService::Stub::CreateUser, r, &u).ok());
    v1::SetUserPasswordRequest p;
    p.set_username("bob");
    p.set_password(kPassword);
    p.set_permanent(true);
    v1::SetUserPasswordResponse pr;
    ASSERT_TRUE(server_->Call(alice_, &AdminService::Stub::SetUserPassword, p, &pr).ok());
  }

  grpc::Status Login(const std::string& password, v1::LoginResponse* out) {
    v1::LoginRequest r;
    r.set_account(acme_);
    r.set_username("bob");
    r.set_password(password);
    r.set_device_id("laptop");
    return server_->CallAuth("", &AuthService::Stub::Login, r, out);
  }

  // The code an authenticator shows now, a step later than the last one
  // used (a code is good once).
  std::string NextCode() {
    clock_.Advance(absl::Seconds(30));
    const int64_t step = mfa::TotpStep(absl::ToUnixSeconds(clock_.Now()), 30);
    return *mfa::TotpCode(secret_, {mfa::TotpAlgorithm::kSha1, 6, 30}, step);
  }

  std::vector<Step> Steps() {
    return {
        // A record for each object a call changes: the session it opens, and the
        // user's sign-in.
        {"Login",
         {"sts:CreateSession", "sts:Login"},
         [&] { return LoginExpecting(kPassword, v1::LOGIN_STATUS_SUCCESS); }},
        {"Refresh",
         {"sts:RefreshSession"},
         [&] {
           v1::RefreshRequest r;
           r.set_refresh_token(tokens_.refresh_token());
           v1::TokenResponse out;
           grpc::Status s = server_->CallAuth("", &AuthService::Stub::Refresh, r, &out);
           if (s.ok()) tokens_ = out.tokens();
           return s;
         }},
        {"IssueToken",
         {"sts:IssueToken"},
         [&] {
           v1::IssueTokenRequest r;
           r.set_audience("billing");
           v1::IssueTokenResponse out;
           return server_->CallAuth(tokens_.access_token(), &AuthService::Stub::IssueToken, r,
                                    &out);
         }},
        {"ChangePassword",
         {"iam:ChangePassword"},
         [&] {
           v1::ChangePasswordRequest r;
           r.set_old_password(kPassword);
           r.set_new_password(kNewPassword);
           v1::ChangePasswordResponse out;
           return server_->CallAuth(tokens_.access_token(), &AuthService::Stub::ChangePassword, r,
                                    &out);
         }},
        {"BeginTotpEnrollment",
         {"iam:CreateVirtualMFADevice"},
         [&] {
           v1::BeginTotpEnrollmentRequest r;
           v1::BeginTotpEnrollmentResponse out;
           grpc::Status s = server_->CallAuth(tokens_.access_token(),
                                              &AuthService::Stub::BeginTotpEnrollment, r, &out);
           if (s.ok()) secret_ = Base32Decoded(out.secret());
           return s;
         }},
        {"ConfirmTotpEnrollment",
         {"iam:EnableMFADevice"},
         [&] {
           v1::ConfirmTotpEnrollmentRequest r;
           r.set_code(NextCode());
           v1::ConfirmTotpEnrollmentResponse out;
           return server_->CallAuth(tokens_.access_token(),
                                    &AuthService::Stub::ConfirmTotpEnrollment, r, &out);
         }},
        {"StepUp",
         {"sts:VerifyMfa", "sts:StepUp"},
         [&] {
           v1::StepUpRequest r;
           r.set_code(NextCode());
           v1::StepUpResponse out;
           return server_->CallAuth(tokens_.access_token(), &AuthService::Stub::StepUp, r, &out);
         }},
        {"RegenerateRecoveryCodes",
         {"sts:VerifyMfa", "iam:RegenerateRecoveryCodes"},
         [&] {
           v1::RegenerateRecoveryCodesRequest r;
           r.set_code(NextCode());
           v1::RegenerateRecoveryCodesResponse out;
           return server_->CallAuth(tokens_.access_token(),
                                    &AuthService::Stub::RegenerateRecoveryCodes, r, &out);
         }},
        // With a factor, a login asks for a code and hands out a ticket.
        {"Login",
         {"sts:Login"},
         [&] { return LoginExpecting(kNewPassword, v1::LOGIN_STATUS_MFA_REQUIRED); },
         [&] { RequireMfa(); }},
        {"VerifyMfa",
         {"sts:VerifyMfa", "sts:CreateSession", "sts:Login"},
         [&] {
           v1::VerifyMfaRequest r;
           r.set_ticket(ticket_);
           r.set_code(NextCode());
           v1::LoginResponse out;
           grpc::Status s = server_->CallAuth("", &AuthService::Stub::VerifyMfa, r, &out);
           if (s.ok() && out.status() != v1::LOGIN_STATUS_SUCCESS) {
             return grpc::Status(grpc::StatusCode::ABORTED, out.message());
           }
           if (s.ok()) {
             first_session_ = tokens_.session_id();
             tokens_ = out.tokens();
           }
           return s;
         }},
        {"RevokeSession",
         {"sts:RevokeSession"},
         [&] {
           v1::RevokeSessionRequest r;
           r.set_session_id(first_session_);
           v1::RevokeSessionResponse out;
           return server_->CallAuth(tokens_.access_token(), &AuthService::Stub::RevokeSession, r,
                                    &out);
         }},
        {"RevokeDevice",
         {"iam:RevokeDevice"},
         [&] {
           v1::RevokeDeviceRequest r;
           r.set_username("bob");
           r.set_device_id("laptop");
           v1::RevokeDeviceResponse out;
           return server_->CallAuth(alice_, &AuthService::Stub::RevokeDevice, r, &out);
         }},
        // iamctl through the browser: the code, then (once the browser
        // allowed it, written here as the page would) its own session.
        {"StartDeviceLogin",
         {"sts:StartDeviceLogin"},
         [&] {
           v1::StartDeviceLoginRequest r;
           r.set_account(acme_);
           v1::StartDeviceLoginResponse out;
           grpc::Status s = server_->CallAuth("", &AuthService::Stub::StartDeviceLogin, r, &out);
           device_code_ = out.device_code();
           return s;
         }},
        {"FinishDeviceLogin",
         {"sts:CreateSession", "sts:Login"},
         [&] {
           v1::FinishDeviceLoginRequest r;
           r.set_account_id(acme_);
           r.set_device_code(device_code_);
           v1::FinishDeviceLoginResponse out;
           grpc::Status s = server_->CallAuth("", &AuthService::Stub::FinishDeviceLogin, r, &out);
           if (s.ok() && out.state() != v1::DEVICE_LOGIN_STATE_DONE) {
             return grpc::Status(grpc::StatusCode::ABORTED, "not done");
           }
           return s;
         },
         [&] {
           const std::string user =
               Rows("SELECT user_id FROM sessions WHERE id = '" + tokens_.session_id() + "'")
                   .at(0)
                   .at(0);
           ASSERT_TRUE(t_->db()
                           .Transact(store::TxMode::kWrite,
                                     [&](store::Tx& tx) {
                                       return tx
                                           .Exec("UPDATE oauth_device_codes SET status = "
                                                 "'approved', user_id = ?, session_id = ?",
                                                 {user, tokens_.session_id()})
                                           .status();
                                     })
                           .ok());
         }},
        {"Logout",
         {"sts:Logout"},
         [&] {
           v1::LogoutRequest r;
           v1::LogoutResponse out;
           return server_->CallAuth(tokens_.access_token(), &AuthService::Stub::Logout, r, &out);
         }},
    };
  }

  void RequireMfa() {
    v1::GetAccountPolicyRequest g;
    g.set_kind("mfa");
    v1::AccountPolicy current;
    ASSERT_TRUE(server_->Call(alice_, &AdminService::Stub::GetAccountPolicy, g, &current).ok());
    nlohmann::json doc = nlohmann::json::parse(current.document());
    doc["mode"] = "required";
    v1::SetAccountPolicyRequest r;
    r.set_kind("mfa");
    r.set_document(doc.dump());
    v1::AccountPolicy out;
    grpc::Status s = server_->Call(alice_, &AdminService::Stub::SetAccountPolicy, r, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  grpc::Status LoginExpecting(const std::string& password, v1::LoginStatus expected) {
    v1::LoginResponse out;
    grpc::Status s = Login(password, &out);
    if (!s.ok()) return s;
    if (out.status() != expected) {
      return grpc::Status(
          grpc::StatusCode::ABORTED,
          absl::StrCat("login answered ", v1::LoginStatus_Name(out.status()), ": ", out.message()));
    }
    if (out.has_tokens()) tokens_ = out.tokens();
    ticket_ = out.mfa_ticket();
    return s;
  }

  static std::string Base32Decoded(const std::string& b32) {
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    std::string out;
    uint32_t buffer = 0;
    int bits = 0;
    for (char c : b32) {
      const char* at = std::strchr(kAlphabet, c);
      if (c == '=' || at == nullptr) continue;
      buffer = (buffer << 5) | static_cast<uint32_t>(at - kAlphabet);
      bits += 5;
      if (bits >= 8) {
        bits -= 8;
        out.push_back(static_cast<char>((buffer >> bits) & 0xff));
      }
    }
    return out;
  }

  v1::Tokens tokens_;
  std::string ticket_, secret_, first_session_, device_code_;
};

TEST_P(AuthMutationsTest, EveryMutatingMethodHasAStep) {
  std::set<std::string> covered;
  for (const Step& s : Steps()) covered.insert(s.method);
  // Answers from what is there: verifying a token changes nothing.
  for (const std::string& name : MutatingMethods("iam.v1.AuthService", {"VerifyToken"})) {
    EXPECT_TRUE(covered.count(name)) << name << " may change state but has no step here";
  }
  // The audit service only reads (an export's own record is the export).
  EXPECT_EQ(MutatingMethods("iam.v1.AuditService", {"QueryAudit", "VerifyAudit"}),
            std::vector<std::string>{});
}

TEST_P(AuthMutationsTest, EachWritesItsRecordsAndNothingWithoutThem) {
  for (const Step& step : Steps()) {
    SCOPED_TRACE(step.method);
    if (step.before) step.before();
    const auto tables = Tables();
    RefuseAuditRecords(true);
    grpc::Status refused = step.call();
    RefuseAuditRecords(false);
    EXPECT_FALSE(refused.ok()) << "answered OK without its audit record";
    ExpectTablesUnchanged(tables);

    const auto before = AuditRecords();
    grpc::Status s = step.call();
    ASSERT_TRUE(s.ok()) << s.error_message();
    std::vector<std::string> actions;
    for (const auto& r : AddedSince(before)) actions.push_back(r[2]);
    EXPECT_EQ(actions, step.records);
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, AuthMutationsTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kMysql),
                         testing::BackendParamName());

}  // namespace
}  // namespace iam::e2e
