// iamctl mfa enroll | confirm | recovery-codes | reset | status,
// iamctl device list | revoke | approve, and
// iamctl account set-ip-allowlist.
#include <iostream>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "iam/cli/commands.h"
#include "iam/cli/mfa_flow.h"
#include "iam/cli/output.h"
#include "iam/cli/secret_input.h"

namespace iam::cli {
namespace {

using v1::AdminService;
using v1::AuthService;

// The code from the command line, or prompted for.
std::string CodeOrPrompt(const std::string& given) {
  return given.empty() ? ReadSecret("code from the app: ") : given;
}

void PrintCodes(const google::protobuf::RepeatedPtrField<std::string>& codes) {
  std::cout << "recovery codes (each works once; keep them safe, they are not shown again):\n";
  for (const auto& code : codes) std::cout << "  " << code << "\n";
}

void PrintMfaStatus(const Args&, const v1::MfaStatus& r) {
  PrintTable(
      {"ENROLLED", "TOTP", "RECOVERY CODES", "POLICY", "REQUIRED", "FAILURES"},
      {{r.enrolled() ? "yes" : (r.pending() ? "pending" : "no"),
        r.enrolled() ? absl::StrCat(r.algorithm(), "/", r.digits(), "/", r.period_seconds(), "s")
                     : "-",
        absl::StrCat(r.recovery_codes_left()), r.policy_mode(), r.required() ? "yes" : "no",
        absl::StrCat(r.consecutive_failures())}});
}

void PrintDevices(const Args&, const v1::ListDevicesResponse& r) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& d : r.devices()) {
    rows.push_back({d.device_id(), d.state(),
                    d.trusted() ? FormatTime(d.trusted_until(), true) : "-",
                    FormatTime(d.last_seen_time(), true), d.last_ip()});
  }
  PrintTable({"DEVICE", "STATE", "REMEMBERED UNTIL", "LAST SEEN", "LAST IP"}, rows);
}

// Without --user the account's list; with it, that user's own.
int SetIpAllowlist(Context& c, const Args& a) {
  if (!a["--user"].empty()) {
    v1::SetUserIpAllowlistRequest q;
    q.set_account_id(a["--account"]);
    q.set_username(a["--user"]);
    for (const auto& x : a.List("--cidr")) q.add_cidrs(x);
    v1::UserIpAllowlist r;
    auto s = Invoke(c, &AdminService::Stub::SetUserIpAllowlist, q, &r);
    return Render(c, s, r, [&] {
      std::cout << a["--user"] << ": "
                << (r.cidrs().empty() ? "anywhere" : absl::StrJoin(r.cidrs(), ", ")) << "\n";
    });
  }
  v1::SetAccountPolicyRequest q;
  q.set_account_id(a["--account"]);
  q.set_kind("ip_allowlist");
  q.set_document(nlohmann::json{{"cidrs", a.List("--cidr")}}.dump());
  v1::AccountPolicy r;
  auto s = Invoke(c, &AdminService::Stub::SetAccountPolicy, q, &r);
  return Render(c, s, r, [&] { PrintPolicyDocument(a, r); });
}

// --user, the user an admin asks about (default: yourself).
Arg UserArg() { return Text("--user").Into("username"); }

}  // namespace

std::vector<Command> MfaCommands() {
  return {
      {"mfa enroll", "begin TOTP enrolment: a QR code for your app", {},
       Call(&AuthService::Stub::BeginTotpEnrollment,
            [](const Args&, const v1::BeginTotpEnrollmentResponse& r) {
              PrintEnrollment(r);
              std::cout << "then: iamctl mfa confirm <code>\n";
            })},
      {"mfa confirm", "activate the factor with one code from the app",
       {Text("code", "the app's current code (prompted for when absent)")},
       Call(&AuthService::Stub::ConfirmTotpEnrollment,
            [](const Args& a, v1::ConfirmTotpEnrollmentRequest& q) {
              q.set_code(CodeOrPrompt(a["code"]));
            },
            [](const Args&, const v1::ConfirmTotpEnrollmentResponse& r) {
              std::cout << "second factor active\n";
              PrintCodes(r.recovery_codes());
            })},
      {"mfa recovery-codes", "a new set of recovery codes (the old set stops working)",
       {Text("--code", "the app's current code (prompted for when absent)")},
       Call(&AuthService::Stub::RegenerateRecoveryCodes,
            [](const Args& a, v1::RegenerateRecoveryCodesRequest& q) {
              q.set_code(CodeOrPrompt(a["--code"]));
            },
            [](const Args&, const v1::RegenerateRecoveryCodesResponse& r) {
              PrintCodes(r.recovery_codes());
            })},
      {"mfa reset", "remove a user's factor and recovery codes (admins)",
       {UserArg().Required(), AccountArg()},
       Call(&AdminService::Stub::ResetUserMfa,
            Says([](const Args& a, const v1::ResetUserMfaResponse&) {
              return "MFA reset for " + a["--user"];
            }))},
      {"mfa status", "your MFA status, or a user's (admins)", {UserArg(), AccountArg()},
       Call(&AuthService::Stub::GetMfaStatus, PrintMfaStatus)},
      {"device list", "your devices, or a user's (admins)", {UserArg(), AccountArg()},
       Call(&AuthService::Stub::ListDevices, PrintDevices)},
      {"device revoke", "forget a device's trust and approval",
       {Text("device").Required().Into("device_id"), UserArg(), AccountArg()},
       Call(&AuthService::Stub::RevokeDevice,
            Says([](const Args& a, const v1::RevokeDeviceResponse&) {
              return "revoked " + a["device"];
            }))},
      {"device approve", "let a device log in where the account binds devices (admins)",
       {Text("device").Required().Into("device_id"), UserArg().Required(), AccountArg()},
       Call(&AdminService::Stub::ApproveDevice,
            Says([](const Args& a, const v1::ApproveDeviceResponse&) {
              return "approved " + a["device"];
            }))},
      {"account set-ip-allowlist",
       "networks logins may come from (no --cidr: anywhere); with --user, that user's own list",
       {Texts("--cidr", "an IPv4 or IPv6 network (repeatable)"), Text("--user"), AccountArg()},
       SetIpAllowlist},
  };
}

}  // namespace iam::cli
