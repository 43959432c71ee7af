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

struct UserArgs {
  std::string account, user, device, code;
  std::vector<std::string> cidrs;
};

void AddMfa(CLI::App& app, Action* run) {
  auto* mfa = app.add_subcommand("mfa", "your second factor (TOTP), recovery codes");
  mfa->require_subcommand(1);
  {
    auto* cmd = mfa->add_subcommand("enroll", "begin TOTP enrolment: a QR code for your app");
    cmd->callback([run] {
      *run = [](Context& c) {
        v1::BeginTotpEnrollmentRequest q;
        v1::BeginTotpEnrollmentResponse r;
        auto s = InvokeAuth(c, &AuthService::Stub::BeginTotpEnrollment, q, &r);
        return Render(c, s, r, [&] {
          PrintEnrollment(r);
          std::cout << "then: iamctl mfa confirm <code>\n";
        });
      };
    });
  }
  {
    auto a = std::make_shared<UserArgs>();
    auto* cmd = mfa->add_subcommand("confirm", "activate the factor with one code from the app");
    cmd->add_option("code", a->code, "the app's current code (prompted for when absent)");
    cmd->callback([run, a] {
      *run = [a](Context& c) {
        v1::ConfirmTotpEnrollmentRequest q;
        q.set_code(CodeOrPrompt(a->code));
        v1::ConfirmTotpEnrollmentResponse r;
        auto s = InvokeAuth(c, &AuthService::Stub::ConfirmTotpEnrollment, q, &r);
        return Render(c, s, r, [&] {
          std::cout << "second factor active\n";
          PrintCodes(r.recovery_codes());
        });
      };
    });
  }
  {
    auto a = std::make_shared<UserArgs>();
    auto* cmd = mfa->add_subcommand("recovery-codes", "a new set of recovery codes (the old set stops working)");
    cmd->add_option("--code", a->code, "the app's current code (prompted for when absent)");
    cmd->callback([run, a] {
      *run = [a](Context& c) {
        v1::RegenerateRecoveryCodesRequest q;
        q.set_code(CodeOrPrompt(a->code));
        v1::RegenerateRecoveryCodesResponse r;
        auto s = InvokeAuth(c, &AuthService::Stub::RegenerateRecoveryCodes, q, &r);
        return Render(c, s, r, [&] { PrintCodes(r.recovery_codes()); });
      };
    });
  }
  {
    auto a = std::make_shared<UserArgs>();
    auto* cmd = mfa->add_subcommand("reset", "remove a user's factor and recovery codes (admins)");
    cmd->add_option("--user", a->user)->required();
    cmd->add_option("--account", a->account, "account id (default: your own)");
    cmd->callback([run, a] {
      *run = [a](Context& c) {
        v1::ResetUserMfaRequest q;
        q.set_account_id(a->account);
        q.set_username(a->user);
        v1::ResetUserMfaResponse r;
        auto s = Invoke(c, &AdminService::Stub::ResetUserMfa, q, &r);
        return Render(c, s, r, [&] { std::cout << "MFA reset for " << a->user << "\n"; });
      };
    });
  }
  {
    auto a = std::make_shared<UserArgs>();
    auto* cmd = mfa->add_subcommand("status", "your MFA status, or a user's (admins)");
    cmd->add_option("--user", a->user);
    cmd->add_option("--account", a->account, "account id (default: your own)");
    cmd->callback([run, a] {
      *run = [a](Context& c) {
        v1::GetMfaStatusRequest q;
        q.set_account_id(a->account);
        q.set_username(a->user);
        v1::MfaStatus r;
        auto s = InvokeAuth(c, &AuthService::Stub::GetMfaStatus, q, &r);
        return Render(c, s, r, [&] {
          PrintTable({"ENROLLED", "TOTP", "RECOVERY CODES", "POLICY", "REQUIRED", "FAILURES"},
                     {{r.enrolled() ? "yes" : (r.pending() ? "pending" : "no"),
                       r.enrolled() ? absl::StrCat(r.algorithm(), "/", r.digits(), "/",
                                                   r.period_seconds(), "s")
                                    : "-",
                       absl::StrCat(r.recovery_codes_left()), r.policy_mode(),
                       r.required() ? "yes" : "no", absl::StrCat(r.consecutive_failures())}});
        });
      };
    });
  }
}

void AddDevice(CLI::App& app, Action* run) {
  auto* device = app.add_subcommand("device", "devices you log in from");
  device->require_subcommand(1);
  {
    auto a = std::make_shared<UserArgs>();
    auto* cmd = device->add_subcommand("list", "your devices, or a user's (admins)");
    cmd->add_option("--user", a->user);
    cmd->add_option("--account", a->account, "account id (default: your own)");
    cmd->callback([run, a] {
      *run = [a](Context& c) {
        v1::ListDevicesRequest q;
        q.set_account_id(a->account);
        q.set_username(a->user);
        v1::ListDevicesResponse r;
        auto s = InvokeAuth(c, &AuthService::Stub::ListDevices, q, &r);
        return Render(c, s, r, [&] {
          std::vector<std::vector<std::string>> rows;
          for (const auto& d : r.devices()) {
            rows.push_back({d.device_id(), d.state(),
                            d.trusted() ? FormatTime(d.trusted_until(), true) : "-",
                            FormatTime(d.last_seen_time(), true), d.last_ip()});
          }
          PrintTable({"DEVICE", "STATE", "REMEMBERED UNTIL", "LAST SEEN", "LAST IP"}, rows);
        });
      };
    });
  }
  for (const char* verb : {"revoke", "approve"}) {
    const bool approve = std::string(verb) == "approve";
    auto a = std::make_shared<UserArgs>();
    auto* cmd = device->add_subcommand(
        verb, approve ? "let a device log in where the account binds devices (admins)"
                      : "forget a device's trust and approval");
    cmd->add_option("device", a->device)->required();
    auto* user = cmd->add_option("--user", a->user);
    if (approve) user->required();
    cmd->add_option("--account", a->account, "account id (default: your own)");
    cmd->callback([run, a, approve] {
      *run = [a, approve](Context& c) {
        if (approve) {
          v1::ApproveDeviceRequest q;
          q.set_account_id(a->account);
          q.set_username(a->user);
          q.set_device_id(a->device);
          v1::ApproveDeviceResponse r;
          auto s = Invoke(c, &AdminService::Stub::ApproveDevice, q, &r);
          return Render(c, s, r, [&] { std::cout << "approved " << a->device << "\n"; });
        }
        v1::RevokeDeviceRequest q;
        q.set_account_id(a->account);
        q.set_username(a->user);
        q.set_device_id(a->device);
        v1::RevokeDeviceResponse r;
        auto s = InvokeAuth(c, &AuthService::Stub::RevokeDevice, q, &r);
        return Render(c, s, r, [&] { std::cout << "revoked " << a->device << "\n"; });
      };
    });
  }
}

void AddIpAllowlist(CLI::App& app, Action* run) {
  CLI::App* account = app.get_subcommand("account");
  auto a = std::make_shared<UserArgs>();
  auto* cmd = account->add_subcommand(
      "set-ip-allowlist",
      "networks logins may come from (no --cidr: anywhere); with --user, that user's own list");
  cmd->add_option("--cidr", a->cidrs, "an IPv4 or IPv6 network (repeatable)");
  cmd->add_option("--user", a->user);
  cmd->add_option("--account", a->account, "account id (default: your own)");
  cmd->callback([run, a] {
    *run = [a](Context& c) {
      if (!a->user.empty()) {
        v1::SetUserIpAllowlistRequest q;
        q.set_account_id(a->account);
        q.set_username(a->user);
        for (const auto& x : a->cidrs) q.add_cidrs(x);
        v1::UserIpAllowlist r;
        auto s = Invoke(c, &AdminService::Stub::SetUserIpAllowlist, q, &r);
        return Render(c, s, r, [&] {
          std::cout << a->user << ": " << (r.cidrs().empty() ? "anywhere" : absl::StrJoin(r.cidrs(), ", "))
                    << "\n";
        });
      }
      v1::SetAccountPolicyRequest q;
      q.set_account_id(a->account);
      q.set_kind("ip_allowlist");
      q.set_document(nlohmann::json{{"cidrs", a->cidrs}}.dump());
      v1::AccountPolicy r;
      auto s = Invoke(c, &AdminService::Stub::SetAccountPolicy, q, &r);
      return Render(c, s, r, [&] {
        std::cout << nlohmann::json::parse(r.document()).dump(2) << "\n";
      });
    };
  });
}

}  // namespace

void AddMfaCommands(CLI::App& app, Action* run) {
  AddMfa(app, run);
  AddDevice(app, run);
  AddIpAllowlist(app, run);
}

}  // namespace iam::cli
