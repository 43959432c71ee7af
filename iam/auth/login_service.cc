#include "iam/auth/login_service.h"

#include "iam/account/arn.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "iam/auth/session_opener.h"
#include "iam/common/crypto.h"
#include "iam/common/log.h"
#include "iam/common/status_macros.h"
#include "iam/common/text.h"
#include "iam/mfa/login_gate.h"
#include "iam/session/session_policy.h"
#include "iam/store/account_store.h"
#include "iam/store/credential_store.h"
#include "iam/store/device_store.h"
#include "iam/store/login_store.h"
#include "iam/store/mfa_store.h"
#include "iam/store/policy_store.h"
#include "iam/store/user_store.h"

namespace iam::auth {
namespace {

constexpr size_t kMaxLoginName = 254;
constexpr size_t kMaxSecretBytes = 4 * 4096;

// Everything the attempt is about, read before any password is checked.
struct Target {
  std::optional<store::AccountRow> account;
  std::optional<store::UserRow> user;
  std::optional<store::PasswordRow> password;
  LockoutPolicy lockout;
  PasswordPolicy password_policy;
  std::string subject;  // "user:<id>", or "name:<blind index>" for an unknown name
  store::CounterRow subject_counter, ip_counter, device_counter;
  // What the gate after the password needs (known users only).
  mfa::MfaPolicy mfa_policy;
  mfa::IpAllowlistPolicy account_allowlist, user_allowlist;
  mfa::DeviceFacts device;
  bool enrolled = false;
  bool mfa_in_scope = false;
  // The right password was found in the risk list at this attempt.
  bool password_at_risk = false;
};

absl::Status Validate(const LoginRequest& r) {
  RETURN_IF_ERROR(text::CheckFreeText("account", r.account, 63, false));
  RETURN_IF_ERROR(text::CheckFreeText("username", r.username, kMaxLoginName, false));
  if (r.password.empty() && r.federated_user_id.empty()) {
    return absl::InvalidArgumentError("password: required");
  }
  if (r.password.size() > kMaxSecretBytes || r.new_password.size() > kMaxSecretBytes) {
    return absl::InvalidArgumentError("password: longer than 16384 bytes");
  }
  RETURN_IF_ERROR(session::CheckClientType(r.client_type));
  RETURN_IF_ERROR(text::CheckFreeText("device_id", r.device_id, 128));
  RETURN_IF_ERROR(text::CheckFreeText("challenge_proof", r.challenge_proof, 256));
  RETURN_IF_ERROR(text::CheckFreeText("audience", r.audience, 256));
  RETURN_IF_ERROR(text::CheckFreeText("device_token", r.device_token, 128));
  RETURN_IF_ERROR(text::CheckFreeText("oauth_client", r.oauth_client, 256));
  return absl::OkStatus();
}

FailureCounter ToCounter(const store::CounterRow& r) {
  return FailureCounter{r.failures, r.last_failure_at, r.lockouts, r.locked_until, r.permanent};
}

store::CounterRow FromCounter(const store::CounterRow& key, const FailureCounter& c) {
  return store::CounterRow{key.scope,  key.subject,    c.failures, c.last_failure_at,
                           c.lockouts, c.locked_until, c.permanent};
}

}  // namespace

const char* LoginStatusName(LoginStatus s) {
  switch (s) {
    case LoginStatus::kSuccess:
      return "SUCCESS";
    case LoginStatus::kFailed:
      return "FAILED";
    case LoginStatus::kLocked:
      return "LOCKED";
    case LoginStatus::kThrottled:
      return "THROTTLED";
    case LoginStatus::kChallengeRequired:
      return "CHALLENGE_REQUIRED";
    case LoginStatus::kPasswordChangeRequired:
      return "PASSWORD_CHANGE_REQUIRED";
    case LoginStatus::kMfaRequired:
      return "MFA_REQUIRED";
    case LoginStatus::kSessionLimit:
      return "SESSION_LIMIT";
    case LoginStatus::kDeviceApprovalRequired:
      return "DEVICE_APPROVAL_REQUIRED";
  }
  return "";
}

namespace {

// How a counted attempt ended, under the counters' row locks.
enum class Settlement {
  kRefused,    // locked, wrong password, inactive user or account
  kGated,      // the right password: the gate after it decided (a session, a
               // ticket for the second factor, or the gate's refusal)
  kChangeDue,  // the right password, but only a password change lets the user in
};

struct Settled {
  Settlement settlement = Settlement::kRefused;
  LoginResult result;  // kRefused and kGated: the answer, tokens unsigned
};

class Attempt {
 public:
  Attempt(const LoginCollaborators& with, const LoginRequest& r)
      : w_(with),
        r_(r),
        origin_{r.account,    r.username,   r.client_type,  r.device_id, r.source_ip,
                r.user_agent, r.audience,   r.oauth_client, r.provider} {}

  absl::StatusOr<LoginResult> Run(PasswordService& passwords, DirectoryPasswords* directory);
  absl::StatusOr<LoginResult> RunFederated();
  // The reason of the last failure audited, as a metrics label from a
  // fixed set ("wrong_password", "locked"...; "" after a success).
  std::string ReasonLabel() const;

 private:
  absl::Status Read();
  // Audits one attempt in the account's chain (none for an unknown account).
  absl::Status Audit(store::Tx& tx, const std::string& result, const std::string& reason);
  absl::StatusOr<LoginResult> Refuse(LoginStatus status, const std::string& reason,
                                     int64_t retry_after_ms);
  // Counts the outcome under the counters' row locks. With the right
  // password and no change due, the gate runs in the same transaction (the
  // common path: one write per login).
  absl::StatusOr<Settled> Settle(bool password_ok, bool change_due, const std::string& rehash);
  // Inside a write transaction, with the right password: the gate (IP
  // allowlists, device binding, second factor), then the session.
  absl::StatusOr<LoginResult> GateInTx(store::Tx& tx, const std::string& rehash);
  absl::StatusOr<LoginResult> IssueTicketInTx(store::Tx& tx, bool enroll, const std::string& risk);
  absl::StatusOr<LoginResult> Answer(store::Tx& tx, LoginStatus status, const std::string& reason);
  absl::StatusOr<LoginResult> Proceed();
  // Marks or clears the user's password as at risk, auditing a new mark.
  absl::Status RecordPasswordRisk(store::Tx& tx, int64_t now);
  absl::StatusOr<LoginResult> SignTokens(LoginResult out);

  int64_t Now() const { return w_.clock.NowMs(); }
  bool federated() const { return !r_.federated_user_id.empty(); }

  const LoginCollaborators& w_;  // what the login works with
  const LoginRequest& r_;
  LoginOrigin origin_;
  Target t_;
  std::string directory_reason_;  // a directory's refusal, for the audit record
  std::string reason_;            // the last failure's reason, as audited
};

absl::Status Attempt::Read() {
  return w_.db.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    t_ = Target{};
    absl::StatusOr<store::AccountRow> account =
        account::IsAccountId(r_.account) ? store::accounts::Get(tx, r_.account)
                                : store::accounts::GetByName(tx, text::AsciiLower(r_.account));
    if (account.ok()) {
      t_.account = *account;
    } else if (!absl::IsNotFound(account.status())) {
      return account.status();
    }
    if (t_.account) {
      const std::string& id = t_.account->id;
      auto user = federated() ? store::users::Get(tx, r_.federated_user_id)
                              : store::users::GetByUsername(tx, id, r_.username);
      if (user.ok() && user->account_id != id) user = absl::NotFoundError("user");
      if (!federated() && absl::IsNotFound(user.status()) &&
          r_.username.find('@') != std::string::npos) {
        user =
            store::users::GetByEmailIndex(tx, id, w_.pii.BlindIndex(text::AsciiLower(r_.username)));
      }
      // A service account has no password to log in with: it is answered
      // as an unknown name is.
      if (user.ok() && user->kind == store::UserKind::kHuman) {
        t_.user = *user;
      } else if (!user.ok() && !absl::IsNotFound(user.status())) {
        return user.status();
      }
      ASSIGN_OR_RETURN(t_.lockout, store::account_policies::Load<LockoutPolicy>(tx, id, "lockout"));
      ASSIGN_OR_RETURN(t_.password_policy,
                       store::account_policies::Load<PasswordPolicy>(tx, id, "password"));
      // The username and the email of one user are one subject; unknown
      // names get their own counters, so they lock exactly like real ones.
      t_.subject = t_.user
                       ? absl::StrCat("user:", t_.user->id)
                       : absl::StrCat("name:", w_.pii.BlindIndex(text::AsciiLower(r_.username)));
      ASSIGN_OR_RETURN(t_.subject_counter, store::login::GetCounter(tx, id, t_.subject));
      if (t_.user) {
        ASSIGN_OR_RETURN(t_.password, store::passwords::Get(tx, t_.user->id));
        ASSIGN_OR_RETURN(t_.mfa_policy,
                         store::account_policies::Load<mfa::MfaPolicy>(tx, id, "mfa"));
        ASSIGN_OR_RETURN(
            t_.account_allowlist,
            store::account_policies::Load<mfa::IpAllowlistPolicy>(tx, id, "ip_allowlist"));
        ASSIGN_OR_RETURN(auto user_list, store::devices::GetUserAllowlist(tx, t_.user->id));
        if (user_list) {
          auto parsed =
              mfa::IpAllowlistPolicy::FromJson(nlohmann::json::parse(*user_list, nullptr, false));
          if (!parsed.ok()) return absl::DataLossError("stored user IP allowlist does not parse");
          t_.user_allowlist = *parsed;
        }
        ASSIGN_OR_RETURN(t_.enrolled, mfa::MfaService::Enrolled(tx, t_.user->id));
        ASSIGN_OR_RETURN(t_.mfa_in_scope, mfa::MfaService::RequiredOf(tx, t_.mfa_policy, *t_.user,
                                                                      w_.clock.NowMs()));
        if (w_.devices != nullptr) {
          ASSIGN_OR_RETURN(t_.device, w_.devices->FactsInTx(
                                          tx, *t_.user, {r_.device_id, r_.source_ip, r_.user_agent},
                                          r_.device_token, t_.mfa_policy));
        }
      }
    }
    ASSIGN_OR_RETURN(t_.ip_counter, store::login::GetCounter(tx, "ip", r_.source_ip));
    if (!r_.device_id.empty()) {
      ASSIGN_OR_RETURN(t_.device_counter, store::login::GetCounter(tx, "device", r_.device_id));
    }
    return absl::OkStatus();
  });
}

absl::Status Attempt::Audit(store::Tx& tx, const std::string& result, const std::string& reason) {
  reason_ = reason;
  if (!t_.account) {
    log::Info("login attempt for an unknown account",
              {{"result", result}, {"reason", reason}, {"source_ip", r_.source_ip}});
    return absl::OkStatus();
  }
  return w_.audit.Append(
      tx, LoginEvent(t_.account->id, t_.user ? &*t_.user : nullptr, origin_, result, reason));
}

absl::StatusOr<LoginResult> Attempt::Refuse(LoginStatus status, const std::string& reason,
                                            int64_t retry_after_ms) {
  RETURN_IF_ERROR(w_.db.Transact(store::TxMode::kWrite,
                                 [&](store::Tx& tx) { return Audit(tx, "failure", reason); }));
  LoginResult out;
  out.status = status;
  out.retry_after_ms = retry_after_ms;
  return out;
}

absl::StatusOr<LoginResult> Attempt::Answer(store::Tx& tx, LoginStatus status,
                                            const std::string& reason) {
  RETURN_IF_ERROR(Audit(tx, "failure", reason));
  LoginResult out;
  out.status = status;
  return out;
}

absl::StatusOr<Settled> Attempt::Settle(bool password_ok, bool change_due,
                                        const std::string& rehash) {
  Settled out;
  RETURN_IF_ERROR(w_.db.Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
    out = Settled{};
    const int64_t now = Now();
    std::optional<store::CounterRow> subject;
    if (t_.account) {
      ASSIGN_OR_RETURN(subject, store::login::LockCounter(tx, t_.account->id, t_.subject));
      // Locked by a concurrent attempt since this one started: it does not
      // count, and a right password does not get in.
      LockState lock = SubjectLock(ToCounter(*subject), now);
      if (lock.locked) {
        out.result.status = LoginStatus::kLocked;
        out.result.retry_after_ms = lock.retry_after_ms;
        return Audit(tx, "failure", "locked");
      }
    }
    if (password_ok) {
      const bool active = t_.user->state == store::UserState::kActive &&
                          t_.account->state == store::AccountState::kActive;
      if (subject && (subject->failures != 0 || subject->lockouts != 0)) {
        RETURN_IF_ERROR(
            store::login::PutCounter(tx, store::CounterRow{subject->scope, subject->subject}));
      }
      if (!active) {
        return Audit(
            tx, "failure",
            t_.user->state != store::UserState::kActive ? "user disabled" : "account not active");
      }
      if (!federated()) RETURN_IF_ERROR(RecordPasswordRisk(tx, now));
      if (change_due) {
        out.settlement = Settlement::kChangeDue;
        return absl::OkStatus();
      }
      out.settlement = Settlement::kGated;
      ASSIGN_OR_RETURN(out.result, GateInTx(tx, rehash));
      return absl::OkStatus();
    }
    ASSIGN_OR_RETURN(store::CounterRow ip, store::login::LockCounter(tx, "ip", r_.source_ip));
    RETURN_IF_ERROR(store::login::PutCounter(
        tx, FromCounter(ip, RecordSourceFailure(w_.throttle, ToCounter(ip), now))));
    if (!r_.device_id.empty()) {
      ASSIGN_OR_RETURN(store::CounterRow dev,
                       store::login::LockCounter(tx, "device", r_.device_id));
      RETURN_IF_ERROR(store::login::PutCounter(
          tx, FromCounter(dev, RecordSourceFailure(w_.throttle, ToCounter(dev), now))));
    }
    std::string reason = !directory_reason_.empty() ? directory_reason_
                         : !t_.account              ? "unknown account"
                         : !t_.user                 ? "unknown user"
                         : !t_.password             ? "no password set"
                                                    : "wrong password";
    if (!subject) return Audit(tx, "failure", reason);
    FailureCounter next = RecordSubjectFailure(t_.lockout, ToCounter(*subject), now);
    RETURN_IF_ERROR(store::login::PutCounter(tx, FromCounter(*subject, next)));
    RETURN_IF_ERROR(Audit(tx, "failure", reason));
    LockState lock = SubjectLock(next, now);
    if (lock.locked) {
      // An unknown name locks like a user, under the name as typed.
      audit::Event e = audit::Event::By("iamd", t_.account->id, "sts:LockUser", "user",
                                        t_.user ? t_.user->id : "");
      e.source_ip = r_.source_ip;
      e.detail["username"] = r_.username;
      e.detail["failures"] = next.failures;
      e.detail["permanent"] = lock.permanent;
      if (!lock.permanent) e.detail["locked_until"] = next.locked_until;
      RETURN_IF_ERROR(w_.audit.Append(tx, e));
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::Status Attempt::RecordPasswordRisk(store::Tx& tx, int64_t now) {
  if (t_.password->at_risk_since.has_value() == t_.password_at_risk) return absl::OkStatus();
  // Read again under the subject's row lock: of two logins racing, one
  // marks and audits.
  ASSIGN_OR_RETURN(auto current, store::passwords::Get(tx, t_.user->id));
  if (!current || current->at_risk_since.has_value() == t_.password_at_risk) {
    return absl::OkStatus();
  }
  // Only this login knows the password in clear: the mark lasts until the
  // password changes, or until a login finds it no longer listed.
  RETURN_IF_ERROR(store::passwords::SetAtRisk(
      tx, t_.user->id, t_.password_at_risk ? std::optional<int64_t>(now) : std::nullopt));
  if (!t_.password_at_risk) return absl::OkStatus();
  audit::Event e = account::UserEvent("iamd", *t_.user, "iam:FlagPasswordAtRisk", r_.source_ip);
  e.detail["reason"] = "the password is in the list of breached or common passwords";
  return w_.audit.Append(tx, e);
}

absl::StatusOr<LoginResult> Attempt::Proceed() {
  LoginResult out;
  RETURN_IF_ERROR(w_.db.Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(out, GateInTx(tx, ""));
    return absl::OkStatus();
  }));
  return SignTokens(std::move(out));
}

absl::StatusOr<LoginResult> Attempt::GateInTx(store::Tx& tx, const std::string& rehash) {
  mfa::LoginFacts facts;
  facts.ip_allowed =
      t_.account_allowlist.Allows(r_.source_ip) && t_.user_allowlist.Allows(r_.source_ip);
  facts.has_device_id = !r_.device_id.empty();
  facts.device_approved = t_.device.approved;
  facts.device_known = t_.device.known;
  facts.device_trusted = t_.device.trusted;
  facts.prefix_known = t_.device.prefix_known;
  facts.enrolled = t_.enrolled;
  facts.in_scope = t_.mfa_in_scope;
  mfa::GateDecision d = mfa::Decide(t_.mfa_policy, facts);
  // The upstream's second factor, when the provider is trusted for it,
  // is the one the policy asks for.
  if (r_.upstream_mfa && (d.next == mfa::Next::kMfa || d.next == mfa::Next::kEnroll)) {
    d.next = mfa::Next::kOpen;
  }
  switch (d.next) {
    case mfa::Next::kRefuseIp:
      return Answer(tx, LoginStatus::kFailed, "source address not in the login IP allowlist");
    case mfa::Next::kRefuseNoDevice:
      return Answer(tx, LoginStatus::kFailed, "device binding: no device id");
    case mfa::Next::kDeviceApproval:
      if (w_.devices != nullptr) {
        RETURN_IF_ERROR(
            w_.devices->MarkPendingInTx(tx, *t_.user, {r_.device_id, r_.source_ip, r_.user_agent}));
      }
      return Answer(tx, LoginStatus::kDeviceApprovalRequired, "device not approved");
    case mfa::Next::kMfa:
    case mfa::Next::kEnroll:
      return IssueTicketInTx(tx, d.next == mfa::Next::kEnroll, d.risk);
    case mfa::Next::kOpen:
      break;
  }
  std::vector<std::string> amr{federated() ? r_.federated_factor : "pwd"};
  if (r_.upstream_mfa) amr.push_back("mfa");
  return w_.opener.OpenInTx(tx, *t_.user, origin_, OpenRequest{amr, d.risk, false, rehash});
}

absl::StatusOr<LoginResult> Attempt::IssueTicketInTx(store::Tx& tx, bool enroll,
                                                     const std::string& risk) {
  const int64_t now = Now();
  const std::string ticket = absl::StrCat("mt1.", crypto::Base64Url(w_.random.Bytes(32)));
  store::MfaTicketRow row;
  row.hash = crypto::Hex(crypto::Sha256(ticket));
  row.account_id = t_.account->id;
  row.user_id = t_.user->id;
  row.purpose = enroll ? "enroll" : "verify";
  row.created_at = now;
  row.expires_at = now + int64_t{t_.mfa_policy.ticket_ttl_seconds} * 1000;
  row.client_type = r_.client_type;
  row.device_id = r_.device_id;
  row.source_ip = r_.source_ip;
  row.user_agent = r_.user_agent;
  row.audience = r_.audience;
  row.risk = risk;
  row.first_factor = federated() ? r_.federated_factor : "pwd";
  RETURN_IF_ERROR(store::mfa::PutTicket(tx, row));
  audit::Event e = LoginEvent(t_.account->id, &*t_.user, origin_, "pending",
                              enroll ? "mfa enrolment required" : "mfa required");
  if (!risk.empty()) e.detail["risk"] = risk;
  RETURN_IF_ERROR(w_.audit.Append(tx, e));
  LoginResult out;
  out.status = LoginStatus::kMfaRequired;
  out.mfa_ticket = ticket;
  out.mfa_ticket_expires_at = row.expires_at;
  out.enrollment_required = enroll;
  return out;
}

absl::StatusOr<LoginResult> Attempt::SignTokens(LoginResult out) {
  return w_.opener.Sign(t_.user->username, r_.audience, std::move(out));
}

std::string Attempt::ReasonLabel() const {
  if (reason_.empty()) return "";
  // A directory's refusal is its own free text: one label for all of them.
  if (!directory_reason_.empty() && reason_ == directory_reason_) return "directory";
  static constexpr absl::string_view kKnown[] = {
      "unknown account", "unknown user", "no password set", "wrong password", "locked",
      "source address throttled", "device throttled", "challenge required", "challenge failed",
      "password at risk: change required", "password change required",
      "source address not in the login IP allowlist", "device binding: no device id",
      "device not approved"};
  for (absl::string_view known : kKnown) {
    if (reason_ != known) continue;
    std::string label(known.substr(0, known.find(':')));
    for (char& c : label) c = c == ' ' ? '_' : absl::ascii_tolower(c);
    return label;
  }
  return "other";
}

absl::StatusOr<LoginResult> Attempt::Run(PasswordService& passwords,
                                         DirectoryPasswords* directory) {
  RETURN_IF_ERROR(Read());
  const int64_t now = Now();
  // 1. The source: an address or device failing against many accounts.
  LockState ip = SourceLock(w_.throttle, ToCounter(t_.ip_counter), now);
  LockState dev = SourceLock(w_.throttle, ToCounter(t_.device_counter), now);
  if (ip.locked || dev.locked) {
    return Refuse(LoginStatus::kThrottled,
                  ip.locked ? "source address throttled" : "device throttled",
                  std::max(ip.retry_after_ms, dev.retry_after_ms));
  }
  // 2. The subject: while locked, no password is checked at all.
  LockState lock = SubjectLock(ToCounter(t_.subject_counter), now);
  if (lock.locked) return Refuse(LoginStatus::kLocked, "locked", lock.retry_after_ms);
  // 3. After a few failures of this subject (in this account), a human must
  // prove it is one. A source failing against many names is asked too, but
  // only once it reaches the service-wide slow-down threshold, where it is
  // also slowed and listed to operators: below it, the failures of one
  // address (a company's NAT) never challenge another tenant's users. No
  // challenge is asked when no verifier is configured: one no one can pass
  // would only lock users out.
  const int k = t_.lockout.challenge_after_failures;
  const bool recent_ip =
      t_.ip_counter.last_failure_at > 0 &&
      now - t_.ip_counter.last_failure_at <= int64_t{w_.throttle.window_seconds} * 1000;
  const int subject_failures = LiveFailures(t_.lockout, ToCounter(t_.subject_counter), now);
  const bool source_failing =
      recent_ip && t_.ip_counter.failures >= w_.throttle.slow_after_failures;
  if (k > 0 && w_.challenge != nullptr && (subject_failures >= k || source_failing)) {
    // Each failure past the threshold asks more of the next proof.
    const int level = std::max(subject_failures >= k ? subject_failures - k : 0,
                               source_failing ? static_cast<int>(t_.ip_counter.failures -
                                                                 w_.throttle.slow_after_failures)
                                              : 0);
    if (r_.challenge_proof.empty() ||
        !w_.challenge->Verify(r_.challenge_proof, r_.source_ip, level)) {
      ASSIGN_OR_RETURN(LoginResult out,
                       Refuse(LoginStatus::kChallengeRequired,
                              r_.challenge_proof.empty() ? "challenge required" : "challenge failed",
                              0));
      out.challenge = w_.challenge->Offer(r_.source_ip, level);
      return out;
    }
  }
  // 4a. An account's directory may own this password: it checks it, and
  // the user it vouches for goes on as a federated login would; a refusal
  // counts as a wrong password.
  if (directory != nullptr && t_.account) {
    ASSIGN_OR_RETURN(DirectoryVerdict d,
                     directory->Check(t_.account->id, r_.username, r_.password,
                                      t_.user ? &*t_.user : nullptr));
    if (d.kind == DirectoryVerdict::kVerified) {
      LoginRequest vouched = r_;
      vouched.password.clear();
      vouched.federated_user_id = d.user_id;
      vouched.provider = d.provider;
      vouched.federated_factor = "pwd";
      Attempt next(w_, vouched);
      return next.RunFederated();
    }
    if (d.kind == DirectoryVerdict::kRejected) {
      directory_reason_ = d.reason;
      origin_.provider = d.provider;
      ASSIGN_OR_RETURN(Settled settled, Settle(false, false, ""));
      return settled.result;
    }
  }
  // 4. The password, on the bounded pool; the same work when there is none.
  VerifyOutcome v;
  if (t_.password) {
    ASSIGN_OR_RETURN(v, w_.hasher.Verify(r_.password, t_.password->hash));
  } else {
    RETURN_IF_ERROR(w_.hasher.VerifyDummy(r_.password));
  }
  // 5. A right password that is in the risk list (which may have grown since
  // it was set) flags the user; the policy may require a change.
  t_.password_at_risk = v.match && t_.password_policy.blocklist && w_.blocklist != nullptr &&
                        w_.blocklist->Contains(r_.password);
  // 6. An expired, reset or (by policy) at-risk password: only a change
  // lets the user in.
  const bool change_due =
      v.match && (PasswordChangeDue(t_.password_policy, *t_.password, now) ||
                  (t_.password_at_risk && t_.password_policy.at_risk_action == "require_change"));
  std::string rehash;
  if (v.match && !change_due && v.needs_rehash) {
    ASSIGN_OR_RETURN(rehash, w_.hasher.Hash(r_.password));
  }
  ASSIGN_OR_RETURN(Settled settled, Settle(v.match, change_due, rehash));
  switch (settled.settlement) {
    case Settlement::kRefused:
      return settled.result;
    case Settlement::kGated:
      return SignTokens(std::move(settled.result));
    case Settlement::kChangeDue:
      break;
  }
  if (r_.new_password.empty()) {
    ASSIGN_OR_RETURN(LoginResult refused,
                     Refuse(LoginStatus::kPasswordChangeRequired,
                            t_.password_at_risk ? "password at risk: change required"
                                                : "password change required",
                            0));
    refused.password_at_risk = t_.password_at_risk;
    refused.password_change_reason =
        t_.password->must_change ? "reset"
        : PasswordChangeDue(t_.password_policy, *t_.password, Now()) ? "expired"
                                                                     : "at_risk";
    return refused;
  }
  account::Caller actor;
  actor.account_id = t_.account->id;
  actor.user_id = t_.user->id;
  actor.username = t_.user->username;
  actor.source_ip = r_.source_ip;
  actor.user_agent = r_.user_agent;
  ASSIGN_OR_RETURN(account::Admission admission, passwords.OwnChange(actor));
  RETURN_IF_ERROR(passwords.Replace(admission, *t_.user, r_.new_password, false, false, ""));
  return Proceed();
}

absl::StatusOr<LoginResult> Attempt::RunFederated() {
  RETURN_IF_ERROR(Read());
  // The provider resolved the user in this account; gone since, it is
  // refused as any unknown user is.
  if (!t_.user) return Refuse(LoginStatus::kFailed, "unknown user", 0);
  LockState lock = SubjectLock(ToCounter(t_.subject_counter), Now());
  if (lock.locked) return Refuse(LoginStatus::kLocked, "locked", lock.retry_after_ms);
  ASSIGN_OR_RETURN(Settled settled, Settle(/*password_ok=*/true, /*change_due=*/false, ""));
  if (settled.settlement == Settlement::kGated) return SignTokens(std::move(settled.result));
  return settled.result;
}

}  // namespace

absl::StatusOr<LoginResult> LoginService::Login(const LoginRequest& request) {
  if (!request.federated_user_id.empty()) {
    return absl::InvalidArgumentError("federated_user_id: only for LoginFederated");
  }
  RETURN_IF_ERROR(Validate(request));
  Attempt attempt(with_, request);
  absl::StatusOr<LoginResult> result = attempt.Run(with_.passwords, directory_);
  Count("password", result, attempt.ReasonLabel());
  return result;
}

void LoginService::Count(absl::string_view step, const absl::StatusOr<LoginResult>& result,
                         const std::string& reason) {
  if (with_.outcomes == nullptr) return;
  std::string outcome = result.ok() ? absl::AsciiStrToLower(LoginStatusName(result->status))
                                    : "error";
  with_.outcomes->Inc({step, outcome, result.ok() ? reason : ""});
}

absl::StatusOr<LoginResult> LoginService::LoginFederated(const LoginRequest& request) {
  if (request.federated_user_id.empty() || request.provider.empty() ||
      !request.password.empty()) {
    return absl::InvalidArgumentError("federated login: a user and a provider, no password");
  }
  RETURN_IF_ERROR(Validate(request));
  Attempt attempt(with_, request);
  absl::StatusOr<LoginResult> result = attempt.RunFederated();
  Count("federated", result, attempt.ReasonLabel());
  return result;
}

}  // namespace iam::auth
