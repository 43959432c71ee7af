#include "iam/mfa/mfa_service.h"

#include <limits>

#include "absl/strings/str_cat.h"
#include "iam/account/mutation.h"
#include "iam/common/status_macros.h"
#include "iam/common/text.h"
#include "iam/mfa/login_gate.h"
#include "iam/mfa/recovery_codes.h"
#include "iam/mfa/totp.h"
#include "iam/store/account_store.h"
#include "iam/store/group_store.h"
#include "iam/store/login_store.h"
#include "iam/store/mfa_store.h"
#include "iam/store/policy_store.h"
#include "iam/store/role_store.h"
#include "iam/store/user_store.h"

namespace iam::mfa {
namespace {

constexpr int64_t kReusePendingMs = 10 * 60 * 1000;

constexpr size_t kSecretBytes = 20;  // 160 bits, as RFC 4226 recommends

std::string SecretBinding(const std::string& user_id) {
  return absl::StrCat("mfa/", user_id, "/totp");
}

TotpParams ParamsOf(const store::MfaFactorRow& f) {
  TotpParams p;
  p.algorithm = ParseTotpAlgorithm(f.algorithm).value_or(TotpAlgorithm::kSha1);
  p.digits = f.digits;
  p.period = f.period;
  return p;
}


}  // namespace

std::string MfaCounterSubject(const std::string& user_id) { return absl::StrCat("mfa:", user_id); }

absl::Status CheckCodeInput(const std::string& code, const std::string& recovery_code,
                            bool either_required) {
  if (!code.empty() && !recovery_code.empty()) {
    return absl::InvalidArgumentError("code, recovery_code: send one, not both");
  }
  if (either_required && code.empty() && recovery_code.empty()) {
    return absl::InvalidArgumentError("code: required (or recovery_code)");
  }
  if (code.size() > 10) return absl::InvalidArgumentError("code: at most 10 digits");
  for (char c : code) {
    if (c < '0' || c > '9') return absl::InvalidArgumentError("code: digits only");
  }
  if (recovery_code.size() > 64) {
    return absl::InvalidArgumentError("recovery_code: at most 64 characters");
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> MfaService::Enrolled(store::Tx& tx, const std::string& user_id) {
  ASSIGN_OR_RETURN(auto f, store::mfa::GetFactor(tx, user_id));
  return f.has_value() && f->active;
}

absl::StatusOr<bool> MfaService::RequiredOf(store::Tx& tx, const MfaPolicy& policy,
                                            const store::UserRow& user, int64_t now_ms) {
  std::vector<std::string> groups, roles;
  if (policy.mode == "required_for" && !policy.required_groups.empty()) {
    ASSIGN_OR_RETURN(auto rows, store::groups::ListGroupsOfUser(tx, user.id));
    for (const auto& g : rows) groups.push_back(g.name);
  }
  if (policy.mode == "required_for" && !policy.required_roles.empty()) {
    ASSIGN_OR_RETURN(auto ids, store::roles::HeldRoleIds(tx, user.id, now_ms));
    for (const auto& id : ids) {
      auto role = store::roles::Get(tx, id);
      if (absl::IsNotFound(role.status())) continue;
      RETURN_IF_ERROR(role.status());
      roles.push_back(role->name);
    }
  }
  return InScope(policy, user.is_admin, groups, roles);
}

absl::StatusOr<store::UserRow> MfaService::OwnUser(store::Tx& tx, const account::Caller& caller) {
  if (caller.user_id.empty()) {
    return absl::FailedPreconditionError("MFA belongs to users: call as a user");
  }
  ASSIGN_OR_RETURN(store::UserRow u, store::users::Get(tx, caller.user_id));
  if (u.state != store::UserState::kActive)
    return absl::FailedPreconditionError("the user is disabled");
  return u;
}

absl::StatusOr<Enrollment> MfaService::BeginInTx(store::Tx& tx, const store::UserRow& user,
                                                 const MfaPolicy& policy,
                                                 const std::string& actor,
                                                 bool reuse_pending) {
  ASSIGN_OR_RETURN(auto existing, store::mfa::GetFactor(tx, user.id));
  if (existing && existing->active) {
    return absl::FailedPreconditionError(
        "a TOTP factor is active already: an administrator must reset it first");
  }
  ASSIGN_OR_RETURN(store::AccountRow account, store::accounts::Get(tx, user.account_id));
  const std::string label =
      absl::StrCat(user.username, "@", account.name.empty() ? account.id : account.name);
  // A page shown again (a reload, a mistyped code) keeps the key the user
  // may have added to their app already, for as long as a login ticket lives.
  if (reuse_pending && existing && clock_.NowMs() - existing->created_at < kReusePendingMs) {
    auto secret = pii_.Open(existing->secret_enc, SecretBinding(user.id));
    if (secret.ok()) {
      TotpParams params = policy.Totp();
      params.digits = existing->digits;
      params.period = existing->period;
      return Enrollment{OtpauthUri(issuer_, label, *secret, params), Base32(*secret), params};
    }
  }
  const std::string secret = random_.Bytes(kSecretBytes);
  const TotpParams params = policy.Totp();
  store::MfaFactorRow f;
  f.user_id = user.id;
  f.account_id = user.account_id;
  f.secret_enc = pii_.Seal(secret, SecretBinding(user.id));
  f.algorithm = TotpAlgorithmName(params.algorithm);
  f.digits = params.digits;
  f.period = params.period;
  f.active = false;
  f.last_step = -1;
  f.created_at = clock_.NowMs();
  RETURN_IF_ERROR(store::mfa::PutFactor(tx, f));
  audit::Event e = account::UserEvent(actor, user, "iam:CreateVirtualMFADevice");
  e.detail["algorithm"] = f.algorithm;
  e.detail["digits"] = f.digits;
  e.detail["period"] = f.period;
  RETURN_IF_ERROR(audit_.Append(tx, e));
  return Enrollment{OtpauthUri(issuer_, label, secret, params), Base32(secret), params};
}

absl::StatusOr<std::vector<std::string>> MfaService::NewRecoveryCodesInTx(
    store::Tx& tx, const store::UserRow& user, const MfaPolicy& policy) {
  std::vector<std::string> codes = NewRecoveryCodes(random_, policy.recovery_code_count);
  std::vector<std::string> hashes;
  for (const auto& c : codes) {
    hashes.push_back(RecoveryCodeHash(user.id, *NormalizeRecoveryCode(c)));
  }
  RETURN_IF_ERROR(
      store::mfa::ReplaceRecoveryCodes(tx, user.account_id, user.id, hashes, clock_.NowMs()));
  return codes;
}

absl::StatusOr<std::optional<std::vector<std::string>>> MfaService::ConfirmInTx(
    store::Tx& tx, const store::UserRow& user, const MfaPolicy& policy, const std::string& code,
    const std::string& actor) {
  using Result = std::optional<std::vector<std::string>>;
  ASSIGN_OR_RETURN(auto f, store::mfa::LockFactor(tx, user.id));
  if (!f) return absl::FailedPreconditionError("no enrolment begun: begin one first");
  if (f->active) return absl::FailedPreconditionError("the TOTP factor is active already");
  ASSIGN_OR_RETURN(std::string secret, pii_.Open(f->secret_enc, SecretBinding(user.id)));
  const int64_t now = clock_.NowMs();
  auto step = MatchTotp(secret, ParamsOf(*f), code, now / 1000, policy.totp_window,
                        std::numeric_limits<int64_t>::min());
  if (!step) {
    audit::Event e = account::UserEvent(actor, user, "iam:EnableMFADevice");
    e.result = "failure";
    e.detail["reason"] = "code does not match";
    RETURN_IF_ERROR(audit_.Append(tx, e));
    return Result();
  }
  f->active = true;
  f->last_step = *step;
  f->confirmed_at = now;
  RETURN_IF_ERROR(store::mfa::PutFactor(tx, *f));
  ASSIGN_OR_RETURN(auto codes, NewRecoveryCodesInTx(tx, user, policy));
  audit::Event e = account::UserEvent(actor, user, "iam:EnableMFADevice");
  e.detail["recovery_codes"] = static_cast<int>(codes.size());
  RETURN_IF_ERROR(audit_.Append(tx, e));
  return Result(std::move(codes));
}

absl::StatusOr<CodeOutcome> MfaService::CheckInTx(store::Tx& tx, const store::UserRow& user,
                                                  const MfaPolicy& policy, const std::string& code,
                                                  const std::string& recovery_code,
                                                  const CodeOrigin& origin) {
  const int64_t now = clock_.NowMs();
  const std::string actor = account::UserArn(user.account_id, user.username);
  auto audited = [&](const std::string& result, const std::string& reason,
                     const std::string& method) -> absl::Status {
    audit::Event e = account::UserEvent(actor, user, "sts:VerifyMfa");
    e.result = result;
    e.source_ip = origin.source_ip;
    e.user_agent = origin.user_agent;
    e.detail["purpose"] = origin.purpose;
    if (!method.empty()) e.detail["method"] = method;
    if (!reason.empty()) e.detail["reason"] = reason;
    return audit_.Append(tx, e);
  };
  // A user locked (by this budget or by passwords) gets no verdict on codes.
  ASSIGN_OR_RETURN(store::CounterRow lock,
                   store::login::GetCounter(tx, user.account_id, absl::StrCat("user:", user.id)));
  if (lock.permanent || lock.locked_until > now) {
    RETURN_IF_ERROR(audited("failure", "locked", ""));
    return CodeOutcome{CodeResult::kLocked, ""};
  }
  ASSIGN_OR_RETURN(auto f, store::mfa::LockFactor(tx, user.id));
  std::string reason;
  std::string method;
  if (!f || !f->active) {
    reason = "no active factor";
  } else if (!code.empty()) {
    ASSIGN_OR_RETURN(std::string secret, pii_.Open(f->secret_enc, SecretBinding(user.id)));
    auto step = MatchTotp(secret, ParamsOf(*f), code, now / 1000, policy.totp_window, f->last_step);
    if (step) {
      f->last_step = *step;
      RETURN_IF_ERROR(store::mfa::PutFactor(tx, *f));
      method = "otp";
    } else if (MatchTotp(secret, ParamsOf(*f), code, now / 1000, policy.totp_window,
                         std::numeric_limits<int64_t>::min())) {
      reason = "code already used";
    } else {
      reason = "wrong code";
    }
  } else {
    auto canonical = NormalizeRecoveryCode(recovery_code);
    bool used = false;
    if (canonical) {
      ASSIGN_OR_RETURN(used, store::mfa::UseRecoveryCode(
                                 tx, user.id, RecoveryCodeHash(user.id, *canonical), now));
    }
    if (used) {
      method = "recovery";
    } else {
      reason = "wrong recovery code";
    }
  }
  if (!method.empty()) {
    RETURN_IF_ERROR(
        store::login::DeleteCounter(tx, user.account_id, MfaCounterSubject(user.id)).status());
    RETURN_IF_ERROR(audited("success", "", method));
    return CodeOutcome{CodeResult::kAccepted, method};
  }
  ASSIGN_OR_RETURN(store::CounterRow c,
                   store::login::LockCounter(tx, user.account_id, MfaCounterSubject(user.id)));
  c.failures += 1;
  c.last_failure_at = now;
  RETURN_IF_ERROR(store::login::PutCounter(tx, c));
  RETURN_IF_ERROR(audited("failure", reason, ""));
  if (c.failures < policy.failure_hard_cap) return CodeOutcome{CodeResult::kWrong, ""};
  // The hard cap: the user stays locked until an administrator unlocks.
  ASSIGN_OR_RETURN(store::CounterRow u,
                   store::login::LockCounter(tx, user.account_id, absl::StrCat("user:", user.id)));
  u.permanent = true;
  u.last_failure_at = now;
  RETURN_IF_ERROR(store::login::PutCounter(tx, u));
  audit::Event e = account::UserEvent("iamd", user, "sts:LockUser");
  e.source_ip = origin.source_ip;
  e.detail["reason"] = "second-factor failures";
  e.detail["failures"] = c.failures;
  e.detail["permanent"] = true;
  RETURN_IF_ERROR(audit_.Append(tx, e));
  return CodeOutcome{CodeResult::kLocked, ""};
}

absl::StatusOr<Enrollment> MfaService::Begin(const account::Caller& caller) {
  Enrollment out;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(store::UserRow u, OwnUser(tx, caller));
    ASSIGN_OR_RETURN(MfaPolicy policy,
                     store::account_policies::Load<MfaPolicy>(tx, u.account_id, "mfa"));
    ASSIGN_OR_RETURN(out, BeginInTx(tx, u, policy, caller.Arn()));
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<std::vector<std::string>> MfaService::Confirm(const account::Caller& caller,
                                                             const std::string& code) {
  RETURN_IF_ERROR(CheckCodeInput(code, "", true));
  std::optional<std::vector<std::string>> codes;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(store::UserRow u, OwnUser(tx, caller));
    ASSIGN_OR_RETURN(MfaPolicy policy,
                     store::account_policies::Load<MfaPolicy>(tx, u.account_id, "mfa"));
    ASSIGN_OR_RETURN(codes, ConfirmInTx(tx, u, policy, code, caller.Arn()));
    return absl::OkStatus();
  }));
  if (!codes) {
    return absl::InvalidArgumentError(
        "code: does not match (check the code and the device's clock)");
  }
  return *codes;
}

absl::StatusOr<std::vector<std::string>> MfaService::RegenerateRecoveryCodes(
    const account::Caller& caller, const std::string& code) {
  RETURN_IF_ERROR(CheckCodeInput(code, "", true));
  std::vector<std::string> codes;
  CodeOutcome outcome;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
    codes.clear();
    ASSIGN_OR_RETURN(store::UserRow u, OwnUser(tx, caller));
    ASSIGN_OR_RETURN(bool enrolled, Enrolled(tx, u.id));
    if (!enrolled) return absl::FailedPreconditionError("no active TOTP factor");
    ASSIGN_OR_RETURN(MfaPolicy policy,
                     store::account_policies::Load<MfaPolicy>(tx, u.account_id, "mfa"));
    ASSIGN_OR_RETURN(outcome, CheckInTx(tx, u, policy, code, "",
                                        {caller.source_ip, caller.user_agent, "recovery-codes"}));
    if (outcome.result != CodeResult::kAccepted) return absl::OkStatus();
    ASSIGN_OR_RETURN(codes, NewRecoveryCodesInTx(tx, u, policy));
    audit::Event e = account::UserEvent(caller.Arn(), u, "iam:RegenerateRecoveryCodes");
    e.detail["recovery_codes"] = static_cast<int>(codes.size());
    return audit_.Append(tx, e);
  }));
  if (outcome.result == CodeResult::kLocked) {
    return absl::PermissionDeniedError("too many wrong codes: the user is locked");
  }
  if (outcome.result != CodeResult::kAccepted) {
    return absl::InvalidArgumentError("code: does not match");
  }
  return codes;
}

absl::Status MfaService::ResetOwn(const account::Caller& caller, const std::string& code,
                                  const std::string& recovery_code) {
  RETURN_IF_ERROR(CheckCodeInput(code, recovery_code, true));
  CodeOutcome outcome;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(store::UserRow u, OwnUser(tx, caller));
    ASSIGN_OR_RETURN(bool enrolled, Enrolled(tx, u.id));
    if (!enrolled) return absl::FailedPreconditionError("no active TOTP factor");
    ASSIGN_OR_RETURN(MfaPolicy policy,
                     store::account_policies::Load<MfaPolicy>(tx, u.account_id, "mfa"));
    ASSIGN_OR_RETURN(outcome, CheckInTx(tx, u, policy, code, recovery_code,
                                        {caller.source_ip, caller.user_agent, "reset"}));
    if (outcome.result != CodeResult::kAccepted) return absl::OkStatus();
    ASSIGN_OR_RETURN(int codes, store::mfa::CountUnusedRecoveryCodes(tx, u.id));
    RETURN_IF_ERROR(store::mfa::DeleteOfUser(tx, u.id));
    RETURN_IF_ERROR(
        store::login::DeleteCounter(tx, u.account_id, MfaCounterSubject(u.id)).status());
    audit::Event e = account::UserEvent(caller.Arn(), u, "iam:DeactivateMFADevice");
    e.detail["by"] = "the user";
    e.detail["recovery_codes_removed"] = codes;
    return audit_.Append(tx, e);
  }));
  if (outcome.result == CodeResult::kLocked) {
    return absl::PermissionDeniedError("too many wrong codes: the user is locked");
  }
  if (outcome.result != CodeResult::kAccepted) {
    return absl::InvalidArgumentError("code: does not match");
  }
  return absl::OkStatus();
}

absl::StatusOr<FactorStatus> MfaService::Status(const account::Caller& caller,
                                                const std::string& account_id,
                                                const std::string& username) {
  ASSIGN_OR_RETURN(std::string account, account::ResolveAccountId(caller, account_id));
  const bool own = account == caller.account_id && !caller.user_id.empty() &&
                   (username.empty() || store::users::UsernameKey(username) ==
                                            store::users::UsernameKey(caller.username));
  if (!own) {
    RETURN_IF_ERROR(mutations_.Authorize(caller, "iam:ListMFADevices", account,
                                       account::UserArn(account, username)));
    RETURN_IF_ERROR(text::CheckName("username", username, 64));
  }
  FactorStatus out;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    out = FactorStatus{};
    ASSIGN_OR_RETURN(store::UserRow u, own ? store::users::Get(tx, caller.user_id)
                                           : store::users::GetByUsername(tx, account, username));
    ASSIGN_OR_RETURN(MfaPolicy policy,
                     store::account_policies::Load<MfaPolicy>(tx, account, "mfa"));
    ASSIGN_OR_RETURN(auto f, store::mfa::GetFactor(tx, u.id));
    if (f) {
      out.enrolled = f->active;
      out.pending = !f->active;
      out.algorithm = f->algorithm;
      out.digits = f->digits;
      out.period = f->period;
      out.confirmed_at = f->confirmed_at.value_or(0);
    }
    ASSIGN_OR_RETURN(out.recovery_codes_left, store::mfa::CountUnusedRecoveryCodes(tx, u.id));
    out.mode = policy.mode;
    ASSIGN_OR_RETURN(out.required, RequiredOf(tx, policy, u, clock_.NowMs()));
    ASSIGN_OR_RETURN(store::CounterRow c,
                     store::login::GetCounter(tx, account, MfaCounterSubject(u.id)));
    out.consecutive_failures = c.failures;
    return absl::OkStatus();
  }));
  return out;
}

absl::Status MfaService::Reset(const account::Caller& caller, const std::string& account_id,
                               const std::string& username) {
  account::Operation op{"iam:DeactivateMFADevice", account_id, "user/" + username,
                        account::Touches::kAccountData};
  op.Check(text::CheckName("username", username, 64));
  return mutations_.Run(caller, op,
      [&](store::Tx& tx, const std::string& account, audit::Event& record) -> absl::Status {
        ASSIGN_OR_RETURN(store::UserRow u, store::users::GetByUsername(tx, account, username));
        ASSIGN_OR_RETURN(auto f, store::mfa::GetFactor(tx, u.id));
        ASSIGN_OR_RETURN(int codes, store::mfa::CountUnusedRecoveryCodes(tx, u.id));
        RETURN_IF_ERROR(store::mfa::DeleteOfUser(tx, u.id));
        RETURN_IF_ERROR(store::login::DeleteCounter(tx, account, MfaCounterSubject(u.id)).status());
        record.Object("user", u.id);
        record.detail["username"] = u.username;
        record.detail["had_factor"] = f.has_value();
        record.detail["was_active"] = f.has_value() && f->active;
        record.detail["recovery_codes_removed"] = codes;
        return absl::OkStatus();
      });
}

}  // namespace iam::mfa
