// iamctl login | logout | password change | session ... and the
// authentication settings under account, user and key.
#include <google/protobuf/util/time_util.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>
#include <chrono>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "iam/common/pow_puzzle.h"
#include "iam/common/status_macros.h"
#include "iam/cli/commands.h"
#include "iam/cli/duration.h"
#include "iam/cli/mfa_flow.h"
#include "iam/cli/output.h"
#include "iam/cli/secret_input.h"
#include "iam/cli/policy_fields.h"
#include "policy/json_syntax.h"

namespace iam::cli {

absl::Status ApplySetting(nlohmann::json& doc, const std::string& assignment) {
  const size_t eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0) {
    return absl::InvalidArgumentError("--set: expected key=value");
  }
  const std::string value = assignment.substr(eq + 1);
  nlohmann::json parsed = nlohmann::json::parse(value, nullptr, false);
  // Lists (required_groups=["admins"]) are JSON; anything else that does not
  // parse, or an object, is the literal text.
  if (parsed.is_discarded() || parsed.is_object()) parsed = value;
  nlohmann::json* at = &doc;
  std::vector<std::string> path = absl::StrSplit(assignment.substr(0, eq), '.');
  for (size_t i = 0; i + 1 < path.size(); ++i) at = &(*at)[path[i]];
  (*at)[path.back()] = parsed;
  return absl::OkStatus();
}

namespace {

using v1::AdminService;
using v1::AuthService;

void PrintSessions(const google::protobuf::RepeatedPtrField<v1::Session>& sessions) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& s : sessions) {
    rows.push_back({s.id(), s.user_id(), s.client_type(), s.state(), s.source_ip(), s.device_id(),
                    FormatTime(s.create_time(), true), FormatTime(s.expire_time(), true)});
  }
  PrintTable({"SESSION", "USER ID", "CLIENT", "STATE", "SOURCE", "DEVICE", "CREATED", "EXPIRES"},
             rows);
}

std::string RandomDeviceId() {
  std::random_device rd;
  static const char kHex[] = "0123456789abcdef";
  std::string id = "iamctl-";
  for (int i = 0; i < 16; ++i) id.push_back(kHex[rd() & 15]);
  return id;
}

int Finish(Context& c, const grpc::Status& s, const v1::LoginResponse& r, const std::string& who);
int LoginWeb(Context& c, const Args& a);

// The profile's device id: drawn once per profile and kept there.
absl::StatusOr<std::string> ProfileDeviceId(Context& c) {
  std::string id = ProfileValue(c.options().profile, "device_id");
  if (id.empty()) {
    id = RandomDeviceId();
    RETURN_IF_ERROR(UpdateProfile(c.options().profile, {{"device_id", id}}, {}));
  }
  return id;
}

// How many times a new password is asked for before the login gives up.
constexpr int kNewPasswordAttempts = 3;

int Login(Context& c, const Args& a) {
  if (a.Flag("--web")) return LoginWeb(c, a);
  if (a["--username"].empty()) {
    return Fail(absl::InvalidArgumentError(
        "--username: required for a password login (or log in through the browser with --web)"));
  }
  v1::LoginRequest q;
  q.set_account(a["--account"]);
  q.set_username(a["--username"]);
  q.set_client_type(a["--client-type"].empty() ? "api" : a["--client-type"]);
  q.set_challenge_proof(a["--challenge-proof"]);
  q.set_audience(a["--audience"]);
  // The device is this profile's: one id per profile, drawn once, and the
  // device token a remembered login left there.
  if (a["--device-id"].empty()) {
    auto id = ProfileDeviceId(c);
    if (!id.ok()) return Fail(id.status());
    q.set_device_id(*id);
  } else {
    q.set_device_id(a["--device-id"]);
  }
  if (q.device_id() == ProfileValue(c.options().profile, "device_id")) {
    q.set_device_token(ProfileValue(c.options().profile, "device_token"));
  }
  q.set_password(ReadSecret("password: "));
  v1::LoginResponse r;
  auto s = Invoke(c, &AuthService::Stub::Login, q, &r);
  // The built-in challenge is work, not a picture: iamctl does it. A hosted
  // captcha needs a browser.
  if (s.ok() && r.status() == v1::LOGIN_STATUS_CHALLENGE_REQUIRED &&
      r.challenge().kind() == "proof-of-work" && q.challenge_proof().empty()) {
    std::cerr << "solving the login challenge (" << r.challenge().bits() << " bits of work)...\n";
    auto proof = pow::Solve(r.challenge().puzzle());
    if (!proof.ok()) return Fail(proof.status());
    q.set_challenge_proof(*proof);
    s = Invoke(c, &AuthService::Stub::Login, q, &r);
  }
  if (s.ok() && r.status() == v1::LOGIN_STATUS_CHALLENGE_REQUIRED &&
      r.challenge().kind() == "hosted") {
    r.set_message("the service asks for a captcha, which needs a browser: sign in on the web login page");
  }
  if (s.ok() && r.status() == v1::LOGIN_STATUS_PASSWORD_CHANGE_REQUIRED) {
    std::cerr << (r.password_at_risk() ? "the password is on a list of breached or common "
                                         "passwords and must be changed\n"
                                       : "the password must be changed\n");
    // A new password the policy refuses, or two entries that differ, is
    // asked for again, as a login page would.
    for (int attempt = 1;; ++attempt) {
      const std::string fresh = ReadSecret("new password: ");
      if (fresh != ReadSecret("new password again: ")) {
        if (attempt == kNewPasswordAttempts) {
          return Fail(absl::InvalidArgumentError("new password: the two entries differ"));
        }
        std::cerr << "the two entries differ; again\n";
        continue;
      }
      q.set_new_password(fresh);
      s = Invoke(c, &AuthService::Stub::Login, q, &r);
      if (s.error_code() != grpc::StatusCode::INVALID_ARGUMENT || attempt == kNewPasswordAttempts) {
        break;
      }
      std::cerr << "refused: " << s.error_message() << "; choose another\n";
    }
  }
  if (s.ok() && r.status() == v1::LOGIN_STATUS_MFA_REQUIRED) {
    s = CompleteMfa(c, a.Flag("--remember-device"), &r);
  }
  return Finish(c, s, r, "as " + a["--username"]);
}

// What every login ends with: the tokens saved in the profile (never
// printed), the remembered device, and what the user should know.
int Finish(Context& c, const grpc::Status& s, const v1::LoginResponse& r, const std::string& who) {
  if (!s.ok()) return Fail(c, s);
  if (r.status() != v1::LOGIN_STATUS_SUCCESS) {
    std::cerr << "iamctl: " << EnumLabel(v1::LoginStatus_Name(r.status()).substr(13)) << ": "
              << r.message();
    if (r.retry_after_ms() > 0)
      std::cerr << " (retry in " << (r.retry_after_ms() + 999) / 1000 << " s)";
    std::cerr << "\n";
    return 1;
  }
  if (auto st = c.SaveTokens(r.tokens()); !st.ok()) return Fail(st);
  if (!r.device_token().empty()) {
    if (auto st = UpdateProfile(c.options().profile, {{"device_token", r.device_token()}}, {});
        !st.ok()) {
      return Fail(st);
    }
  }
  v1::LoginResponse shown = r;
  shown.clear_device_token();
  shown.mutable_tokens()->clear_access_token();  // secrets stay in the 0600 profile
  shown.mutable_tokens()->clear_refresh_token();
  return Render(c, s, shown, [&] {
    std::cout << "logged in " << who << " (session " << r.tokens().session_id()
              << ", token saved to profile '" << c.options().profile << "')\n";
    if (r.has_previous_login()) {
      const auto& p = r.previous_login();
      std::cout << "previous login: " << FormatTime(p.time(), true) << " from "
                << (p.source_ip().empty() ? "-" : p.source_ip()) << ", device "
                << (p.device_id().empty() ? "-" : p.device_id()) << "\n";
    } else {
      std::cout << "first login\n";
    }
    if (r.password_at_risk()) {
      std::cout << "warning: your password is on a list of breached or common passwords; "
                   "change it with 'iamctl password change'\n";
    }
  });
}

// The login through a browser: the device authorization grant. The user
// opens the page, signs in there with whatever the account asks (a second
// factor included) and allows this command line, which polls meanwhile.
int LoginWeb(Context& c, const Args& a) {
  v1::StartDeviceLoginRequest q;
  q.set_account(a["--account"]);
  v1::StartDeviceLoginResponse started;
  auto s = Invoke(c, &AuthService::Stub::StartDeviceLogin, q, &started);
  if (!s.ok()) return Fail(c, s);
  auto device_id = ProfileDeviceId(c);
  if (!device_id.ok()) return Fail(device_id.status());
  // One write: std::cerr is unbuffered, and a reader of the stream (a
  // script, a test) should never see the address without the code.
  std::cerr << absl::StrCat("To log in, open this page in a browser:\n\n    ",
                            started.verification_uri_complete(), "\n\nor go to ",
                            started.verification_uri(), " and enter the code ",
                            started.user_code(), "\nWaiting for the browser (the code works for ",
                            started.expires_in_seconds() / 60, " minutes)...\n");
  v1::FinishDeviceLoginRequest poll;
  poll.set_account_id(started.account_id());
  poll.set_device_code(started.device_code());
  poll.set_device_id(*device_id);
  poll.set_audience(a["--audience"]);
  int64_t interval = std::max<int64_t>(1, started.interval_seconds());
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(started.expires_in_seconds() + 5);
  while (std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::seconds(interval));
    v1::FinishDeviceLoginResponse answer;
    s = Invoke(c, &AuthService::Stub::FinishDeviceLogin, poll, &answer);
    if (!s.ok()) return Fail(c, s);
    switch (answer.state()) {
      case v1::DEVICE_LOGIN_STATE_PENDING:
        continue;
      case v1::DEVICE_LOGIN_STATE_SLOW_DOWN:
        interval += 5;
        continue;
      case v1::DEVICE_LOGIN_STATE_DENIED:
        return Fail(absl::PermissionDeniedError("the login was refused in the browser"));
      case v1::DEVICE_LOGIN_STATE_DONE:
        return Finish(c, s, answer.login(), "through the browser");
      default:
        return Fail(absl::DeadlineExceededError("the code expired: run the command again"));
    }
  }
  return Fail(absl::DeadlineExceededError("the code expired: run the command again"));
}

// Changes one account policy: the stored document with --set changes, or
// a whole document from --file.
int SetPolicy(Context& c, const Args& a, const std::string& kind) {
  nlohmann::json doc;
  if (!a["--file"].empty()) {
    std::ifstream in(a["--file"]);
    if (!in) return Fail(absl::InvalidArgumentError("--file: cannot read " + a["--file"]));
    std::stringstream ss;
    ss << in.rdbuf();
    auto parsed = policy::ParseJson(ss.str(), "--file " + a["--file"]);
    if (!parsed.ok()) return Fail(parsed.status());
    doc = *std::move(parsed);
  } else {
    // Start from the stored policy so that an update states every field.
    v1::GetAccountPolicyRequest g;
    g.set_account_id(a["--account"]);
    g.set_kind(kind);
    v1::AccountPolicy current;
    auto s = Invoke(c, &AdminService::Stub::GetAccountPolicy, g, &current);
    if (!s.ok()) return Fail(c, s);
    doc = nlohmann::json::parse(current.document());
  }
  for (const auto& set : a.List("--set")) {
    if (auto st = CheckPolicyField(kind, set.substr(0, set.find('='))); !st.ok()) return Fail(st);
    if (auto st = ApplySetting(doc, set); !st.ok()) return Fail(st);
  }
  v1::SetAccountPolicyRequest q;
  q.set_account_id(a["--account"]);
  q.set_kind(kind);
  q.set_document(doc.dump());
  v1::AccountPolicy r;
  auto s = Invoke(c, &AdminService::Stub::SetAccountPolicy, q, &r);
  return Render(c, s, r, [&] { PrintPolicyDocument(a, r); });
}

Command SetPolicyCommand(const std::string& kind) {
  const std::string what = kind == "branding" ? "branding (page colours)" : kind + " policy";
  return {kind == "branding" ? "account set-branding" : "account set-" + kind + "-policy",
          "change the account's " + what + ": --set field=value (the rest stays), or --file",
          {Texts("--set", PolicyFieldsHelp(kind)),
           Text("--file", "a complete policy document (JSON)"),
           Text("--account", "account id (default: your own)")},
          [kind](Context& c, const Args& a) { return SetPolicy(c, a, kind); }};
}

int Logout(Context& c, const Args&) {
  v1::LogoutRequest q;
  v1::LogoutResponse r;
  auto s = Invoke(c, &AuthService::Stub::Logout, q, &r);
  c.ForgetTokens().IgnoreError();
  return Render(c, s, r, [] { std::cout << "logged out\n"; });
}

int ChangePassword(Context& c, const Args&) {
  v1::ChangePasswordRequest q;
  q.set_old_password(ReadSecret("current password: "));
  q.set_new_password(ReadSecret("new password: "));
  if (::isatty(0) && q.new_password() != ReadSecret("new password again: ")) {
    return Fail(absl::InvalidArgumentError("new password: the two entries differ"));
  }
  v1::ChangePasswordResponse r;
  auto s = Invoke(c, &AuthService::Stub::ChangePassword, q, &r);
  return Render(c, s, r, [] { std::cout << "password changed\n"; });
}

void PrintLoginBlocks(const Args&, const v1::ListLoginBlocksResponse& r) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& x : r.blocks()) {
    rows.push_back({x.kind(), x.subject(), x.restriction(), std::to_string(x.failures()),
                    x.permanent()          ? "until unlocked"
                    : x.has_locked_until() ? FormatTime(x.locked_until(), true)
                                           : "-"});
  }
  PrintTable({"KIND", "SUBJECT", "RESTRICTION", "FAILURES", "UNTIL"}, rows);
}

// --for is a length of time as people type it.
absl::Status BuildBlock(const Args& a, v1::BlockLoginSourceRequest& q) {
  if (!a["--for"].empty()) {
    const int64_t seconds = ParseDurationSeconds(a["--for"]);
    if (seconds == 0) return absl::InvalidArgumentError("--for: a number followed by s, m, h or d");
    q.set_duration_seconds(seconds);
  }
  return absl::OkStatus();
}

void PrintSigningKeys(const Args&, const v1::ListSigningKeysResponse& r) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& k : r.keys()) {
    rows.push_back({k.kid(), k.alg(), k.signing() ? "signing" : "retired",
                    FormatTime(k.create_time(), true),
                    FormatTime(k.publish_until(), k.has_publish_until())});
  }
  PrintTable({"KID", "ALG", "STATE", "CREATED", "PUBLISHED UNTIL"}, rows);
}

}  // namespace

void PrintPolicyDocument(const Args&, const v1::AccountPolicy& r) {
  std::cout << nlohmann::json::parse(r.document()).dump(2) << "\n";
}

std::vector<Command> AuthCommands() {
  std::vector<Command> table = {
      {"login", "log in with a password (read from the terminal), or through a browser (--web)",
       {Text("--account", "account id or alias").Required(),
        Text("--username", "username or email (a password login)"),
        Flag("--web", "log in through a browser: open the page shown and enter its code"),
        Text("--client-type", "web, mobile or api").OneOf({"web", "mobile", "api"}),
        Text("--device-id"), Text("--challenge-proof", "pass from a solved challenge"),
        Text("--audience", "service the token is for (default: iam)"),
        Flag("--remember-device",
             "after the second factor, remember this device (as the account allows)")},
       Login},
      {"logout", "end the session of `iamctl login`", {}, Logout},
      {"password change", "change your password (prompts for both)", {}, ChangePassword},
      {"session list", "your sessions, or a user's (admins)",
       {Text("--user").Into("username"), Text("--account").Into("account_id"),
        Flag("--all", "include ended sessions").Into("include_ended")},
       Call(&AuthService::Stub::ListSessions,
            [](const Args&, const v1::ListSessionsResponse& r) { PrintSessions(r.sessions()); })},
      {"session revoke", "end a session",
       {Text("session_id").Required().Into("session_id"), Text("--account").Into("account_id")},
       Call(&AuthService::Stub::RevokeSession, Says("session revoked"))},
      {"session revoke-user", "end every session of a user",
       {Text("username").Required().Into("username"), Text("--account").Into("account_id")},
       Call(&AdminService::Stub::RevokeUserSessions,
            Says([](const Args&, const v1::RevokeUserSessionsResponse& r) {
              return std::to_string(r.revoked()) + " sessions revoked";
            }))},
  };
  for (const char* kind : {"password", "lockout", "session", "mfa", "audit", "branding"}) {
    table.push_back(SetPolicyCommand(kind));
  }
  std::vector<Command> rest = {
      {"account get-policy",
       "show a password, lockout, session, mfa, ip_allowlist, audit or branding policy",
       {Text("kind")
            .Required()
            .OneOf({"password", "lockout", "session", "mfa", "ip_allowlist", "audit", "branding"})
            .Into("kind"),
        Text("--account").Into("account_id")},
       Call(&AdminService::Stub::GetAccountPolicy, PrintPolicyDocument)},
      {"account login-blocks", "locked users (and, for system admins, blocked sources)",
       {Text("--account").Into("account_id"),
        Flag("--sources", "include throttled addresses and devices").Into("include_sources")},
       Call(&AdminService::Stub::ListLoginBlocks, PrintLoginBlocks)},
      {"account clear-block", "lift the block of an address or device",
       {Text("kind").Required().OneOf({"ip", "device"}).Into("kind"),
        Text("subject").Required().Into("subject")},
       Call(&AdminService::Stub::ClearLoginBlock, Says("block cleared"))},
      {"account block", "put an address or device on the login blocklist",
       {Text("kind").Required().OneOf({"ip", "device"}).Into("kind"),
        Text("subject").Required().Into("subject"),
        Text("--for", "lifts itself after 30m, 24h, 7d... (default: until cleared)"),
        Text("--reason", "recorded in the audit log").Into("reason")},
       Call(&AdminService::Stub::BlockLoginSource, BuildBlock,
            Says([](const Args&, const v1::LoginBlock& r) {
              return r.kind() + " " + r.subject() + " blocked " +
                     (r.permanent() ? "until cleared"
                                    : "until " + FormatTime(r.locked_until(), true));
            }))},
      {"user set-password",
       "set a user's password (read from the terminal); changed at next login",
       {Text("username").Required().Into("username"), Text("--account").Into("account_id"),
        Flag("--permanent", "the user need not change it").Into("permanent")},
       Call(&AdminService::Stub::SetUserPassword,
            [](const Args& a, v1::SetUserPasswordRequest& q) {
              q.set_password(ReadSecret("password for " + a["username"] + ": "));
            },
            Says([](const Args& a, const v1::SetUserPasswordResponse&) {
              return "password set for " + a["username"];
            }))},
      {"user unlock", "lift a user's login lockout",
       {Text("username").Required().Into("username"), Text("--account").Into("account_id")},
       Call(&AdminService::Stub::UnlockUser,
            Says([](const Args& a, const v1::UnlockUserResponse&) {
              return a["username"] + " unlocked";
            }))},
      {"key rotate", "rotate the token signing key (system admins)", {},
       Call(&AdminService::Stub::RotateSigningKey,
            Says([](const Args&, const v1::RotateSigningKeyResponse& r) {
              return "new signing key " + r.kid();
            }))},
      {"key signing-keys", "list the published signing keys", {},
       Call(&AdminService::Stub::ListSigningKeys, PrintSigningKeys)},
  };
  for (Command& c : rest) table.push_back(std::move(c));
  return table;
}

}  // namespace iam::cli
