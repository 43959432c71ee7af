#include "iam/session/session_service.h"

#include <algorithm>

#include "absl/strings/str_join.h"
#include "iam/account/mutation.h"
#include "iam/common/crypto.h"
#include "iam/common/status_macros.h"
#include "iam/common/text.h"
#include "iam/session/eviction.h"
#include "iam/store/policy_store.h"
#include "iam/store/session_store.h"
#include "iam/store/user_store.h"

namespace iam::session {
namespace {

constexpr size_t kMaxRefreshToken = 128;
constexpr int kMaxListed = 1000;

std::string TokenHash(absl::string_view token) { return crypto::Hex(crypto::Sha256(token)); }

int64_t IdleExpiry(const ClientSessionRules& r, int64_t now, int64_t expires_at) {
  if (r.idle_timeout_seconds == 0) return expires_at;
  return std::min(expires_at, now + int64_t{r.idle_timeout_seconds} * 1000);
}

// What a session's audit record says of it.
void DescribeSession(const store::SessionRow& s, audit::Event& e) {
  e.object_type = "session";
  e.object_id = s.id;
  e.detail["user_id"] = s.user_id;
  e.detail["client_type"] = s.client_type;
}

audit::Event SessionEvent(const account::Caller& caller, const store::SessionRow& s,
                          absl::string_view action) {
  audit::Event e = account::AuditEvent(caller, s.account_id, action, "", "");
  DescribeSession(s, e);
  return e;
}

// The actor of events the user causes by logging in or refreshing.
account::Caller UserActor(const store::SessionRow& s, const std::string& username,
                          const std::string& ip, const std::string& agent) {
  account::Caller c;
  c.account_id = s.account_id;
  c.user_id = s.user_id;
  c.username = username;
  c.source_ip = ip;
  c.user_agent = agent;
  return c;
}

}  // namespace

absl::Status CheckClientType(const std::string& client_type) {
  for (const char* t : kClientTypes) {
    if (client_type == t) return absl::OkStatus();
  }
  return absl::InvalidArgumentError("client_type: must be web, mobile or api");
}

absl::StatusOr<std::string> SessionService::NewRefreshToken(store::Tx& tx,
                                                            const std::string& session_id,
                                                            int64_t now) {
  std::string token = "rt1." + crypto::Base64Url(random_.Bytes(32));
  RETURN_IF_ERROR(store::refresh_tokens::Insert(tx, TokenHash(token), session_id, now));
  return token;
}

absl::StatusOr<OpenOutcome> SessionService::OpenInTx(store::Tx& tx, const SessionPolicy& policy,
                                                     const NewSession& n) {
  const ClientSessionRules* rules = policy.Rules(n.client_type);
  if (rules == nullptr)
    return absl::InvalidArgumentError("client_type: must be web, mobile or api");
  const int64_t now = clock_.NowMs();
  // Without a limit nothing is evicted, and the user's live sessions (which
  // may be many: API clients that never log out) need not be read.
  std::vector<store::SessionRow> live;
  if (rules->max_sessions > 0 || policy.max_sessions_per_user > 0) {
    ASSIGN_OR_RETURN(live, store::sessions::ListLiveOfUser(tx, n.user_id, now));
  }
  const std::vector<size_t> evict =
      SessionsToEvict(live, n.client_type, rules->max_sessions, policy.max_sessions_per_user);
  if (!evict.empty() && policy.on_limit == "refuse") return LimitReached{};
  account::Caller actor;
  actor.account_id = n.account_id;
  actor.user_id = n.user_id;
  actor.username = n.username;
  actor.source_ip = n.source_ip;
  actor.user_agent = n.user_agent;
  OpenedSession out;
  for (size_t i : evict) {
    const store::SessionRow& s = live[i];
    RETURN_IF_ERROR(store::sessions::Revoke(tx, s.id, now, "evicted").status());
    audit::Event e = SessionEvent(actor, s, "sts:EvictSession");
    e.detail["reason"] = "concurrent session limit";
    RETURN_IF_ERROR(audit_.Append(tx, e));
    out.evicted.push_back(s.id);
  }
  store::SessionRow& row = out.row;
  row.id = crypto::Base64Url(random_.Bytes(18));
  row.account_id = n.account_id;
  row.user_id = n.user_id;
  row.client_type = n.client_type;
  row.device_id = n.device_id;
  row.source_ip = n.source_ip;
  row.user_agent = n.user_agent;
  row.amr = absl::StrJoin(n.amr, ",");
  row.auth_time = n.auth_time;
  row.created_at = row.last_seen_at = now;
  row.expires_at = now + int64_t{rules->absolute_lifetime_seconds} * 1000;
  row.idle_expires_at = IdleExpiry(*rules, now, row.expires_at);
  RETURN_IF_ERROR(store::sessions::Insert(tx, row));
  ASSIGN_OR_RETURN(out.refresh_token, NewRefreshToken(tx, row.id, now));
  audit::Event e = SessionEvent(actor, row, "sts:CreateSession");
  e.detail["device_id"] = row.device_id;
  e.detail["expires_at"] = row.expires_at;
  if (!out.evicted.empty()) e.detail["evicted"] = out.evicted;
  RETURN_IF_ERROR(audit_.Append(tx, e));
  return out;
}

absl::StatusOr<TokenPair> SessionService::Tokens(const OpenedSession& opened,
                                                 const std::string& username,
                                                 const std::string& audience, int ttl_seconds) {
  ASSIGN_OR_RETURN(token::IssuedToken t,
                   tokens_->Issue(opened.row, username, audience, ttl_seconds));
  return TokenPair{t.token, t.claims.exp, opened.refresh_token, opened.row};
}

absl::StatusOr<TokenPair> SessionService::Refresh(const std::string& refresh_token,
                                                  const std::string& audience,
                                                  const std::string& source_ip,
                                                  const std::string& user_agent) {
  const absl::Status denied = absl::UnauthenticatedError("refresh token: invalid or expired");
  if (refresh_token.empty() || refresh_token.size() > kMaxRefreshToken ||
      refresh_token.rfind("rt1.", 0) != 0) {
    return denied;
  }
  if (!audience.empty()) RETURN_IF_ERROR(text::CheckFreeText("audience", audience, 256, false));
  const std::string hash = TokenHash(refresh_token);
  OpenedSession opened;
  std::string username;
  int ttl = 0;
  bool reused = false;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kWrite, [&](store::Tx& tx) -> absl::Status {
    reused = false;
    const int64_t now = clock_.NowMs();
    ASSIGN_OR_RETURN(auto rt, store::refresh_tokens::Get(tx, hash));
    if (!rt) return denied;
    ASSIGN_OR_RETURN(store::SessionRow s, store::sessions::Get(tx, rt->session_id));
    ASSIGN_OR_RETURN(store::UserRow user, store::users::Get(tx, s.user_id));
    account::Caller actor = UserActor(s, user.username, source_ip, user_agent);
    ASSIGN_OR_RETURN(int64_t marked, rt->used_at ? absl::StatusOr<int64_t>(0)
                                                 : store::refresh_tokens::MarkUsed(tx, hash, now));
    if (marked == 0) {
      // Used before: someone holds a copy. End the session for everyone.
      ASSIGN_OR_RETURN(int64_t n, store::sessions::Revoke(tx, s.id, now, "refresh token reuse"));
      if (n > 0) {
        audit::Event e = SessionEvent(actor, s, "sts:RevokeSession");
        e.result = "failure";
        e.detail["reason"] = "refresh token reuse";
        RETURN_IF_ERROR(audit_.Append(tx, e));
      }
      reused = true;
      return absl::OkStatus();
    }
    if (!s.LiveAt(now) || user.state != store::UserState::kActive) return denied;
    ASSIGN_OR_RETURN(SessionPolicy policy,
                     store::account_policies::Load<SessionPolicy>(tx, s.account_id, "session"));
    const ClientSessionRules* rules = policy.Rules(s.client_type);
    s.last_seen_at = now;
    s.idle_expires_at = rules ? IdleExpiry(*rules, now, s.expires_at) : s.expires_at;
    RETURN_IF_ERROR(store::sessions::Touch(tx, s.id, s.last_seen_at, s.idle_expires_at));
    ASSIGN_OR_RETURN(opened.refresh_token, NewRefreshToken(tx, s.id, now));
    // The old refresh token is spent and a new one is out: a change to the
    // session like any other, recorded with it.
    audit::Event e = SessionEvent(actor, s, "sts:RefreshSession");
    if (!audience.empty()) e.detail["audience"] = audience;
    RETURN_IF_ERROR(audit_.Append(tx, e));
    opened.row = s;
    username = user.username;
    ttl = policy.access_token_ttl_seconds;
    return absl::OkStatus();
  }));
  if (reused) {
    tokens_->ForgetSession(opened.row.id);
    return denied;
  }
  return Tokens(opened, username, audience, ttl);
}

absl::StatusOr<token::IssuedToken> SessionService::IssueForAudience(const account::Caller& caller,
                                                                    const std::string& audience) {
  if (caller.session_id.empty()) {
    return absl::FailedPreconditionError("IssueToken needs a login session (an access token)");
  }
  RETURN_IF_ERROR(text::CheckFreeText("audience", audience, 256, false));
  store::SessionRow s;
  int ttl = 0;
  account::Operation op{"sts:IssueToken", caller.account_id, "", account::Touches::kAccountData};
  op.self = true;  // a token for the caller's own session
  RETURN_IF_ERROR(mutations_.Run(caller, op,
      [&](store::Tx& tx, const std::string&, audit::Event& record) -> absl::Status {
        ASSIGN_OR_RETURN(s, store::sessions::Get(tx, caller.session_id));
        if (!s.LiveAt(clock_.NowMs())) return absl::UnauthenticatedError("the session has ended");
        ASSIGN_OR_RETURN(SessionPolicy policy,
                         store::account_policies::Load<SessionPolicy>(tx, s.account_id, "session"));
        ttl = policy.access_token_ttl_seconds;
        DescribeSession(s, record);
        record.detail["audience"] = audience;
        return absl::OkStatus();
      }));
  return tokens_->Issue(s, caller.username, audience, ttl);
}

absl::Status SessionService::Logout(const account::Caller& caller) {
  if (caller.session_id.empty()) {
    return absl::FailedPreconditionError("Logout needs a login session (an access token)");
  }
  account::Operation op{"sts:Logout", caller.account_id, "", account::Touches::kAccountData};
  op.self = true;  // the caller's own session
  RETURN_IF_ERROR(mutations_.Run(caller, op,
      [&](store::Tx& tx, const std::string&, audit::Event& record) -> absl::Status {
        ASSIGN_OR_RETURN(store::SessionRow s, store::sessions::Get(tx, caller.session_id));
        ASSIGN_OR_RETURN(int64_t n, store::sessions::Revoke(tx, s.id, clock_.NowMs(), "logout"));
        DescribeSession(s, record);
        if (n == 0) record.detail["unchanged"] = true;  // ended before
        return absl::OkStatus();
      }));
  tokens_->ForgetSession(caller.session_id);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<store::SessionRow>> SessionService::List(const account::Caller& caller,
                                                                    const std::string& account_id,
                                                                    const std::string& username,
                                                                    bool include_ended) {
  ASSIGN_OR_RETURN(std::string account, account::ResolveAccountId(caller, account_id));
  const bool own = account == caller.account_id &&
                   (username.empty() || store::users::UsernameKey(username) ==
                                            store::users::UsernameKey(caller.username));
  if (!own)
    RETURN_IF_ERROR(mutations_.Authorize(caller, "sts:ListSessions", account,
                                       account::UserArn(account, username)));
  if (!username.empty()) RETURN_IF_ERROR(text::CheckName("username", username, 64));
  std::vector<store::SessionRow> out;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    std::string user_id = own ? caller.user_id : "";
    if (!own && !username.empty()) {
      ASSIGN_OR_RETURN(store::UserRow u, store::users::GetByUsername(tx, account, username));
      user_id = u.id;
    }
    ASSIGN_OR_RETURN(
        out, store::sessions::List(tx, account, user_id, clock_.NowMs(), include_ended, kMaxListed));
    return absl::OkStatus();
  }));
  return out;
}

absl::Status SessionService::Revoke(const account::Caller& caller, const std::string& account_id,
                                    const std::string& session_id) {
  ASSIGN_OR_RETURN(std::string account, account::ResolveAccountId(caller, account_id));
  if (session_id.empty() || session_id.size() > 64) {
    return absl::InvalidArgumentError("session_id: must be 1..64 characters");
  }
  // Who owns the session decides whether the caller needs a permission;
  // asking happens outside the write transaction.
  std::string owner_id, owner_name;
  RETURN_IF_ERROR(db_.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    auto s = store::sessions::Get(tx, session_id);
    if (!s.ok() || s->account_id != account) return absl::NotFoundError("session not found");
    owner_id = s->user_id;
    auto u = store::users::Get(tx, s->user_id);
    owner_name = u.ok() ? u->username : "*";
    return absl::OkStatus();
  }));
  account::Operation op{"sts:RevokeSession", account, "user/" + owner_name,
                        account::Touches::kAccountData};
  op.self = owner_id == caller.user_id && account == caller.account_id;
  absl::Status revoked = mutations_.Run(caller, op,
      [&](store::Tx& tx, const std::string&, audit::Event& record) -> absl::Status {
        auto s = store::sessions::Get(tx, session_id);
        if (!s.ok() || s->account_id != account || s->user_id != owner_id) {
          return absl::NotFoundError("session not found");
        }
        ASSIGN_OR_RETURN(int64_t n,
                         store::sessions::Revoke(tx, session_id, clock_.NowMs(), "revoked"));
        DescribeSession(*s, record);
        if (n == 0) record.detail["unchanged"] = true;  // ended before
        return absl::OkStatus();
      });
  // Another account's real session must read exactly like a made-up id:
  // no answer may tell that it exists.
  if (absl::IsNotFound(revoked)) return absl::NotFoundError("session not found");
  RETURN_IF_ERROR(revoked);
  tokens_->ForgetSession(session_id);
  return absl::OkStatus();
}

absl::StatusOr<int> SessionService::RevokeAllOfUser(const account::Caller& caller,
                                                    const std::string& account_id,
                                                    const std::string& username) {
  account::Operation op{"sts:RevokeSession", account_id, "user/" + username,
                        account::Touches::kAccountData};
  op.Check(text::CheckName("username", username, 64));
  std::vector<std::string> ended;
  RETURN_IF_ERROR(mutations_.Run(caller, op,
      [&](store::Tx& tx, const std::string& account, audit::Event& record) -> absl::Status {
        ASSIGN_OR_RETURN(store::UserRow u, store::users::GetByUsername(tx, account, username));
        ASSIGN_OR_RETURN(ended,
                         store::sessions::RevokeAllOfUser(tx, u.id, clock_.NowMs(), "revoked"));
        record.action = "sts:RevokeUserSessions";
        record.Object("user", u.id);
        record.detail["sessions"] = ended;
        return absl::OkStatus();
      }));
  for (const auto& id : ended) tokens_->ForgetSession(id);
  return static_cast<int>(ended.size());
}

}  // namespace iam::session
