#include "iam/auth/login_service.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "iam/common/log.h"
#include "iam/common/status_macros.h"
#include "iam/common/text.h"
#include "iam/session/session_policy.h"
#include "iam/store/account_store.h"
#include "iam/store/credential_store.h"
#include "iam/store/login_store.h"
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
};

bool IsAccountId(const std::string& s) {
  return s.size() == 12 && std::all_of(s.begin(), s.end(), [](char c) {
           return absl::ascii_isdigit(static_cast<unsigned char>(c));
         });
}

absl::Status Validate(const LoginRequest& r) {
  RETURN_IF_ERROR(text::CheckFreeText("account", r.account, 63, false));
  RETURN_IF_ERROR(text::CheckFreeText("username", r.username, kMaxLoginName, false));
  if (r.password.empty()) return absl::InvalidArgumentError("password: required");
  if (r.password.size() > kMaxSecretBytes || r.new_password.size() > kMaxSecretBytes) {
    return absl::InvalidArgumentError("password: longer than 16384 bytes");
  }
  RETURN_IF_ERROR(session::CheckClientType(r.client_type));
  RETURN_IF_ERROR(text::CheckFreeText("device_id", r.device_id, 128));
  RETURN_IF_ERROR(text::CheckFreeText("challenge_proof", r.challenge_proof, 256));
  RETURN_IF_ERROR(text::CheckFreeText("audience", r.audience, 256));
  return absl::OkStatus();
}

FailureCounter ToCounter(const store::CounterRow& r) {
  return FailureCounter{r.failures, r.last_failure_at, r.lockouts, r.locked_until, r.permanent};
}

store::CounterRow FromCounter(const store::CounterRow& key, const FailureCounter& c) {
  return store::CounterRow{key.scope,   key.subject,     c.failures, c.last_failure_at,
                           c.lockouts, c.locked_until, c.permanent};
}

}  // namespace

const char* LoginStatusName(LoginStatus s) {
  switch (s) {
    case LoginStatus::kSuccess: return "SUCCESS";
    case LoginStatus::kFailed: return "FAILED";
    case LoginStatus::kLocked: return "LOCKED";
    case LoginStatus::kThrottled: return "THROTTLED";
    case LoginStatus::kChallengeRequired: return "CHALLENGE_REQUIRED";
    case LoginStatus::kPasswordChangeRequired: return "PASSWORD_CHANGE_REQUIRED";
    case LoginStatus::kMfaRequired: return "MFA_REQUIRED";
    case LoginStatus::kSessionLimit: return "SESSION_LIMIT";
  }
  return "";
}

namespace {

class Attempt {
 public:
  Attempt(const AuthContext& ctx, const LoginRequest& r) : ctx_(ctx), r_(r) {}

  absl::StatusOr<LoginResult> Run(PasswordService& passwords);

 private:
  absl::Status Read();
  // Audits one attempt in the account's chain (none for an unknown account).
  absl::Status Audit(store::Tx& tx, const std::string& result, const std::string& reason);
  absl::StatusOr<LoginResult> Refuse(LoginStatus status, const std::string& reason,
                                     int64_t retry_after_ms);
  // Counts the outcome under the counters' row locks. With the right
  // password, *proceed is set; when `open` is also set, the session is
  // opened in the same transaction (the common path: one write per login).
  absl::StatusOr<LoginResult> Settle(bool password_ok, bool open, const std::string& rehash,
                                     bool* proceed);
  // Inside a write transaction: the session, the previous login, the audit.
  absl::Status OpenInTx(store::Tx& tx, const std::string& rehash, LoginResult* out);
  absl::StatusOr<LoginResult> OpenSession(const std::string& rehash);
  absl::StatusOr<LoginResult> SignTokens(LoginResult out);

  int64_t Now() const { return ctx_.base.NowMs(); }

  const AuthContext& ctx_;
  const LoginRequest& r_;
  Target t_;
};

absl::Status Attempt::Read() {
  return ctx_.base.db->Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    t_ = Target{};
    absl::StatusOr<store::AccountRow> account =
        IsAccountId(r_.account) ? store::accounts::Get(tx, r_.account)
                                : store::accounts::GetByName(tx, text::AsciiLower(r_.account));
    if (account.ok()) {
      t_.account = *account;
    } else if (!absl::IsNotFound(account.status())) {
      return account.status();
    }
    if (t_.account) {
      const std::string& id = t_.account->id;
      auto user = store::users::GetByUsername(tx, id, r_.username);
      if (absl::IsNotFound(user.status()) && r_.username.find('@') != std::string::npos) {
        user = store::users::GetByEmailIndex(tx, id,
                                             ctx_.base.pii->BlindIndex(text::AsciiLower(r_.username)));
      }
      if (user.ok()) {
        t_.user = *user;
      } else if (!absl::IsNotFound(user.status())) {
        return user.status();
      }
      ASSIGN_OR_RETURN(t_.lockout, store::account_policies::Load<LockoutPolicy>(tx, id, "lockout"));
      ASSIGN_OR_RETURN(t_.password_policy,
                       store::account_policies::Load<PasswordPolicy>(tx, id, "password"));
      // The username and the email of one user are one subject; unknown
      // names get their own counters, so they lock exactly like real ones.
      t_.subject = t_.user ? absl::StrCat("user:", t_.user->id)
                           : absl::StrCat("name:", ctx_.base.pii->BlindIndex(
                                                       text::AsciiLower(r_.username)));
      ASSIGN_OR_RETURN(t_.subject_counter, store::login::GetCounter(tx, id, t_.subject));
      if (t_.user) {
        ASSIGN_OR_RETURN(t_.password, store::passwords::Get(tx, t_.user->id));
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
  if (!t_.account) {
    log::Info("login attempt for an unknown account",
              {{"result", result}, {"reason", reason}, {"source_ip", r_.source_ip}});
    return absl::OkStatus();
  }
  audit::Event e;
  e.account_id = t_.account->id;
  e.actor = t_.user ? account::UserArn(t_.account->id, t_.user->username) : "anonymous";
  e.action = "sts:Login";
  e.object_type = "user";
  e.object_id = t_.user ? t_.user->id : "";
  e.source_ip = r_.source_ip;
  e.user_agent = r_.user_agent;
  e.result = result;
  e.detail["username"] = r_.username;
  e.detail["client_type"] = r_.client_type;
  e.detail["device_id"] = r_.device_id;
  if (!reason.empty()) e.detail["reason"] = reason;
  return ctx_.base.audit->Append(tx, e);
}

absl::StatusOr<LoginResult> Attempt::Refuse(LoginStatus status, const std::string& reason,
                                            int64_t retry_after_ms) {
  RETURN_IF_ERROR(ctx_.base.db->Transact(store::TxMode::kWrite, [&](store::Tx& tx) {
    return Audit(tx, "failure", reason);
  }));
  LoginResult out;
  out.status = status;
  out.retry_after_ms = retry_after_ms;
  return out;
}

absl::StatusOr<LoginResult> Attempt::Settle(bool password_ok, bool open,
                                            const std::string& rehash, bool* proceed) {
  LoginResult out;
  RETURN_IF_ERROR(ctx_.base.db->Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
    *proceed = false;
    out = LoginResult{};
    const int64_t now = Now();
    std::optional<store::CounterRow> subject;
    if (t_.account) {
      ASSIGN_OR_RETURN(subject, store::login::LockCounter(tx, t_.account->id, t_.subject));
      // Locked by a concurrent attempt since this one started: it does not
      // count, and a right password does not get in.
      LockState lock = SubjectLock(ToCounter(*subject), now);
      if (lock.locked) {
        out.status = LoginStatus::kLocked;
        out.retry_after_ms = lock.retry_after_ms;
        return Audit(tx, "failure", "locked");
      }
    }
    if (password_ok) {
      const bool active = t_.user->state == "active" && t_.account->state == "active";
      if (subject && (subject->failures != 0 || subject->lockouts != 0)) {
        RETURN_IF_ERROR(store::login::PutCounter(tx, store::CounterRow{subject->scope,
                                                                       subject->subject}));
      }
      if (!active) {
        out.status = LoginStatus::kFailed;
        return Audit(tx, "failure",
                     t_.user->state != "active" ? "user disabled" : "account not active");
      }
      *proceed = true;
      if (open) return OpenInTx(tx, rehash, &out);
      return absl::OkStatus();
    }
    ASSIGN_OR_RETURN(store::CounterRow ip, store::login::LockCounter(tx, "ip", r_.source_ip));
    RETURN_IF_ERROR(store::login::PutCounter(
        tx, FromCounter(ip, RecordSourceFailure(ctx_.throttle, ToCounter(ip), now))));
    if (!r_.device_id.empty()) {
      ASSIGN_OR_RETURN(store::CounterRow dev, store::login::LockCounter(tx, "device", r_.device_id));
      RETURN_IF_ERROR(store::login::PutCounter(
          tx, FromCounter(dev, RecordSourceFailure(ctx_.throttle, ToCounter(dev), now))));
    }
    out.status = LoginStatus::kFailed;
    std::string reason = !t_.account ? "unknown account"
                         : !t_.user  ? "unknown user"
                         : !t_.password ? "no password set"
                                        : "wrong password";
    if (!subject) return Audit(tx, "failure", reason);
    FailureCounter next = RecordSubjectFailure(t_.lockout, ToCounter(*subject), now);
    RETURN_IF_ERROR(store::login::PutCounter(tx, FromCounter(*subject, next)));
    RETURN_IF_ERROR(Audit(tx, "failure", reason));
    LockState lock = SubjectLock(next, now);
    if (lock.locked) {
      audit::Event e;
      e.account_id = t_.account->id;
      e.actor = "iamd";
      e.action = "sts:LockUser";
      e.object_type = "user";
      e.object_id = t_.user ? t_.user->id : "";
      e.source_ip = r_.source_ip;
      e.detail["username"] = r_.username;
      e.detail["failures"] = next.failures;
      e.detail["permanent"] = lock.permanent;
      if (!lock.permanent) e.detail["locked_until"] = next.locked_until;
      RETURN_IF_ERROR(ctx_.base.audit->Append(tx, e));
    }
    return absl::OkStatus();
  }));
  if (*proceed && open) return SignTokens(std::move(out));
  return out;
}

absl::StatusOr<LoginResult> Attempt::OpenSession(const std::string& rehash) {
  LoginResult out;
  RETURN_IF_ERROR(ctx_.base.db->Transact(store::TxMode::kWrite, [&](store::Tx& tx) {
    out = LoginResult{};
    return OpenInTx(tx, rehash, &out);
  }));
  return SignTokens(std::move(out));
}

absl::Status Attempt::OpenInTx(store::Tx& tx, const std::string& rehash, LoginResult* result) {
  LoginResult& out = *result;
  const store::UserRow& user = *t_.user;
  const int64_t now = Now();
  ASSIGN_OR_RETURN(store::LoginStateRow state,
                   store::login::LockLoginState(tx, user.id, user.account_id));
  // Disabled between the password check and now.
  ASSIGN_OR_RETURN(store::UserRow fresh, store::users::Get(tx, user.id));
  if (fresh.state != "active") {
    out.status = LoginStatus::kFailed;
    return Audit(tx, "failure", "user disabled");
  }
  ASSIGN_OR_RETURN(session::SessionPolicy policy,
                   store::account_policies::Load<session::SessionPolicy>(tx, user.account_id,
                                                                         "session"));
  session::NewSession n{user.account_id, user.id, user.username, r_.client_type, r_.device_id,
                        r_.source_ip,    r_.user_agent, {"pwd"}, now};
  auto opened = ctx_.sessions->OpenInTx(tx, policy, n);
  if (absl::IsFailedPrecondition(opened.status())) {
    out.status = LoginStatus::kSessionLimit;
    return Audit(tx, "failure", "session limit reached");
  }
  RETURN_IF_ERROR(opened.status());
  if (!rehash.empty()) {
    ASSIGN_OR_RETURN(auto pw, store::passwords::Get(tx, user.id));
    if (pw) {
      pw->hash = rehash;
      RETURN_IF_ERROR(store::passwords::Put(tx, *pw));
    }
  }
  if (state.last_at) {
    out.previous =
        PreviousLogin{true, *state.last_at, state.last_ip, state.last_device, state.last_client};
  }
  state.last_at = now;
  state.last_ip = r_.source_ip;
  state.last_device = r_.device_id;
  state.last_client = r_.client_type;
  RETURN_IF_ERROR(store::login::RecordLogin(tx, state));
  RETURN_IF_ERROR(Audit(tx, "success", ""));
  out.status = LoginStatus::kSuccess;
  out.evicted_sessions = opened->evicted;
  out.tokens.session = opened->row;
  out.tokens.refresh_token = opened->refresh_token;
  out.tokens.access_expires_at = policy.access_token_ttl_seconds;  // the TTL, until signed
  return absl::OkStatus();
}

absl::StatusOr<LoginResult> Attempt::SignTokens(LoginResult out) {
  if (out.status != LoginStatus::kSuccess) return out;
  for (const auto& id : out.evicted_sessions) ctx_.sessions->ForgetSession(id);
  session::OpenedSession opened{out.tokens.session, out.tokens.refresh_token, {}};
  ASSIGN_OR_RETURN(out.tokens, ctx_.sessions->Tokens(opened, t_.user->username, r_.audience,
                                                     static_cast<int>(out.tokens.access_expires_at)));
  return out;
}

absl::StatusOr<LoginResult> Attempt::Run(PasswordService& passwords) {
  RETURN_IF_ERROR(Read());
  const int64_t now = Now();
  // 1. The source: an address or device failing against many accounts.
  LockState ip = SourceLock(ctx_.throttle, ToCounter(t_.ip_counter), now);
  LockState dev = SourceLock(ctx_.throttle, ToCounter(t_.device_counter), now);
  if (ip.locked || dev.locked) {
    return Refuse(LoginStatus::kThrottled, ip.locked ? "source address throttled" : "device throttled",
                  std::max(ip.retry_after_ms, dev.retry_after_ms));
  }
  // 2. The subject: while locked, no password is checked at all.
  LockState lock = SubjectLock(ToCounter(t_.subject_counter), now);
  if (lock.locked) return Refuse(LoginStatus::kLocked, "locked", lock.retry_after_ms);
  // 3. After a few failures, a human must prove it is one.
  const int k = t_.lockout.challenge_after_failures;
  const bool recent_ip = t_.ip_counter.last_failure_at > 0 &&
                         now - t_.ip_counter.last_failure_at <=
                             int64_t{ctx_.throttle.window_seconds} * 1000;
  if (k > 0 && (LiveFailures(t_.lockout, ToCounter(t_.subject_counter), now) >= k ||
                (recent_ip && t_.ip_counter.failures >= k))) {
    if (r_.challenge_proof.empty() || ctx_.challenge == nullptr ||
        !ctx_.challenge->Verify(r_.challenge_proof, r_.source_ip)) {
      return Refuse(LoginStatus::kChallengeRequired,
                    r_.challenge_proof.empty() ? "challenge required" : "challenge failed", 0);
    }
  }
  // 4. The password, on the bounded pool; the same work when there is none.
  VerifyOutcome v;
  if (t_.password) {
    ASSIGN_OR_RETURN(v, ctx_.hasher->Verify(r_.password, t_.password->hash));
  } else {
    RETURN_IF_ERROR(ctx_.hasher->VerifyDummy(r_.password));
  }
  // 5. An expired or reset password: only a change lets the user in.
  const bool change_due = v.match && PasswordChangeDue(t_.password_policy, *t_.password, now);
  std::string rehash;
  if (v.match && !change_due && v.needs_rehash) {
    ASSIGN_OR_RETURN(rehash, ctx_.hasher->Hash(r_.password));
  }
  bool proceed = false;
  ASSIGN_OR_RETURN(LoginResult settled, Settle(v.match, !change_due, rehash, &proceed));
  if (!proceed || !change_due) return settled;
  if (r_.new_password.empty()) {
    return Refuse(LoginStatus::kPasswordChangeRequired, "password change required", 0);
  }
  account::Caller actor;
  actor.account_id = t_.account->id;
  actor.user_id = t_.user->id;
  actor.username = t_.user->username;
  actor.source_ip = r_.source_ip;
  actor.user_agent = r_.user_agent;
  RETURN_IF_ERROR(passwords.Replace(actor, *t_.user, r_.new_password, false, false, ""));
  return OpenSession("");
}

}  // namespace

absl::StatusOr<LoginResult> LoginService::Login(const LoginRequest& request) {
  RETURN_IF_ERROR(Validate(request));
  Attempt attempt(ctx_, request);
  return attempt.Run(passwords_);
}

}  // namespace iam::auth
