#include "iam/server/web_account_routes.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "iam/common/status_macros.h"
#include "iam/oauth/form.h"
#include "iam/server/client_address.h"
#include "iam/server/web_page.h"
#include "iam/store/audit_store.h"
#include "iam/web/qr_svg.h"

namespace iam::server {
namespace {

constexpr int kRecentLogins = 10;

std::string PathOf(const std::string& account) {
  return absl::StrCat("/accounts/", account, "/account");
}

std::string When(int64_t ms) {
  return absl::FormatTime("%Y-%m-%d %H:%M UTC", absl::FromUnixMillis(ms), absl::UTCTimeZone());
}

// The signed-in user of this browser, as the caller of their own changes.
struct Me {
  store::SessionRow session;
  account::Caller caller;
};

const char* DeviceState(store::DeviceState s) {
  switch (s) {
    case store::DeviceState::kPending:
      return "pending";
    case store::DeviceState::kApproved:
      return "approved";
    case store::DeviceState::kRevoked:
      return "revoked";
    default:
      return "known";
  }
}

HttpResponse AccountPage(const WebRoutes& p, const Browser& b, const std::string& account,
                         const Me& me, const std::string& error_key, const std::string& info_key) {
  const std::string action = PathOf(account);
  const std::string csrf = p.csrf.Token(b.id, "account");
  nlohmann::json data = {
      {"action", action}, {"csrf", csrf}, {"wide", true}, {"username", me.caller.username}};
  if (!error_key.empty()) data["error"] = p.pages.Message(b.locale, error_key);
  if (!info_key.empty()) data["info"] = p.pages.Message(b.locale, info_key);
  auto sessions = p.sessions.List(me.caller, "", "", false);
  auto devices = p.known_devices.List(me.caller, "", "");
  auto factor = p.mfa.Status(me.caller, "", "");
  if (!sessions.ok() || !devices.ok() || !factor.ok()) {
    return ErrorPage(p, b, account, 503, "store_unavailable");
  }
  nlohmann::json s = nlohmann::json::array();
  for (const store::SessionRow& row : *sessions) {
    s.push_back({{"id", row.id},
                 {"client_type", row.client_type},
                 {"address", row.source_ip.empty() ? "-" : row.source_ip},
                 {"started", When(row.created_at)},
                 {"current", row.id == me.session.id},
                 {"action", action},
                 {"csrf", csrf}});
  }
  data["sessions"] = std::move(s);
  nlohmann::json d = nlohmann::json::array();
  for (const store::DeviceRow& row : *devices) {
    d.push_back({{"device_id", row.device_id},
                 {"state", DeviceState(row.state)},
                 {"trusted", !row.token_hash.empty() && row.trusted_until > p.clock.NowMs()},
                 {"last_seen", When(row.last_seen_at)},
                 {"action", action},
                 {"csrf", csrf}});
  }
  data["devices"] = std::move(d);
  data["mfa_enrolled"] = factor->enrolled;
  if (factor->enrolled) {
    data["mfa_status"] = p.pages.Message(b.locale, "account_factor_on",
                                         {{"since", When(factor->confirmed_at)},
                                          {"left", std::to_string(factor->recovery_codes_left)}});
  }
  // The user's own sign-ins: the login records about them.
  std::vector<store::AuditRow> rows;
  absl::Status read = p.db.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    store::audit::AuditFilter f;
    f.action = "sts:Login";
    f.object_type = "user";
    f.object_id = me.caller.user_id;
    ASSIGN_OR_RETURN(rows, store::audit::FindDescending(tx, account, f, 0, kRecentLogins));
    return absl::OkStatus();
  });
  if (!read.ok()) return ErrorPage(p, b, account, 503, "store_unavailable");
  nlohmann::json logins = nlohmann::json::array();
  for (const store::AuditRow& row : rows) {
    auto detail = nlohmann::json::parse(row.detail, nullptr, false);
    std::string client;
    if (detail.is_object() && detail.contains("client") && detail["client"].is_string()) {
      client = detail["client"].get<std::string>();
    }
    if (client == oauth::kAccountPagesClientId) client = p.pages.Message(b.locale, "account_title");
    if (client == oauth::kCliClientId) client = "iamctl";
    logins.push_back(
        {{"time", When(row.at)},
         {"address", row.source_ip.empty() ? "-" : row.source_ip},
         {"result", p.pages.Message(b.locale, row.result == "success"   ? "login_ok"
                                              : row.result == "pending" ? "login_pending"
                                                                        : "login_refused")},
         {"client", client}});
  }
  data["logins"] = std::move(logins);
  return Page(p, b, account, 200, "account", "account_title", std::move(data));
}

HttpResponse CodesPage(const WebRoutes& p, const Browser& b, const std::string& account,
                       const std::vector<std::string>& codes) {
  return Page(p, b, account, 200, "account_codes", "account_title",
              {{"recovery_codes", codes}, {"continue", PathOf(account)}});
}

// The browser's signed-in user, or the response that sends it to sign in.
std::variant<Me, HttpResponse> MeOf(const WebRoutes& p, const HttpRequest& req, const Browser& b,
                                    const std::string& account) {
  auto session = p.authorization.SignedIn(account, b.Cookie(SsoCookie(account), p.tls));
  if (!session.ok()) return ErrorPage(p, b, account, 503, "store_unavailable");
  if (!*session) {
    auto pending = p.authorization.BeginSelfService(account, PathOf(account), b.id);
    if (!pending.ok()) return ErrorPage(p, b, account, 503, "store_unavailable");
    return Redirect(p, b, PagePath(account, "login", pending->id));
  }
  const std::string* ua = req.Header("user-agent");
  auto caller = p.authorization.CallerOf(**session, ClientAddress(req, p.trusted_proxies),
                                         ua ? ua->substr(0, 512) : "");
  if (!caller.ok()) return ErrorPage(p, b, account, 503, "store_unavailable");
  return Me{**session, *std::move(caller)};
}

HttpResponse AccountGet(const WebRoutes& p, const HttpRequest& req, const std::string& account) {
  Browser b = BrowserOf(req, p, "");
  auto me = MeOf(p, req, b, account);
  if (auto* r = std::get_if<HttpResponse>(&me)) return std::move(*r);
  return AccountPage(p, b, account, std::get<Me>(me), "", "");
}

// A change's failure in words: the store, a user locked by wrong codes
// (the authenticator's changes), or anything else the user got wrong.
const char* FailureKey(const absl::Status& s, bool codes) {
  if (absl::IsUnavailable(s) || absl::IsInternal(s)) return "store_unavailable";
  if (codes && absl::IsPermissionDenied(s)) return "locked";
  return "account_action_failed";
}

HttpResponse AccountPost(const WebRoutes& p, const HttpRequest& req, const std::string& account) {
  Browser b = BrowserOf(req, p, "");
  auto form = VerifiedForm(p, req, b, "account");
  if (!form) return ErrorPage(p, b, account, 403, "form_expired");
  auto who = MeOf(p, req, b, account);
  if (auto* r = std::get_if<HttpResponse>(&who)) return std::move(*r);
  const Me& me = std::get<Me>(who);
  // The enrolment page posts its code to ?do=confirm_totp.
  std::string what = oauth::Param(*form, "do");
  if (auto q = oauth::ParseForm(req.query); what.empty() && q.ok()) what = oauth::Param(*q, "do");
  const bool codes = what == "confirm_totp" || what == "new_recovery_codes" || what == "reset_totp";
  auto done = [&](const absl::Status& s, const char* info) {
    return s.ok() ? AccountPage(p, b, account, me, "", info)
                  : AccountPage(p, b, account, me, FailureKey(s, codes), "");
  };
  if (what == "end_session") {
    const std::string id = oauth::Param(*form, "session_id");
    absl::Status s = p.sessions.Revoke(me.caller, "", id);
    if (s.ok() && id == me.session.id) {
      // This browser's own: it is signed out here too.
      p.authorization.ForgetSignOn(id).IgnoreError();
      return Redirect(p, b, PathOf(account));
    }
    return done(s, "account_session_ended");
  }
  if (what == "forget_device") {
    return done(p.known_devices.Revoke(me.caller, "", "", oauth::Param(*form, "device_id")),
                "account_device_forgotten");
  }
  if (what == "change_password") {
    const std::string fresh = oauth::Param(*form, "new_password");
    if (fresh != oauth::Param(*form, "new_password_again")) {
      return AccountPage(p, b, account, me, "new_passwords_differ", "");
    }
    absl::Status s = p.passwords.ChangeOwn(me.caller, oauth::Param(*form, "password"), fresh);
    if (absl::IsPermissionDenied(s) || absl::IsUnauthenticated(s)) {
      return AccountPage(p, b, account, me, "account_wrong_password", "");
    }
    if (absl::IsInvalidArgument(s))
      return AccountPage(p, b, account, me, "new_password_refused", "");
    // A change may end every session, this one too (the account's
    // policy): then the page asks to sign in again.
    if (s.ok()) {
      auto still = p.authorization.SignedIn(account, b.Cookie(SsoCookie(account), p.tls));
      if (still.ok() && !*still) return Redirect(p, b, PathOf(account));
    }
    return done(s, "account_password_changed");
  }
  if (what == "begin_totp") {
    auto enrollment = p.mfa.Begin(me.caller);
    if (!enrollment.ok()) return done(enrollment.status(), "");
    auto qr = web::QrSvgDataUri(enrollment->otpauth_uri);
    return Page(p, b, account, 200, "enroll", "enroll_title",
                {{"action", PathOf(account) + "?do=confirm_totp"},
                 {"csrf", p.csrf.Token(b.id, "account")},
                 {"qr", qr.ok() ? *qr : ""},
                 {"secret", enrollment->secret_base32}});
  }
  if (what == "confirm_totp") {
    auto codes = p.mfa.Confirm(me.caller, oauth::Param(*form, "code"));
    if (!codes.ok()) return done(codes.status(), "");
    return CodesPage(p, b, account, *codes);
  }
  if (what == "new_recovery_codes") {
    auto codes = p.mfa.RegenerateRecoveryCodes(me.caller, oauth::Param(*form, "code"));
    if (!codes.ok()) return done(codes.status(), "");
    return CodesPage(p, b, account, *codes);
  }
  if (what == "reset_totp") {
    // The phone may be lost: a recovery code proves it as well.
    const std::string code = oauth::Param(*form, "code");
    const bool digits = !code.empty() && std::all_of(code.begin(), code.end(),
                                                     [](char c) { return c >= '0' && c <= '9'; });
    return done(p.mfa.ResetOwn(me.caller, digits ? code : "", digits ? "" : code),
                "account_totp_removed");
  }
  return AccountPage(p, b, account, me, "account_action_failed", "");
}

}  // namespace

void AddAccountRoutes(HttpRouter& router, const WebRoutes& p) {
  router.Get(
      "/accounts/{account}/account",
      ForAccount([p](const HttpRequest& r, const std::string& a) { return AccountGet(p, r, a); }));
  router.Post(
      "/accounts/{account}/account",
      ForAccount([p](const HttpRequest& r, const std::string& a) { return AccountPost(p, r, a); }));
}

}  // namespace iam::server
