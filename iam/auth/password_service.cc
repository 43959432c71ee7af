#include "iam/auth/password_service.h"

#include "absl/strings/str_cat.h"
#include "iam/auth/lockout_policy.h"
#include "iam/common/status_macros.h"
#include "iam/common/text.h"
#include "iam/session/session_policy.h"
#include "iam/store/credential_store.h"
#include "iam/store/login_store.h"
#include "iam/store/policy_store.h"
#include "iam/store/session_store.h"
#include "iam/store/user_store.h"

namespace iam::auth {
namespace {

constexpr size_t kMaxPasswordBytes = 4 * 4096;  // 4096 code points of up to 4 bytes

absl::Status CheckPasswordField(absl::string_view field, const std::string& password) {
  if (password.empty()) return absl::InvalidArgumentError(absl::StrCat(field, ": required"));
  if (password.size() > kMaxPasswordBytes) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": longer than 16384 bytes"));
  }
  return absl::OkStatus();
}

}  // namespace

bool PasswordChangeDue(const PasswordPolicy& policy, const store::PasswordRow& row, int64_t now) {
  if (row.must_change) return true;
  return policy.max_age_days > 0 &&
         now - row.changed_at >= int64_t{policy.max_age_days} * 86400 * 1000;
}

absl::StatusOr<PasswordPolicy> PasswordService::Policy(const std::string& account_id) {
  PasswordPolicy p;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(p, store::account_policies::Load<PasswordPolicy>(tx, account_id, "password"));
    return absl::OkStatus();
  }));
  return p;
}

absl::Status PasswordService::CheckCandidate(const std::string& account_id,
                                             const PasswordContext& context,
                                             const std::string& password) {
  RETURN_IF_ERROR(CheckPasswordField("password", password));
  ASSIGN_OR_RETURN(PasswordPolicy policy, Policy(account_id));
  return ViolationsToStatus(CheckPassword(policy, password, context, blocklist_.get()));
}

absl::StatusOr<account::Admission> PasswordService::OwnChange(const account::Caller& user) {
  account::Operation op{"iam:ChangePassword", user.account_id, "user/" + user.username,
                        account::Touches::kAccountData};
  op.self = true;
  return mutations_.AdmitChange(user, op);
}

absl::Status PasswordService::Replace(const account::Admission& admission,
                                      const store::UserRow& user, const std::string& new_password,
                                      bool must_change, bool admin,
                                      const std::string& keep_session) {
  RETURN_IF_ERROR(CheckPasswordField("new_password", new_password));
  // What the checks need, read first: Argon2 runs outside any transaction.
  PasswordPolicy policy;
  session::SessionPolicy sessions;
  std::optional<store::PasswordRow> current;
  std::vector<std::string> history;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(
        policy, store::account_policies::Load<PasswordPolicy>(tx, user.account_id, "password"));
    ASSIGN_OR_RETURN(sessions, store::account_policies::Load<session::SessionPolicy>(
                                   tx, user.account_id, "session"));
    ASSIGN_OR_RETURN(current, store::passwords::Get(tx, user.id));
    ASSIGN_OR_RETURN(history, store::passwords::History(tx, user.id, policy.history));
    return absl::OkStatus();
  }));
  const int64_t now = clock_.NowMs();
  PasswordContext pctx{user.username, ""};
  if (user.email_enc) {
    auto email =
        pii_.Open(*user.email_enc, absl::StrCat(user.account_id, "/", user.id, "/email"));
    if (email.ok()) pctx.email = *email;
  }
  std::vector<std::string> violations =
      CheckPassword(policy, new_password, pctx, blocklist_.get());
  if (!admin && current && !current->must_change && policy.min_age_hours > 0 &&
      now - current->changed_at < int64_t{policy.min_age_hours} * 3600 * 1000) {
    violations.push_back(
        absl::StrCat("was changed less than ", policy.min_age_hours, " hours ago (minimum age)"));
  }
  if (policy.history > 0) {
    std::vector<std::string> earlier = history;
    if (current) earlier.insert(earlier.begin(), current->hash);
    earlier.resize(std::min<size_t>(earlier.size(), policy.history));
    for (const std::string& h : earlier) {
      ASSIGN_OR_RETURN(VerifyOutcome v, hasher_.Verify(new_password, h));
      if (v.match) {
        violations.push_back(
            absl::StrCat("was used among the last ", policy.history, " passwords"));
        break;
      }
    }
  }
  RETURN_IF_ERROR(ViolationsToStatus(violations));
  ASSIGN_OR_RETURN(std::string hash, hasher_.Hash(new_password));
  std::vector<std::string> ended;
  RETURN_IF_ERROR(mutations_.Commit(admission,
      [&](store::Tx& tx, const std::string&, audit::Event& record) -> absl::Status {
        ended.clear();
        ASSIGN_OR_RETURN(auto before, store::passwords::Get(tx, user.id));
        if (before && policy.history > 0) {
          RETURN_IF_ERROR(store::passwords::AddHistory(tx, user.id, before->hash,
                                                       before->changed_at, policy.history));
        }
        RETURN_IF_ERROR(store::passwords::Put(
            tx,
            store::PasswordRow{user.id, user.account_id, hash, now, must_change, std::nullopt}));
        if (sessions.revoke_on_password_change) {
          ASSIGN_OR_RETURN(auto live, store::sessions::ListLiveOfUser(tx, user.id, now));
          for (const auto& s : live) {
            if (s.id == keep_session) continue;
            ASSIGN_OR_RETURN(int64_t n, store::sessions::Revoke(tx, s.id, now, "password changed"));
            if (n > 0) ended.push_back(s.id);
          }
        }
        record.Object("user", user.id);
        record.detail["username"] = user.username;
        record.detail["must_change"] = must_change;
        if (!ended.empty()) record.detail["sessions_revoked"] = ended;
        return absl::OkStatus();
      }));
  for (const auto& id : ended) sessions_.ForgetSession(id);
  return absl::OkStatus();
}

absl::Status PasswordService::SetByAdmin(const account::Caller& caller,
                                         const std::string& account_id, const std::string& username,
                                         const std::string& password, bool temporary) {
  account::Operation op{"iam:SetUserPassword", account_id, "user/" + username,
                        account::Touches::kAccountData};
  op.Check(text::CheckName("username", username, 64));
  op.Check(CheckPasswordField("password", password));
  ASSIGN_OR_RETURN(account::Admission admission, mutations_.AdmitChange(caller, op));
  store::UserRow user;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(user, store::users::GetByUsername(tx, admission.account(), username));
    return absl::OkStatus();
  }));
  if (user.kind == store::UserKind::kService) {
    return absl::FailedPreconditionError(
        "this user is an OAuth client's service account: it authenticates with its client's "
        "credentials, not a password");
  }
  return Replace(admission, user, password, temporary, /*admin=*/true, "");
}

absl::Status PasswordService::ChangeOwn(const account::Caller& caller,
                                        const std::string& old_password,
                                        const std::string& new_password) {
  RETURN_IF_ERROR(CheckPasswordField("old_password", old_password));
  RETURN_IF_ERROR(CheckPasswordField("new_password", new_password));
  store::UserRow user;
  std::optional<store::PasswordRow> current;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(user, store::users::Get(tx, caller.user_id));
    ASSIGN_OR_RETURN(current, store::passwords::Get(tx, caller.user_id));
    return absl::OkStatus();
  }));
  // Guessing the old password from a stolen session counts as failed logins.
  const std::string subject = absl::StrCat("user:", user.id);
  LockoutPolicy lockout;
  store::CounterRow counter;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(lockout,
                     store::account_policies::Load<LockoutPolicy>(tx, user.account_id, "lockout"));
    ASSIGN_OR_RETURN(counter, store::login::GetCounter(tx, user.account_id, subject));
    return absl::OkStatus();
  }));
  const FailureCounter before{counter.failures, counter.last_failure_at, counter.lockouts,
                              counter.locked_until, counter.permanent};
  if (SubjectLock(before, clock_.NowMs()).locked) {
    return absl::PermissionDeniedError("too many failed attempts: try again later");
  }
  bool match = false;
  if (current) {
    ASSIGN_OR_RETURN(VerifyOutcome v, hasher_.Verify(old_password, current->hash));
    match = v.match;
  } else {
    RETURN_IF_ERROR(hasher_.VerifyDummy(old_password));
  }
  if (!match) {
    RETURN_IF_ERROR(
        db_.Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
          ASSIGN_OR_RETURN(store::CounterRow c,
                           store::login::LockCounter(tx, user.account_id, subject));
          const int64_t now = clock_.NowMs();
          FailureCounter f{c.failures, c.last_failure_at, c.lockouts, c.locked_until, c.permanent};
          if (SubjectLock(f, now).locked) return absl::OkStatus();
          f = RecordSubjectFailure(lockout, f, now);
          RETURN_IF_ERROR(store::login::PutCounter(
              tx, store::CounterRow{c.scope, c.subject, f.failures, f.last_failure_at, f.lockouts,
                                    f.locked_until, f.permanent}));
          audit::Event e =
              account::AuditEvent(caller, user.account_id, "iam:ChangePassword", "user", user.id);
          e.result = "failure";
          e.detail["reason"] = "wrong old password";
          return audit_.Append(tx, e);
        }));
    return absl::PermissionDeniedError("old_password: does not match");
  }
  ASSIGN_OR_RETURN(account::Admission admission, OwnChange(caller));
  return Replace(admission, user, new_password, false, /*admin=*/false, caller.session_id);
}

}  // namespace iam::auth
