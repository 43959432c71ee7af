#include "iam/auth/auth_admin_service.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "iam/audit/audit_policy.h"
#include "iam/auth/lockout_policy.h"
#include "iam/auth/password_policy.h"
#include "iam/common/cidr.h"
#include "iam/common/status_macros.h"
#include "iam/common/text.h"
#include "iam/mfa/login_gate.h"
#include "iam/mfa/mfa_service.h"
#include "iam/session/session_policy.h"
#include "iam/store/device_store.h"
#include "iam/store/login_store.h"
#include "iam/store/policy_store.h"
#include "iam/store/user_store.h"
#include "iam/web/branding.h"

namespace iam::auth {
namespace {

constexpr int kMaxBlocksListed = 1000;

absl::StatusOr<nlohmann::json> Normalize(AccountPolicyKind kind, const nlohmann::json& j) {
  switch (kind) {
    case AccountPolicyKind::kPassword: {
      ASSIGN_OR_RETURN(PasswordPolicy p, PasswordPolicy::FromJson(j));
      return p.ToJson();
    }
    case AccountPolicyKind::kLockout: {
      ASSIGN_OR_RETURN(LockoutPolicy p, LockoutPolicy::FromJson(j));
      return p.ToJson();
    }
    case AccountPolicyKind::kSession: {
      ASSIGN_OR_RETURN(session::SessionPolicy p, session::SessionPolicy::FromJson(j));
      return p.ToJson();
    }
    case AccountPolicyKind::kMfa: {
      ASSIGN_OR_RETURN(mfa::MfaPolicy p, mfa::MfaPolicy::FromJson(j));
      return p.ToJson();
    }
    case AccountPolicyKind::kIpAllowlist: {
      ASSIGN_OR_RETURN(mfa::IpAllowlistPolicy p, mfa::IpAllowlistPolicy::FromJson(j));
      return p.ToJson();
    }
    case AccountPolicyKind::kAudit: {
      ASSIGN_OR_RETURN(audit::AuditPolicy p, audit::AuditPolicy::FromJson(j));
      return p.ToJson();
    }
    case AccountPolicyKind::kBranding: {
      ASSIGN_OR_RETURN(web::BrandingPolicy p, web::BrandingPolicy::FromJson(j));
      return p.ToJson();
    }
  }
  return absl::InvalidArgumentError("kind: unknown");
}

nlohmann::json Defaults(AccountPolicyKind kind) {
  switch (kind) {
    case AccountPolicyKind::kPassword:
      return PasswordPolicy{}.ToJson();
    case AccountPolicyKind::kLockout:
      return LockoutPolicy{}.ToJson();
    case AccountPolicyKind::kSession:
      return session::SessionPolicy{}.ToJson();
    case AccountPolicyKind::kMfa:
      return mfa::MfaPolicy{}.ToJson();
    case AccountPolicyKind::kIpAllowlist:
      return mfa::IpAllowlistPolicy{}.ToJson();
    case AccountPolicyKind::kAudit:
      return audit::AuditPolicy{}.ToJson();
    case AccountPolicyKind::kBranding:
      return web::BrandingPolicy{}.ToJson();
  }
  return nlohmann::json::object();
}

// Each kind of account policy once: its name in requests and the store, and
// the action that changes it.
struct KindInfo {
  AccountPolicyKind kind;
  const char* name;
  const char* set_action;
};
constexpr KindInfo kKinds[] = {
    {AccountPolicyKind::kPassword, "password", "iam:UpdateAccountPasswordPolicy"},
    {AccountPolicyKind::kLockout, "lockout", "iam:UpdateAccountLockoutPolicy"},
    {AccountPolicyKind::kSession, "session", "iam:UpdateAccountSessionPolicy"},
    {AccountPolicyKind::kMfa, "mfa", "iam:UpdateAccountMfaPolicy"},
    {AccountPolicyKind::kIpAllowlist, "ip_allowlist", "iam:UpdateAccountIpAllowlist"},
    {AccountPolicyKind::kAudit, "audit", "iam:UpdateAccountAuditPolicy"},
    {AccountPolicyKind::kBranding, "branding", "iam:UpdateAccountBranding"},
};

const KindInfo& InfoOf(AccountPolicyKind kind) {
  for (const KindInfo& k : kKinds) {
    if (k.kind == kind) return k;
  }
  return kKinds[0];  // unreachable: every enumerator is in the table
}

}  // namespace

const char* AccountPolicySetAction(AccountPolicyKind kind) { return InfoOf(kind).set_action; }

std::vector<AccountPolicyKind> AccountPolicyKinds() {
  std::vector<AccountPolicyKind> out;
  for (const KindInfo& k : kKinds) out.push_back(k.kind);
  return out;
}

absl::StatusOr<AccountPolicyKind> ParseAccountPolicyKind(absl::string_view name) {
  for (const KindInfo& k : kKinds) {
    if (name == k.name) return k.kind;
  }
  return absl::InvalidArgumentError(
      "kind: must be password, lockout, session, mfa, ip_allowlist, audit or branding");
}

const char* AccountPolicyKindName(AccountPolicyKind kind) { return InfoOf(kind).name; }

absl::StatusOr<nlohmann::json> AuthAdminService::GetPolicy(const account::Caller& caller,
                                                           const std::string& account_id,
                                                           AccountPolicyKind kind) {
  ASSIGN_OR_RETURN(std::string account,
                   mutations_.Admit(caller, {"iam:GetAccountPolicy", account_id}));
  nlohmann::json out;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto body,
                     store::account_policies::Get(tx, account, AccountPolicyKindName(kind)));
    out = body ? store::account_policies::WithDefaults(Defaults(kind), *body) : Defaults(kind);
    if (out.is_discarded()) return absl::DataLossError("stored policy does not parse");
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<nlohmann::json> AuthAdminService::SetPolicy(const account::Caller& caller,
                                                           const std::string& account_id,
                                                           AccountPolicyKind kind,
                                                           const nlohmann::json& policy) {
  // Which decisions are recorded lives in every replica's compiled
  // authorization data: it changes with the account's authorization version.
  account::Operation op{AccountPolicySetAction(kind), account_id, "",
                        kind == AccountPolicyKind::kAudit ? account::Touches::kAuthorization
                                                          : account::Touches::kAccountData};
  auto normalized = Normalize(kind, policy);
  op.Check(normalized.status());
  RETURN_IF_ERROR(mutations_.Run(caller, op,
      [&](store::Tx& tx, const std::string& account, audit::Event& record) -> absl::Status {
        ASSIGN_OR_RETURN(auto before,
                         store::account_policies::Get(tx, account, AccountPolicyKindName(kind)));
        RETURN_IF_ERROR(store::account_policies::Put(tx, account, AccountPolicyKindName(kind),
                                                     normalized->dump(), clock_.NowMs()));
        record.Object("account-policy", AccountPolicyKindName(kind));
        record.detail["before"] =
            before ? nlohmann::json::parse(*before, nullptr, false) : Defaults(kind);
        record.detail["after"] = *normalized;
        return absl::OkStatus();
      }));
  return *normalized;
}

absl::Status AuthAdminService::Unlock(const account::Caller& caller, const std::string& account_id,
                                      const std::string& username) {
  return mutations_.Run(caller,
      OnUser("iam:UnlockUser", account_id, username, account::Touches::kAccountData),
      [&](store::Tx& tx, const std::string& account, audit::Event& record) -> absl::Status {
        ASSIGN_OR_RETURN(store::UserRow u, store::users::GetByUsername(tx, account, username));
        ASSIGN_OR_RETURN(store::CounterRow c,
                         store::login::GetCounter(tx, account, absl::StrCat("user:", u.id)));
        RETURN_IF_ERROR(store::login::DeleteCounter(tx, account, c.subject).status());
        ASSIGN_OR_RETURN(store::CounterRow m,
                         store::login::GetCounter(tx, account, mfa::MfaCounterSubject(u.id)));
        RETURN_IF_ERROR(store::login::DeleteCounter(tx, account, m.subject).status());
        record.Object("user", u.id);
        record.detail["username"] = u.username;
        record.detail["was_locked"] = c.permanent || c.locked_until > clock_.NowMs();
        record.detail["failures"] = c.failures;
        record.detail["mfa_failures"] = m.failures;
        return absl::OkStatus();
      });
}

account::Operation AuthAdminService::OnUser(absl::string_view action, const std::string& account_id,
                                            const std::string& username, account::Touches touches) {
  account::Operation op{std::string(action), account_id, "user/" + username, touches};
  op.Check(text::CheckName("username", username, 64));
  return op;
}

absl::StatusOr<std::vector<std::string>> AuthAdminService::GetUserAllowlist(
    const account::Caller& caller, const std::string& account_id, const std::string& username) {
  ASSIGN_OR_RETURN(std::string account,
                   mutations_.Admit(caller,
                                  OnUser("iam:GetUserIpAllowlist", account_id, username,
                                         account::Touches::kAccountData)));
  std::vector<std::string> out;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(store::UserRow u, store::users::GetByUsername(tx, account, username));
    ASSIGN_OR_RETURN(auto body, store::devices::GetUserAllowlist(tx, u.id));
    if (!body) return absl::OkStatus();
    auto p = mfa::IpAllowlistPolicy::FromJson(nlohmann::json::parse(*body, nullptr, false));
    if (!p.ok()) return absl::DataLossError("stored user IP allowlist does not parse");
    out = p->cidrs;
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<std::vector<std::string>> AuthAdminService::SetUserAllowlist(
    const account::Caller& caller, const std::string& account_id, const std::string& username,
    const std::vector<std::string>& cidrs) {
  account::Operation op =
      OnUser("iam:UpdateUserIpAllowlist", account_id, username, account::Touches::kAccountData);
  auto list = mfa::IpAllowlistPolicy::FromList(cidrs);
  op.Check(list.status());
  RETURN_IF_ERROR(mutations_.Run(caller, op,
      [&](store::Tx& tx, const std::string& account, audit::Event& record) -> absl::Status {
        ASSIGN_OR_RETURN(store::UserRow u, store::users::GetByUsername(tx, account, username));
        ASSIGN_OR_RETURN(auto before, store::devices::GetUserAllowlist(tx, u.id));
        RETURN_IF_ERROR(store::devices::PutUserAllowlist(
            tx, account, u.id, list->cidrs.empty() ? "" : list->ToJson().dump(),
            clock_.NowMs()));
        record.Object("user", u.id);
        record.detail["username"] = u.username;
        record.detail["before"] = before ? nlohmann::json::parse(*before, nullptr, false)["cidrs"]
                                         : nlohmann::json::array();
        record.detail["after"] = list->cidrs;
        return absl::OkStatus();
      }));
  return list->cidrs;
}

absl::StatusOr<std::vector<LoginBlock>> AuthAdminService::ListBlocks(const account::Caller& caller,
                                                                     const std::string& account_id,
                                                                     bool sources) {
  ASSIGN_OR_RETURN(std::string account,
                   mutations_.Admit(caller, {"iam:ListLoginBlocks", account_id}));
  if (sources && !caller.system_account) {
    return absl::PermissionDeniedError(
        "sources: throttled addresses and devices span accounts; system administrators only");
  }
  std::vector<LoginBlock> out;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    out.clear();
    std::vector<std::string> scopes{account};
    if (sources) {
      scopes.push_back("ip");
      scopes.push_back("device");
    }
    ASSIGN_OR_RETURN(auto rows,
                     store::login::ListLocked(tx, scopes, clock_.NowMs(), kMaxBlocksListed));
    for (const auto& r : rows) {
      LoginBlock b{"", r.subject, r.failures, r.lockouts, r.permanent, r.locked_until, "locked"};
      if (r.scope == "ip" || r.scope == "device") {
        b.kind = r.scope;
        b.restriction = "blocked";
      } else if (absl::StartsWith(r.subject, "user:")) {
        b.kind = "user";
        auto u = store::users::Get(tx, r.subject.substr(5));
        if (u.ok()) b.subject = u->username;
      } else {
        b.kind = "unknown-name";
      }
      out.push_back(std::move(b));
    }
    if (sources) {
      const int64_t now = clock_.NowMs();
      const int64_t since = now - int64_t{throttle_.window_seconds} * 1000;
      for (const char* scope : {"ip", "device"}) {
        ASSIGN_OR_RETURN(auto slowed,
                         store::login::ListSlowed(tx, scope, throttle_.slow_after_failures,
                                                  since, now, kMaxBlocksListed));
        for (const auto& r : slowed) {
          out.push_back({scope, r.subject, r.failures, r.lockouts, false, 0, "slowed"});
        }
      }
    }
    return absl::OkStatus();
  }));
  return out;
}

namespace {

// The counter key of a source as logins write it: addresses in canonical
// form, so that "2001:DB8::1" blocks what "2001:db8::1" logs in from.
absl::StatusOr<std::string> SourceSubject(const std::string& kind, const std::string& subject) {
  if (kind != "ip" && kind != "device") {
    return absl::InvalidArgumentError("kind: must be ip or device");
  }
  RETURN_IF_ERROR(text::CheckFreeText("subject", subject, 128, false));
  if (kind == "device") return subject;
  auto ip = IpAddress::Parse(subject);
  if (!ip) return absl::InvalidArgumentError("subject: not an IP address");
  return ip->ToString();
}

absl::Status SystemOnly(const account::Caller& caller) {
  if (caller.system_account) return absl::OkStatus();
  return absl::PermissionDeniedError("login sources span accounts; system administrators only");
}

}  // namespace

absl::StatusOr<LoginBlock> AuthAdminService::BlockSource(const account::Caller& caller,
                                                         const std::string& kind,
                                                         const std::string& subject,
                                                         int64_t duration_seconds,
                                                         const std::string& reason) {
  account::Operation op{"iam:BlockLoginSource", caller.account_id, "",
                        account::Touches::kAccountData};
  auto key = SourceSubject(kind, subject);
  op.Check(key.status());
  if (duration_seconds != 0 && (duration_seconds < 60 || duration_seconds > 365 * 86400)) {
    op.Check(absl::InvalidArgumentError("duration_seconds: 0 (until cleared) or 60..31536000"));
  }
  op.Check(text::CheckFreeText("reason", reason, 256));
  LoginBlock out;
  RETURN_IF_ERROR(mutations_.Run(caller, op,
      [&](store::Tx& tx, const std::string&, audit::Event& record) -> absl::Status {
        RETURN_IF_ERROR(SystemOnly(caller));
        const int64_t now = clock_.NowMs();
        ASSIGN_OR_RETURN(store::CounterRow row, store::login::LockCounter(tx, kind, *key));
        row.lockouts += 1;
        row.permanent = duration_seconds == 0;
        row.locked_until = row.permanent ? 0 : now + duration_seconds * 1000;
        // The pruning job forgets counters whose last failure is a day old and
        // whose block is over: the block itself counts as the latest event.
        row.last_failure_at = now;
        RETURN_IF_ERROR(store::login::PutCounter(tx, row));
        out = LoginBlock{
            kind, *key, row.failures, row.lockouts, row.permanent, row.locked_until, "blocked"};
        record.Object(kind, *key);
        record.detail["permanent"] = row.permanent;
        if (!row.permanent) record.detail["locked_until"] = row.locked_until;
        if (!reason.empty()) record.detail["reason"] = reason;
        return absl::OkStatus();
      }));
  return out;
}

absl::Status AuthAdminService::ClearSourceBlock(const account::Caller& caller,
                                                const std::string& kind,
                                                const std::string& subject) {
  account::Operation op{"iam:ClearLoginBlock", caller.account_id, "",
                        account::Touches::kAccountData};
  auto key = SourceSubject(kind, subject);
  op.Check(key.status());
  return mutations_.Run(caller, op,
      [&](store::Tx& tx, const std::string&, audit::Event& record) -> absl::Status {
        RETURN_IF_ERROR(SystemOnly(caller));
        ASSIGN_OR_RETURN(int64_t n, store::login::DeleteCounter(tx, kind, *key));
        if (n == 0) return absl::NotFoundError("no such block");
        record.Object(kind, *key);
        return absl::OkStatus();
      });
}

}  // namespace iam::auth
