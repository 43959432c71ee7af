#include "iam/auth/mfa_login_service.h"

#include "absl/strings/ascii.h"

#include <set>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "iam/auth/session_opener.h"
#include "iam/common/crypto.h"
#include "iam/common/status_macros.h"
#include "iam/common/text.h"
#include "iam/store/account_store.h"
#include "iam/store/login_store.h"
#include "iam/store/mfa_store.h"
#include "iam/store/policy_store.h"
#include "iam/store/session_store.h"
#include "iam/store/user_store.h"

namespace iam::auth {
namespace {

constexpr size_t kMaxTicket = 128;

absl::Status CheckTicket(const std::string& ticket) {
  if (ticket.empty()) return absl::InvalidArgumentError("ticket: required");
  if (ticket.size() > kMaxTicket || ticket.rfind("mt1.", 0) != 0) {
    return absl::InvalidArgumentError("ticket: not an MFA ticket");
  }
  return absl::OkStatus();
}

LoginOrigin OriginOf(const store::MfaTicketRow& t, const store::UserRow& user,
                     const std::string& oauth_client) {
  return LoginOrigin{t.account_id, user.username, t.client_type, t.device_id,
                     t.source_ip,  t.user_agent,  t.audience,    oauth_client, ""};
}

// The first factor the ticket's login proved, the second, and "mfa".
std::vector<std::string> AmrWith(const store::MfaTicketRow& t, const std::string& method) {
  return {t.first_factor.empty() ? "pwd" : t.first_factor, method, "mfa"};
}

}  // namespace

absl::StatusOr<LoginResult> MfaLoginService::WithTicket(const MfaAnswer& answer, TicketUse use,
                                                        const TicketStep& step) {
  RETURN_IF_ERROR(CheckTicket(answer.ticket));
  const std::string hash = crypto::Hex(crypto::Sha256(answer.ticket));
  LoginResult out;
  std::string username, audience;
  std::string reason;  // why it failed, as a metrics label
  absl::Status done = db_.Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
    out = LoginResult{};
    reason = "ticket";
    const int64_t now = clock_.NowMs();
    ASSIGN_OR_RETURN(auto t, store::mfa::LockTicket(tx, hash));
    const bool right_use = t && (t->purpose == "enroll") == (use == TicketUse::kEnroll);
    if (!t || t->expires_at <= now || !right_use) {
      if (t && t->expires_at <= now) RETURN_IF_ERROR(store::mfa::DeleteTicket(tx, hash));
      out.status = LoginStatus::kFailed;
      return absl::OkStatus();
    }
    ASSIGN_OR_RETURN(store::UserRow user, store::users::Get(tx, t->user_id));
    ASSIGN_OR_RETURN(mfa::MfaPolicy policy,
                     store::account_policies::Load<mfa::MfaPolicy>(tx, t->account_id, "mfa"));
    username = user.username;
    audience = t->audience;
    ASSIGN_OR_RETURN(out, step(tx, *t, user, policy));
    reason = out.status == LoginStatus::kSuccess ? "" : out.status == LoginStatus::kLocked ? "locked"
                                                                                     : "wrong_code";
    if (out.status == LoginStatus::kMfaRequired) {
      // A wrong code: the ticket lives on until its limit.
      const int failures = t->failures + 1;
      if (failures >= policy.ticket_max_failures) {
        out.status = LoginStatus::kFailed;
        return store::mfa::DeleteTicket(tx, hash);
      }
      out.mfa_ticket = answer.ticket;
      out.mfa_ticket_expires_at = t->expires_at;
      out.enrollment_required = use == TicketUse::kEnroll;
      return store::mfa::SetTicketFailures(tx, hash, failures);
    }
    // Used, whatever came of it: a ticket never serves twice.
    return store::mfa::DeleteTicket(tx, hash);
  });
  absl::StatusOr<LoginResult> result =
      done.ok() ? opener_.Sign(username, audience, std::move(out)) : absl::StatusOr<LoginResult>(done);
  if (outcomes_ != nullptr) {
    outcomes_->Inc({"mfa", result.ok() ? absl::AsciiStrToLower(LoginStatusName(result->status))
                                       : "error",
                    result.ok() ? reason : ""});
  }
  return result;
}

absl::StatusOr<LoginResult> MfaLoginService::Verify(const MfaAnswer& answer) {
  RETURN_IF_ERROR(mfa::CheckCodeInput(answer.code, answer.recovery_code, true));
  return WithTicket(
      answer, TicketUse::kVerify,
      [&](store::Tx& tx, const store::MfaTicketRow& t, const store::UserRow& user,
          const mfa::MfaPolicy& policy) -> absl::StatusOr<LoginResult> {
        ASSIGN_OR_RETURN(mfa::CodeOutcome o,
                         mfa_.CheckInTx(tx, user, policy, answer.code, answer.recovery_code,
                                             {answer.source_ip, answer.user_agent, "login"}));
        if (o.result != mfa::CodeResult::kAccepted) {
          LoginResult out;
          out.status = o.result == mfa::CodeResult::kLocked ? LoginStatus::kLocked
                                                            : LoginStatus::kMfaRequired;
          return out;
        }
              return opener_.OpenInTx(tx, user, OriginOf(t, user, answer.oauth_client),
                               OpenRequest{AmrWith(t, o.method), t.risk, answer.remember_device, ""});
      });
}

absl::StatusOr<mfa::Enrollment> MfaLoginService::BeginEnrollment(const std::string& ticket,
                                                                 bool reuse_pending) {
  RETURN_IF_ERROR(CheckTicket(ticket));
  const std::string hash = crypto::Hex(crypto::Sha256(ticket));
  mfa::Enrollment out;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(auto t, store::mfa::LockTicket(tx, hash));
    if (!t || t->purpose != "enroll" || t->expires_at <= clock_.NowMs()) {
      return absl::UnauthenticatedError("ticket: invalid or expired; log in again");
    }
    ASSIGN_OR_RETURN(store::UserRow user, store::users::Get(tx, t->user_id));
    ASSIGN_OR_RETURN(mfa::MfaPolicy policy,
                     store::account_policies::Load<mfa::MfaPolicy>(tx, t->account_id, "mfa"));
    ASSIGN_OR_RETURN(out, mfa_.BeginInTx(tx, user, policy,
                                         account::UserArn(user.account_id, user.username),
                                         reuse_pending));
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<LoginResult> MfaLoginService::ConfirmEnrollment(const MfaAnswer& answer) {
  RETURN_IF_ERROR(mfa::CheckCodeInput(answer.code, "", true));
  return WithTicket(
      answer, TicketUse::kEnroll,
      [&](store::Tx& tx, const store::MfaTicketRow& t, const store::UserRow& user,
          const mfa::MfaPolicy& policy) -> absl::StatusOr<LoginResult> {
        ASSIGN_OR_RETURN(auto pending, store::mfa::GetFactor(tx, user.id));
        if (!pending || pending->active) {
          return absl::FailedPreconditionError("no enrolment begun: call BeginTotpEnrollment");
        }
        ASSIGN_OR_RETURN(auto codes,
                         mfa_.ConfirmInTx(tx, user, policy, answer.code,
                                               account::UserArn(user.account_id, user.username)));
        if (!codes) {
          LoginResult out;
          out.status = LoginStatus::kMfaRequired;
          return out;
        }
              ASSIGN_OR_RETURN(LoginResult out, opener_.OpenInTx(tx, user, OriginOf(t, user, answer.oauth_client),
                                                          OpenRequest{AmrWith(t, "otp"), t.risk,
                                                                      answer.remember_device, ""}));
        out.recovery_codes = std::move(*codes);
        return out;
      });
}

absl::StatusOr<session::TokenPair> MfaLoginService::StepUp(const account::Caller& caller,
                                                           const std::string& code,
                                                           const std::string& recovery_code,
                                                           const std::string& audience) {
  if (caller.session_id.empty()) {
    return absl::FailedPreconditionError("step-up needs a login session (an access token)");
  }
  RETURN_IF_ERROR(mfa::CheckCodeInput(code, recovery_code, true));
  if (!audience.empty()) RETURN_IF_ERROR(text::CheckFreeText("audience", audience, 256, false));
  store::SessionRow s;
  int ttl = 0;
  mfa::CodeOutcome outcome;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
    const int64_t now = clock_.NowMs();
    ASSIGN_OR_RETURN(s, store::sessions::Get(tx, caller.session_id));
    if (!s.LiveAt(now)) return absl::UnauthenticatedError("the session has ended");
    ASSIGN_OR_RETURN(store::UserRow user, store::users::Get(tx, s.user_id));
    ASSIGN_OR_RETURN(mfa::MfaPolicy policy,
                     store::account_policies::Load<mfa::MfaPolicy>(tx, s.account_id, "mfa"));
    ASSIGN_OR_RETURN(outcome,
                     mfa_.CheckInTx(tx, user, policy, code, recovery_code,
                                         {caller.source_ip, caller.user_agent, "step-up"}));
    if (outcome.result != mfa::CodeResult::kAccepted) return absl::OkStatus();
    std::set<std::string> amr;
    for (absl::string_view m : absl::StrSplit(s.amr, ',', absl::SkipEmpty())) amr.emplace(m);
    amr.insert(outcome.method);
    amr.insert("mfa");
    s.amr = absl::StrJoin(amr, ",");
    s.auth_time = now;
    RETURN_IF_ERROR(store::sessions::SetAuth(tx, s.id, s.amr, s.auth_time));
    ASSIGN_OR_RETURN(
        session::SessionPolicy sp,
        store::account_policies::Load<session::SessionPolicy>(tx, s.account_id, "session"));
    ttl = sp.access_token_ttl_seconds;
    audit::Event e = account::AuditEvent(caller, s.account_id, "sts:StepUp", "session", s.id);
    e.detail["method"] = outcome.method;
    return audit_.Append(tx, e);
  }));
  if (outcome.result == mfa::CodeResult::kLocked) {
    return absl::PermissionDeniedError("too many wrong codes: the user is locked");
  }
  if (outcome.result != mfa::CodeResult::kAccepted) {
    return absl::PermissionDeniedError("the code does not match");
  }
  return sessions_.Tokens(session::OpenedSession{s, "", {}}, caller.username, audience, ttl);
}

}  // namespace iam::auth
