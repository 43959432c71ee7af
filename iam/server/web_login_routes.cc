#include "iam/server/web_login_routes.h"

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "iam/auth/password_policy.h"
#include "iam/mfa/mfa_policy.h"
#include "iam/oauth/form.h"
#include "iam/server/client_address.h"
#include "iam/server/web_page.h"
#include "iam/store/policy_store.h"
#include "iam/web/cookies.h"
#include "iam/web/qr_svg.h"

namespace iam::server {
namespace {

constexpr char kMfaCookie[] = "iam_mfa";        // the MFA ticket between pages

struct Origin {
  std::string ip;
  std::string user_agent;
};

Origin OriginOf(const WebRoutes& p, const HttpRequest& req) {
  const std::string* ua = req.Header("user-agent");
  return {ClientAddress(req, p.trusted_proxies), ua ? ua->substr(0, 512) : ""};
}

// A sign-in request's page context: the browser and its pending request.
struct Step {
  Browser b;
  oauth::PendingLogin pending;
  std::string account;
};

// The request `id` of this browser; or the error page.
std::variant<Step, HttpResponse> StepOf(const WebRoutes& p, const HttpRequest& req,
                                        const std::string& account, const std::string& id) {
  Browser b = BrowserOf(req, p, "");
  auto pending = p.authorization.Pending(account, id, b.id);
  if (!pending.ok()) return PendingErrorPage(p, b, account, pending.status());
  b.locale = BrowserOf(req, p, pending->request.ui_locales).locale;
  return Step{std::move(b), *std::move(pending), account};
}

// The request of the page's URL.
std::variant<Step, HttpResponse> StepOf(const WebRoutes& p, const HttpRequest& req,
                                        const std::string& account) {
  return StepOf(p, req, account, RequestIdOf(req));
}

// A button for each enabled upstream OpenID Connect provider.
nlohmann::json ProviderButtons(const WebRoutes& p, const Step& s) {
  nlohmann::json out = nlohmann::json::array();
  p.db.Transact(store::TxMode::kRead,
                [&](store::Tx& tx) -> absl::Status {
                  auto enabled = federation::IdpService::Enabled(tx, s.account);
                  if (!enabled.ok()) return absl::OkStatus();
                  for (const auto& idp : *enabled) {
                    if (idp.kind != "oidc") continue;
                    out.push_back(
                        {{"name", idp.display_name},
                         {"href", absl::StrCat("/accounts/", s.account, "/idp/", idp.alias,
                                               "/start?request=", s.pending.id)}});
                  }
                  return absl::OkStatus();
                })
      .IgnoreError();
  return out;
}

HttpResponse LoginPage(const WebRoutes& p, const Step& s, const std::string& username,
                       const std::string& error_key,
                       const auth::ChallengeOffer* challenge = nullptr) {
  nlohmann::json data = {
      {"action", PagePath(s.account, "login", s.pending.id)},
      {"csrf", p.csrf.Token(s.b.id, "login:" + s.pending.id)},
      {"username", username},
      {"client", s.pending.client.view.row.client_id == oauth::kAccountPagesClientId
                     ? p.pages.Message(s.b.locale, "account_title")
                     : ClientName(s.pending)},
  };
  if (!error_key.empty()) data["error"] = p.pages.Message(s.b.locale, error_key);
  data["providers"] = ProviderButtons(p, s);
  data["has_providers"] = !data["providers"].empty();
  if (challenge != nullptr && challenge->kind == "proof-of-work") {
    data["challenge_pow"] = {{"puzzle", challenge->puzzle}, {"bits", challenge->bits}};
  } else if (challenge != nullptr && challenge->kind == "hosted") {
    data["challenge_hosted"] = {{"script_url", challenge->script_url},
                                {"site_key", challenge->site_key}};
  }
  return Page(p, s.b, s.account, 200, "login", "login_title", std::move(data));
}

// The password policy's rules, in the page's language.
nlohmann::json RuleLines(const WebRoutes& p, const std::string& locale,
                         const auth::PasswordPolicy& pol) {
  nlohmann::json out = nlohmann::json::array();
  auto add = [&](const char* key, int n = 0) {
    out.push_back({{"text", p.pages.Message(locale, key, {{"n", std::to_string(n)}})}});
  };
  add("rule_min_length", pol.min_length);
  if (pol.max_length < 4096) add("rule_max_length", pol.max_length);
  if (pol.require_upper) add("rule_upper");
  if (pol.require_lower) add("rule_lower");
  if (pol.require_digit) add("rule_digit");
  if (pol.require_symbol) add("rule_symbol");
  if (pol.min_character_classes > 0) add("rule_classes", pol.min_character_classes);
  if (pol.reject_username) add("rule_username");
  if (pol.history > 0) add("rule_history", pol.history);
  if (pol.blocklist) add("rule_blocklist");
  return out;
}

const char* ChangeReasonKey(const std::string& reason) {
  if (reason == "reset") return "change_reset";
  if (reason == "at_risk") return "change_at_risk";
  return "change_expired";
}

HttpResponse ChangePasswordPage(const WebRoutes& p, const Step& s, const std::string& username,
                                const std::string& reason, const std::string& error_key) {
  auto policy = p.passwords.Policy(s.account);
  if (!policy.ok()) return ErrorPage(p, s.b, s.account, 503, "store_unavailable");
  nlohmann::json data = {
      {"action", PagePath(s.account, "login", s.pending.id)},
      {"csrf", p.csrf.Token(s.b.id, "login:" + s.pending.id)},
      {"username", username},
      {"reason_code", reason},
      {"reason", p.pages.Message(s.b.locale, ChangeReasonKey(reason))},
      {"rules", RuleLines(p, s.b.locale, *policy)},
  };
  if (!error_key.empty()) data["error"] = p.pages.Message(s.b.locale, error_key);
  return Page(p, s.b, s.account, 200, "password_change", "password_change_title", std::move(data));
}

std::string FormatTime(int64_t ms) {
  return absl::FormatTime("%Y-%m-%d %H:%M UTC", absl::FromUnixMillis(ms), absl::UTCTimeZone());
}

// A web session is open: the browser signs on, and either goes on with
// the request or, when there is something to tell, sees it first.
HttpResponse SignedOn(const WebRoutes& p, const Step& s, const auth::LoginResult& r) {
  const store::SessionRow& session = r.tokens.session;
  auto sso = p.authorization.SignOn(session);
  if (!sso.ok()) return ErrorPage(p, s.b, s.account, 503, "store_unavailable");
  const bool notice = r.previous.present || !r.evicted_sessions.empty() || r.password_at_risk ||
                      !r.recovery_codes.empty();
  HttpResponse out;
  if (notice) {
    nlohmann::json data = {{"continue", PagePath(s.account, "continue", s.pending.id)},
                           {"at_risk", r.password_at_risk},
                           {"recovery_codes", r.recovery_codes},
                           {"has_recovery_codes", !r.recovery_codes.empty()}};
    if (r.previous.present) {
      const std::string& device = r.previous.device_id;
      data["previous"] = p.pages.Message(
          s.b.locale, "previous_login",
          {{"time", FormatTime(r.previous.at)},
           {"address", r.previous.source_ip.empty() ? "-" : r.previous.source_ip},
           {"client", device.empty() ? r.previous.client_type
                                     : absl::StrCat(r.previous.client_type, ", ", device)}});
    }
    if (!r.evicted_sessions.empty()) {
      data["evicted"] = p.pages.Message(s.b.locale, "evicted_sessions",
                                        {{"count", std::to_string(r.evicted_sessions.size())}});
    }
    out = Page(p, s.b, s.account, 200, "signed_in", "signed_in_title", std::move(data));
  } else {
    auto decision = p.authorization.Decide(s.pending, session);
    if (!decision.ok()) return ErrorPage(p, s.b, s.account, 503, "store_unavailable");
    out = Follow(p, s.b, s.pending, *decision);
  }
  out.With("Set-Cookie", web::SetCookie(SsoCookie(s.account), *sso, p.tls));
  out.With("Set-Cookie", web::SetCookie(kMfaCookie, "", p.tls, 0));
  if (!r.device_token.empty()) {
    int64_t days = 30;
    p.db.Transact(store::TxMode::kRead,
                  [&](store::Tx& tx) -> absl::Status {
                    auto policy =
                        store::account_policies::Load<mfa::MfaPolicy>(tx, s.account, "mfa");
                    if (policy.ok()) days = policy->remember_device_days;
                    return absl::OkStatus();
                  })
        .IgnoreError();
    out.With("Set-Cookie", web::SetCookie(kDeviceCookie, r.device_token, p.tls, days * 86400));
  }
  return out;
}

const char* RefusalKey(auth::LoginStatus s) {
  switch (s) {
    case auth::LoginStatus::kLocked:
      return "locked";
    case auth::LoginStatus::kThrottled:
      return "throttled";
    case auth::LoginStatus::kSessionLimit:
      return "session_limit";
    default:
      return "wrong_credentials";
  }
}

// Each answer of the login engine, as the next page.
HttpResponse AfterLogin(const WebRoutes& p, const Step& s, const std::string& username,
                        const auth::LoginResult& r) {
  switch (r.status) {
    case auth::LoginStatus::kSuccess:
      return SignedOn(p, s, r);
    case auth::LoginStatus::kChallengeRequired:
      return LoginPage(
          p, s, username,
          r.challenge.kind == "hosted" ? "hosted_challenge_needed" : "challenge_needed",
          &r.challenge);
    case auth::LoginStatus::kPasswordChangeRequired:
      return ChangePasswordPage(p, s, username, r.password_change_reason, "");
    case auth::LoginStatus::kMfaRequired: {
      HttpResponse out = Redirect(
          p, s.b, PagePath(s.account, r.enrollment_required ? "enroll" : "mfa", s.pending.id));
      const int64_t ttl = std::max<int64_t>(1, (r.mfa_ticket_expires_at - p.clock.NowMs()) / 1000);
      out.With("Set-Cookie", web::SetCookie(kMfaCookie, r.mfa_ticket, p.tls, ttl));
      return out;
    }
    case auth::LoginStatus::kDeviceApprovalRequired:
      return Page(
          p, s.b, s.account, 200, "device_pending", "device_pending_title",
          {{"device_id", s.b.DeviceId()}, {"retry", PagePath(s.account, "login", s.pending.id)}});
    default:
      return LoginPage(p, s, username, RefusalKey(r.status));
  }
}

HttpResponse LoginGet(const WebRoutes& p, const HttpRequest& req, const std::string& account) {
  auto step = StepOf(p, req, account);
  if (auto* page = std::get_if<HttpResponse>(&step)) return std::move(*page);
  Step& s = std::get<Step>(step);
  return LoginPage(p, s, s.pending.request.login_hint, "");
}

HttpResponse LoginPost(const WebRoutes& p, const HttpRequest& req, const std::string& account) {
  const std::string id = RequestIdOf(req);
  Browser b = BrowserOf(req, p, "");
  auto form = VerifiedForm(p, req, b, "login:" + id);
  if (!form) return ErrorPage(p, b, account, 403, "form_expired");
  auto step = StepOf(p, req, account);
  if (auto* page = std::get_if<HttpResponse>(&step)) return std::move(*page);
  Step& s = std::get<Step>(step);
  const Origin origin = OriginOf(p, req);
  auth::LoginRequest in;
  in.account = account;
  in.username = oauth::Param(*form, "username");
  in.password = oauth::Param(*form, "password");
  in.client_type = "web";
  in.source_ip = origin.ip;
  in.user_agent = origin.user_agent;
  in.device_id = s.b.DeviceId();
  in.device_token = s.b.Cookie(kDeviceCookie, p.tls);
  in.oauth_client = s.pending.client.view.row.client_id;
  in.challenge_proof = oauth::Param(*form, "challenge_proof");
  if (in.challenge_proof.empty() && !p.challenge_field.empty()) {
    in.challenge_proof = oauth::Param(*form, p.challenge_field);
  }
  const bool changing = oauth::Param(*form, "step") == "change";
  const std::string reason = oauth::Param(*form, "reason");
  if (changing) {
    in.new_password = oauth::Param(*form, "new_password");
    if (in.new_password != oauth::Param(*form, "new_password_again")) {
      return ChangePasswordPage(p, s, in.username, reason, "new_passwords_differ");
    }
  }
  auto result = p.login.Login(in);
  if (!result.ok()) {
    if (absl::IsInvalidArgument(result.status()) || absl::IsFailedPrecondition(result.status())) {
      // With the right password, a new one the policy refuses; otherwise
      // input no user could have (the same words as a wrong password).
      if (changing && !in.new_password.empty()) {
        return ChangePasswordPage(p, s, in.username, reason, "new_password_refused");
      }
      return LoginPage(p, s, in.username, "wrong_credentials");
    }
    return ErrorPage(p, s.b, account, 503, "store_unavailable");
  }
  return AfterLogin(p, s, in.username, *result);
}

bool RememberAllowed(const WebRoutes& p, const std::string& account) {
  bool allowed = false;
  p.db.Transact(store::TxMode::kRead,
                [&](store::Tx& tx) -> absl::Status {
                  auto policy = store::account_policies::Load<mfa::MfaPolicy>(tx, account, "mfa");
                  allowed = policy.ok() && policy->remember_device_days > 0;
                  return absl::OkStatus();
                })
      .IgnoreError();
  return allowed;
}

HttpResponse MfaPage(const WebRoutes& p, const Step& s, const std::string& error_key) {
  nlohmann::json data = {{"action", PagePath(s.account, "mfa", s.pending.id)},
                         {"csrf", p.csrf.Token(s.b.id, "mfa:" + s.pending.id)},
                         {"remember_allowed", RememberAllowed(p, s.account)}};
  if (!error_key.empty()) data["error"] = p.pages.Message(s.b.locale, error_key);
  return Page(p, s.b, s.account, 200, "mfa", "mfa_title", std::move(data));
}

// The answer to a second-factor step: signed on, or the same page again,
// or back to the password when the ticket is gone.
HttpResponse AfterFactor(const WebRoutes& p, const Step& s,
                         const absl::StatusOr<auth::LoginResult>& result,
                         HttpResponse (*again)(const WebRoutes&, const Step&, const std::string&)) {
  if (!result.ok()) {
    if (absl::IsInvalidArgument(result.status())) return again(p, s, "wrong_code");
    if (absl::IsUnavailable(result.status()) || absl::IsInternal(result.status()) ||
        absl::IsResourceExhausted(result.status())) {
      return ErrorPage(p, s.b, s.account, 503, "store_unavailable");
    }
    return LoginPage(p, s, "", "mfa_ended");
  }
  switch (result->status) {
    case auth::LoginStatus::kSuccess:
      return SignedOn(p, s, *result);
    case auth::LoginStatus::kMfaRequired:
      return again(p, s, "wrong_code");
    case auth::LoginStatus::kFailed: {
      HttpResponse out = LoginPage(p, s, "", "mfa_ended");
      out.With("Set-Cookie", web::SetCookie(kMfaCookie, "", p.tls, 0));
      return out;
    }
    default:
      return LoginPage(p, s, "", RefusalKey(result->status));
  }
}

auth::MfaAnswer AnswerOf(const WebRoutes& p, const HttpRequest& req, const Step& s,
                         const oauth::Form& form) {
  const Origin origin = OriginOf(p, req);
  auth::MfaAnswer a;
  a.ticket = s.b.Cookie(kMfaCookie, p.tls);
  a.code = oauth::Param(form, "code");
  a.recovery_code = oauth::Param(form, "recovery_code");
  a.remember_device = oauth::Param(form, "remember_device") == "1";
  a.source_ip = origin.ip;
  a.user_agent = origin.user_agent;
  a.oauth_client = s.pending.client.view.row.client_id;
  return a;
}

// A second-factor page's request: its step, and for a POST its form
// (verified for `page`'s CSRF purpose); or the page that ends it (a form
// without its token, a request that ended, a ticket that is gone).
struct FactorRequest {
  Step step;
  std::optional<oauth::Form> form;
};
std::variant<FactorRequest, HttpResponse> FactorRequestOf(const WebRoutes& p,
                                                          const HttpRequest& req,
                                                          const std::string& account, bool post,
                                                          const char* page) {
  Browser b = BrowserOf(req, p, "");
  std::optional<oauth::Form> form;
  if (post && !(form = VerifiedForm(p, req, b, absl::StrCat(page, ":", RequestIdOf(req))))) {
    return ErrorPage(p, b, account, 403, "form_expired");
  }
  auto step = StepOf(p, req, account);
  if (auto* ended = std::get_if<HttpResponse>(&step)) return std::move(*ended);
  Step& s = std::get<Step>(step);
  if (s.b.Cookie(kMfaCookie, p.tls).empty()) return LoginPage(p, s, "", "mfa_ended");
  return FactorRequest{std::move(s), std::move(form)};
}

HttpResponse Mfa(const WebRoutes& p, const HttpRequest& req, const std::string& account,
                 bool post) {
  auto got = FactorRequestOf(p, req, account, post, "mfa");
  if (auto* page = std::get_if<HttpResponse>(&got)) return std::move(*page);
  FactorRequest& f = std::get<FactorRequest>(got);
  if (!post) return MfaPage(p, f.step, "");
  auth::MfaAnswer answer = AnswerOf(p, req, f.step, *f.form);
  if (!answer.recovery_code.empty()) answer.code.clear();
  if (answer.code.empty() && answer.recovery_code.empty()) return MfaPage(p, f.step, "wrong_code");
  return AfterFactor(p, f.step, p.mfa_login.Verify(answer), MfaPage);
}

HttpResponse EnrollPage(const WebRoutes& p, const Step& s, const std::string& error_key) {
  auto enrollment = p.mfa_login.BeginEnrollment(s.b.Cookie(kMfaCookie, p.tls), true);
  if (!enrollment.ok()) {
    if (absl::IsUnavailable(enrollment.status())) {
      return ErrorPage(p, s.b, s.account, 503, "store_unavailable");
    }
    return LoginPage(p, s, "", "mfa_ended");
  }
  auto qr = web::QrSvgDataUri(enrollment->otpauth_uri);
  nlohmann::json data = {{"action", PagePath(s.account, "enroll", s.pending.id)},
                         {"csrf", p.csrf.Token(s.b.id, "enroll:" + s.pending.id)},
                         {"qr", qr.ok() ? *qr : ""},
                         {"secret", enrollment->secret_base32}};
  if (!error_key.empty()) data["error"] = p.pages.Message(s.b.locale, error_key);
  return Page(p, s.b, s.account, 200, "enroll", "enroll_title", std::move(data));
}

HttpResponse Enroll(const WebRoutes& p, const HttpRequest& req, const std::string& account,
                    bool post) {
  auto got = FactorRequestOf(p, req, account, post, "enroll");
  if (auto* page = std::get_if<HttpResponse>(&got)) return std::move(*page);
  FactorRequest& f = std::get<FactorRequest>(got);
  if (!post) return EnrollPage(p, f.step, "");
  auth::MfaAnswer answer = AnswerOf(p, req, f.step, *f.form);
  answer.recovery_code.clear();
  return AfterFactor(p, f.step, p.mfa_login.ConfirmEnrollment(answer), EnrollPage);
}

// A second factor for a request that asked for one (acr_values), proven
// on the browser's session: its amr gains the method, its auth_time is now.
HttpResponse StepUpPage(const WebRoutes& p, const Step& s, const std::string& error_key) {
  nlohmann::json data = {{"action", PagePath(s.account, "stepup", s.pending.id)},
                         {"csrf", p.csrf.Token(s.b.id, "stepup:" + s.pending.id)},
                         {"remember_allowed", false}};
  if (!error_key.empty()) data["error"] = p.pages.Message(s.b.locale, error_key);
  return Page(p, s.b, s.account, 200, "mfa", "mfa_title", std::move(data));
}

HttpResponse StepUp(const WebRoutes& p, const HttpRequest& req, const std::string& account,
                    bool post) {
  const std::string id = RequestIdOf(req);
  Browser b = BrowserOf(req, p, "");
  std::optional<oauth::Form> form;
  if (post && !(form = VerifiedForm(p, req, b, "stepup:" + id))) {
    return ErrorPage(p, b, account, 403, "form_expired");
  }
  auto step = StepOf(p, req, account);
  if (auto* page = std::get_if<HttpResponse>(&step)) return std::move(*page);
  Step& s = std::get<Step>(step);
  auto session = p.authorization.SignedIn(account, s.b.Cookie(SsoCookie(account), p.tls));
  if (!session.ok()) return ErrorPage(p, s.b, account, 503, "store_unavailable");
  if (!*session) return Redirect(p, s.b, PagePath(account, "login", id));
  if (!post) return StepUpPage(p, s, "");
  const Origin origin = OriginOf(p, req);
  auto caller = p.authorization.CallerOf(**session, origin.ip, origin.user_agent);
  if (!caller.ok()) return ErrorPage(p, s.b, account, 503, "store_unavailable");
  std::string code = oauth::Param(*form, "code");
  std::string recovery = oauth::Param(*form, "recovery_code");
  if (!recovery.empty()) code.clear();
  auto stepped = p.mfa_login.StepUp(*caller, code, recovery, "");
  if (!stepped.ok()) {
    if (absl::IsUnavailable(stepped.status())) {
      return ErrorPage(p, s.b, account, 503, "store_unavailable");
    }
    return StepUpPage(p, s, "wrong_code");
  }
  auto fresh = p.authorization.SignedIn(account, s.b.Cookie(SsoCookie(account), p.tls));
  if (!fresh.ok() || !*fresh) return ErrorPage(p, s.b, account, 503, "store_unavailable");
  auto decision = p.authorization.Decide(s.pending, *fresh);
  if (!decision.ok()) return ErrorPage(p, s.b, account, 503, "store_unavailable");
  return Follow(p, s.b, s.pending, *decision);
}

// After the signed-in notice: the request goes on with the browser's
// session (a fresh login only if it authenticated after the request began).
HttpResponse Continue(const WebRoutes& p, const HttpRequest& req, const std::string& account) {
  auto step = StepOf(p, req, account);
  if (auto* page = std::get_if<HttpResponse>(&step)) return std::move(*page);
  Step& s = std::get<Step>(step);
  auto session = p.authorization.SignedIn(account, s.b.Cookie(SsoCookie(account), p.tls));
  if (!session.ok()) return ErrorPage(p, s.b, account, 503, "store_unavailable");
  auto decision = p.authorization.Decide(s.pending, *session);
  if (!decision.ok()) return ErrorPage(p, s.b, account, 503, "store_unavailable");
  return Follow(p, s.b, s.pending, *decision);
}

}  // namespace

HttpResponse ContinueSignIn(const WebRoutes& p, const HttpRequest& req, const std::string& account,
                           const std::string& request_id, const std::string& username,
                           const auth::LoginResult& result) {
  auto step = StepOf(p, req, account, request_id);
  if (auto* page = std::get_if<HttpResponse>(&step)) return std::move(*page);
  return AfterLogin(p, std::get<Step>(step), username, result);
}

void AddLoginRoutes(HttpRouter& router, const WebRoutes& p) {
  router.Get(
      "/accounts/{account}/login",
      ForAccount([p](const HttpRequest& r, const std::string& a) { return LoginGet(p, r, a); }));
  router.Post(
      "/accounts/{account}/login",
      ForAccount([p](const HttpRequest& r, const std::string& a) { return LoginPost(p, r, a); }));
  router.Get("/accounts/{account}/mfa", ForAccount([p](const HttpRequest& r, const std::string& a) {
               return Mfa(p, r, a, false);
             }));
  router.Post(
      "/accounts/{account}/mfa",
      ForAccount([p](const HttpRequest& r, const std::string& a) { return Mfa(p, r, a, true); }));
  router.Get("/accounts/{account}/enroll",
             ForAccount([p](const HttpRequest& r, const std::string& a) {
               return Enroll(p, r, a, false);
             }));
  router.Post("/accounts/{account}/enroll",
              ForAccount([p](const HttpRequest& r, const std::string& a) {
                return Enroll(p, r, a, true);
              }));
  router.Get("/accounts/{account}/stepup",
             ForAccount([p](const HttpRequest& r, const std::string& a) {
               return StepUp(p, r, a, false);
             }));
  router.Post("/accounts/{account}/stepup",
              ForAccount([p](const HttpRequest& r, const std::string& a) {
                return StepUp(p, r, a, true);
              }));
  router.Get(
      "/accounts/{account}/continue",
      ForAccount([p](const HttpRequest& r, const std::string& a) { return Continue(p, r, a); }));
}

}  // namespace iam::server
