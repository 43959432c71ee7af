// iamctl login | logout | password change | session ... and the
// authentication settings under account, user and key.
#include <google/protobuf/util/time_util.h>

#include <fstream>
#include <iostream>
#include <random>
#include <nlohmann/json.hpp>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "iam/cli/commands.h"
#include "iam/cli/duration.h"
#include "iam/cli/mfa_flow.h"
#include "iam/cli/output.h"
#include "iam/cli/secret_input.h"

namespace iam::cli {
namespace {

using v1::AdminService;
using v1::AuthService;

struct LoginArgs {
  std::string account;
  std::string username;
  std::string client_type = "api";
  std::string device_id;
  std::string challenge_proof;
  std::string audience;
  bool remember_device = false;
};

// "a.b=3" sets doc["a"]["b"] = 3; values parse as JSON when they can
// (numbers, true/false), else they are strings.
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

void AddPolicyCommand(CLI::App* account, const std::string& kind, Action* run) {
  struct Args {
    std::string account;
    std::vector<std::string> sets;
    std::string file;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = account->add_subcommand(
      "set-" + kind + "-policy",
      "change the account's " + kind + " policy: --set field=value (the rest stays), or --file");
  cmd->add_option("--set", a->sets, "field=value (repeatable; nested: web.max_sessions=1)");
  cmd->add_option("--file", a->file, "a complete policy document (JSON)");
  cmd->add_option("--account", a->account, "account id (default: your own)");
  cmd->callback([run, a, kind] {
    *run = [a, kind](Context& c) {
      nlohmann::json doc;
      if (!a->file.empty()) {
        std::ifstream in(a->file);
        std::stringstream ss;
        ss << in.rdbuf();
        doc = nlohmann::json::parse(ss.str(), nullptr, false);
        if (!in || doc.is_discarded()) {
          return Fail(absl::InvalidArgumentError("--file: not a readable JSON document"));
        }
      } else {
        // Start from the stored policy so that an update states every field.
        v1::GetAccountPolicyRequest g;
        g.set_account_id(a->account);
        g.set_kind(kind);
        v1::AccountPolicy current;
        auto s = Invoke(c, &AdminService::Stub::GetAccountPolicy, g, &current);
        if (!s.ok()) return Fail(s);
        doc = nlohmann::json::parse(current.document());
      }
      for (const auto& set : a->sets) {
        if (auto st = ApplySetting(doc, set); !st.ok()) return Fail(st);
      }
      v1::SetAccountPolicyRequest q;
      q.set_account_id(a->account);
      q.set_kind(kind);
      q.set_document(doc.dump());
      v1::AccountPolicy r;
      auto s = Invoke(c, &AdminService::Stub::SetAccountPolicy, q, &r);
      return Render(c, s, r, [&] { std::cout << nlohmann::json::parse(r.document()).dump(2) << "\n"; });
    };
  });
}

void PrintSessions(const google::protobuf::RepeatedPtrField<v1::Session>& sessions) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& s : sessions) {
    rows.push_back({s.id(), s.user_id(), s.client_type(), s.state(), s.source_ip(),
                    s.device_id(), FormatTime(s.create_time(), true),
                    FormatTime(s.expire_time(), true)});
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

int Login(Context& c, const LoginArgs& a) {
  v1::LoginRequest q;
  q.set_account(a.account);
  q.set_username(a.username);
  q.set_client_type(a.client_type);
  q.set_device_id(a.device_id);
  q.set_challenge_proof(a.challenge_proof);
  q.set_audience(a.audience);
  // The device is this profile's: one id per profile, drawn once, and the
  // device token a remembered login left there.
  q.set_device_id(a.device_id.empty() ? ProfileValue(c.options().profile, "device_id")
                                      : a.device_id);
  if (q.device_id().empty()) {
    q.set_device_id(RandomDeviceId());
    if (auto st = UpdateProfile(c.options().profile, {{"device_id", q.device_id()}}, {});
        !st.ok()) {
      return Fail(st);
    }
  }
  if (q.device_id() == ProfileValue(c.options().profile, "device_id")) {
    q.set_device_token(ProfileValue(c.options().profile, "device_token"));
  }
  q.set_password(ReadSecret("password: "));
  v1::LoginResponse r;
  auto s = InvokeAuth(c, &AuthService::Stub::Login, q, &r);
  if (s.ok() && r.status() == v1::LOGIN_STATUS_PASSWORD_CHANGE_REQUIRED) {
    std::cerr << (r.password_at_risk() ? "the password is on a list of breached or common "
                                         "passwords and must be changed\n"
                                       : "the password must be changed\n");
    const std::string fresh = ReadSecret("new password: ");
    if (fresh != ReadSecret("new password again: ")) {
      return Fail(absl::InvalidArgumentError("new password: the two entries differ"));
    }
    q.set_new_password(fresh);
    s = InvokeAuth(c, &AuthService::Stub::Login, q, &r);
  }
  if (s.ok() && r.status() == v1::LOGIN_STATUS_MFA_REQUIRED) {
    s = CompleteMfa(c, a.remember_device, &r);
  }
  if (!s.ok()) return Fail(s);
  if (r.status() != v1::LOGIN_STATUS_SUCCESS) {
    std::cerr << "iamctl: " << EnumLabel(v1::LoginStatus_Name(r.status()).substr(13)) << ": "
              << r.message();
    if (r.retry_after_ms() > 0) std::cerr << " (retry in " << (r.retry_after_ms() + 999) / 1000 << " s)";
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
    std::cout << "logged in as " << a.username << " (session " << r.tokens().session_id()
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

}  // namespace

void AddAuthCommands(CLI::App& app, Action* run) {
  {
    auto a = std::make_shared<LoginArgs>();
    auto* cmd = app.add_subcommand("login", "log in with a password (read from the terminal)");
    cmd->add_option("--account", a->account, "account id or alias")->required();
    cmd->add_option("--username", a->username, "username or email")->required();
    cmd->add_option("--client-type", a->client_type, "web, mobile or api")
        ->check(CLI::IsMember({"web", "mobile", "api"}));
    cmd->add_option("--device-id", a->device_id);
    cmd->add_option("--challenge-proof", a->challenge_proof, "pass from a solved challenge");
    cmd->add_option("--audience", a->audience, "service the token is for (default: iam)");
    cmd->add_flag("--remember-device", a->remember_device,
                  "after the second factor, remember this device (as the account allows)");
    cmd->callback([run, a] { *run = [a](Context& c) { return Login(c, *a); }; });
  }
  {
    auto* cmd = app.add_subcommand("logout", "end the session of `iamctl login`");
    cmd->callback([run] {
      *run = [](Context& c) {
        v1::LogoutRequest q;
        v1::LogoutResponse r;
        auto s = InvokeAuth(c, &AuthService::Stub::Logout, q, &r);
        c.ForgetTokens().IgnoreError();
        return Render(c, s, r, [] { std::cout << "logged out\n"; });
      };
    });
  }
  {
    auto* pw = app.add_subcommand("password", "your own password");
    pw->require_subcommand(1);
    auto* cmd = pw->add_subcommand("change", "change your password (prompts for both)");
    cmd->callback([run] {
      *run = [](Context& c) {
        v1::ChangePasswordRequest q;
        q.set_old_password(ReadSecret("current password: "));
        q.set_new_password(ReadSecret("new password: "));
        if (::isatty(0) && q.new_password() != ReadSecret("new password again: ")) {
          return Fail(absl::InvalidArgumentError("new password: the two entries differ"));
        }
        v1::ChangePasswordResponse r;
        auto s = InvokeAuth(c, &AuthService::Stub::ChangePassword, q, &r);
        return Render(c, s, r, [] { std::cout << "password changed\n"; });
      };
    });
  }
  {
    auto* session = app.add_subcommand("session", "login sessions");
    session->require_subcommand(1);
    struct Args {
      std::string account, username, id;
      bool all = false;
    };
    auto a = std::make_shared<Args>();
    auto* list = session->add_subcommand("list", "your sessions, or a user's (admins)");
    list->add_option("--user", a->username);
    list->add_option("--account", a->account);
    list->add_flag("--all", a->all, "include ended sessions");
    list->callback([run, a] {
      *run = [a](Context& c) {
        v1::ListSessionsRequest q;
        q.set_account_id(a->account);
        q.set_username(a->username);
        q.set_include_ended(a->all);
        v1::ListSessionsResponse r;
        auto s = InvokeAuth(c, &AuthService::Stub::ListSessions, q, &r);
        return Render(c, s, r, [&] { PrintSessions(r.sessions()); });
      };
    });
    auto b = std::make_shared<Args>();
    auto* revoke = session->add_subcommand("revoke", "end a session");
    revoke->add_option("session_id", b->id)->required();
    revoke->add_option("--account", b->account);
    revoke->callback([run, b] {
      *run = [b](Context& c) {
        v1::RevokeSessionRequest q;
        q.set_account_id(b->account);
        q.set_session_id(b->id);
        v1::RevokeSessionResponse r;
        auto s = InvokeAuth(c, &AuthService::Stub::RevokeSession, q, &r);
        return Render(c, s, r, [] { std::cout << "session revoked\n"; });
      };
    });
    auto d = std::make_shared<Args>();
    auto* revoke_user = session->add_subcommand("revoke-user", "end every session of a user");
    revoke_user->add_option("username", d->username)->required();
    revoke_user->add_option("--account", d->account);
    revoke_user->callback([run, d] {
      *run = [d](Context& c) {
        v1::RevokeUserSessionsRequest q;
        q.set_account_id(d->account);
        q.set_username(d->username);
        v1::RevokeUserSessionsResponse r;
        auto s = Invoke(c, &AdminService::Stub::RevokeUserSessions, q, &r);
        return Render(c, s, r, [&] { std::cout << r.revoked() << " sessions revoked\n"; });
      };
    });
  }
  if (CLI::App* account = app.get_subcommand("account")) {
    for (const char* kind : {"password", "lockout", "session", "mfa", "audit"}) {
      AddPolicyCommand(account, kind, run);
    }
    struct Args {
      std::string account, kind;
    };
    auto a = std::make_shared<Args>();
    auto* get = account->add_subcommand("get-policy", "show a password, lockout, session, mfa, ip_allowlist or audit policy");
    get->add_option("kind", a->kind)
        ->required()
        ->check(CLI::IsMember({"password", "lockout", "session", "mfa", "ip_allowlist", "audit"}));
    get->add_option("--account", a->account);
    get->callback([run, a] {
      *run = [a](Context& c) {
        v1::GetAccountPolicyRequest q;
        q.set_account_id(a->account);
        q.set_kind(a->kind);
        v1::AccountPolicy r;
        auto s = Invoke(c, &AdminService::Stub::GetAccountPolicy, q, &r);
        return Render(c, s, r, [&] { std::cout << nlohmann::json::parse(r.document()).dump(2) << "\n"; });
      };
    });
    auto b = std::make_shared<Args>();
    auto* blocks = account->add_subcommand("login-blocks", "locked users (and, for system admins, blocked sources)");
    blocks->add_option("--account", b->account);
    auto sources = std::make_shared<bool>(false);
    blocks->add_flag("--sources", *sources, "include throttled addresses and devices");
    blocks->callback([run, b, sources] {
      *run = [b, sources](Context& c) {
        v1::ListLoginBlocksRequest q;
        q.set_account_id(b->account);
        q.set_include_sources(*sources);
        v1::ListLoginBlocksResponse r;
        auto s = Invoke(c, &AdminService::Stub::ListLoginBlocks, q, &r);
        return Render(c, s, r, [&] {
          std::vector<std::vector<std::string>> rows;
          for (const auto& x : r.blocks()) {
            rows.push_back({x.kind(), x.subject(), x.restriction(), std::to_string(x.failures()),
                            x.permanent()             ? "until unlocked"
                            : x.has_locked_until()    ? FormatTime(x.locked_until(), true)
                                                      : "-"});
          }
          PrintTable({"KIND", "SUBJECT", "RESTRICTION", "FAILURES", "UNTIL"}, rows);
        });
      };
    });
    auto d = std::make_shared<Args>();
    auto* clear = account->add_subcommand("clear-block", "lift the block of an address or device");
    clear->add_option("kind", d->kind)->required()->check(CLI::IsMember({"ip", "device"}));
    clear->add_option("subject", d->account)->required();
    clear->callback([run, d] {
      *run = [d](Context& c) {
        v1::ClearLoginBlockRequest q;
        q.set_kind(d->kind);
        q.set_subject(d->account);
        v1::ClearLoginBlockResponse r;
        auto s = Invoke(c, &AdminService::Stub::ClearLoginBlock, q, &r);
        return Render(c, s, r, [] { std::cout << "block cleared\n"; });
      };
    });
    struct BlockArgs {
      std::string kind, subject, duration, reason;
    };
    auto k = std::make_shared<BlockArgs>();
    auto* block = account->add_subcommand("block", "put an address or device on the login blocklist");
    block->add_option("kind", k->kind)->required()->check(CLI::IsMember({"ip", "device"}));
    block->add_option("subject", k->subject)->required();
    block->add_option("--for", k->duration, "lifts itself after 30m, 24h, 7d... (default: until cleared)");
    block->add_option("--reason", k->reason, "recorded in the audit log");
    block->callback([run, k] {
      *run = [k](Context& c) {
        v1::BlockLoginSourceRequest q;
        q.set_kind(k->kind);
        q.set_subject(k->subject);
        q.set_reason(k->reason);
        if (!k->duration.empty()) {
          const int64_t seconds = ParseDurationSeconds(k->duration);
          if (seconds == 0) {
            std::cerr << "iamctl: --for: a number followed by s, m, h or d\n";
            return 2;
          }
          q.set_duration_seconds(seconds);
        }
        v1::LoginBlock r;
        auto s = Invoke(c, &AdminService::Stub::BlockLoginSource, q, &r);
        return Render(c, s, r, [&] {
          std::cout << r.kind() << " " << r.subject() << " blocked "
                    << (r.permanent() ? "until cleared" : "until " + FormatTime(r.locked_until(), true))
                    << "\n";
        });
      };
    });
  }
  if (CLI::App* user = app.get_subcommand("user")) {
    struct Args {
      std::string account, username;
      bool permanent = false;
    };
    auto a = std::make_shared<Args>();
    auto* setpw = user->add_subcommand(
        "set-password", "set a user's password (read from the terminal); changed at next login");
    setpw->add_option("username", a->username)->required();
    setpw->add_option("--account", a->account);
    setpw->add_flag("--permanent", a->permanent, "the user need not change it");
    setpw->callback([run, a] {
      *run = [a](Context& c) {
        v1::SetUserPasswordRequest q;
        q.set_account_id(a->account);
        q.set_username(a->username);
        q.set_password(ReadSecret("password for " + a->username + ": "));
        q.set_permanent(a->permanent);
        v1::SetUserPasswordResponse r;
        auto s = Invoke(c, &AdminService::Stub::SetUserPassword, q, &r);
        return Render(c, s, r, [&] { std::cout << "password set for " << a->username << "\n"; });
      };
    });
    auto b = std::make_shared<Args>();
    auto* unlock = user->add_subcommand("unlock", "lift a user's login lockout");
    unlock->add_option("username", b->username)->required();
    unlock->add_option("--account", b->account);
    unlock->callback([run, b] {
      *run = [b](Context& c) {
        v1::UnlockUserRequest q;
        q.set_account_id(b->account);
        q.set_username(b->username);
        v1::UnlockUserResponse r;
        auto s = Invoke(c, &AdminService::Stub::UnlockUser, q, &r);
        return Render(c, s, r, [&] { std::cout << b->username << " unlocked\n"; });
      };
    });
  }
  if (CLI::App* key = app.get_subcommand("key")) {
    auto* rotate = key->add_subcommand("rotate", "rotate the token signing key (system admins)");
    rotate->callback([run] {
      *run = [](Context& c) {
        v1::RotateSigningKeyRequest q;
        v1::RotateSigningKeyResponse r;
        auto s = Invoke(c, &AdminService::Stub::RotateSigningKey, q, &r);
        return Render(c, s, r, [&] { std::cout << "new signing key " << r.kid() << "\n"; });
      };
    });
    auto* signing = key->add_subcommand("signing-keys", "list the published signing keys");
    signing->callback([run] {
      *run = [](Context& c) {
        v1::ListSigningKeysRequest q;
        v1::ListSigningKeysResponse r;
        auto s = Invoke(c, &AdminService::Stub::ListSigningKeys, q, &r);
        return Render(c, s, r, [&] {
          std::vector<std::vector<std::string>> rows;
          for (const auto& k : r.keys()) {
            rows.push_back({k.kid(), k.alg(), k.signing() ? "signing" : "retired",
                            FormatTime(k.create_time(), true),
                            FormatTime(k.publish_until(), k.has_publish_until())});
          }
          PrintTable({"KID", "ALG", "STATE", "CREATED", "PUBLISHED UNTIL"}, rows);
        });
      };
    });
  }
}

}  // namespace iam::cli
