#include "iam/server/web_device_routes.h"

#include "absl/strings/str_cat.h"
#include "iam/common/status_macros.h"
#include "iam/oauth/form.h"
#include "iam/server/client_address.h"
#include "iam/server/web_page.h"
#include "iam/store/device_code_store.h"

namespace iam::server {
namespace {

HttpResponse CodePage(const WebRoutes& p, const Browser& b, const std::string& account, int status,
                      const std::string& user_code, const std::string& error_key) {
  nlohmann::json data = {{"action", absl::StrCat("/accounts/", account, "/device")},
                         {"csrf", p.csrf.Token(b.id, "device")},
                         {"user_code", user_code}};
  if (!error_key.empty()) data["error"] = p.pages.Message(b.locale, error_key);
  return Page(p, b, account, status, "device", "device_title", std::move(data));
}

HttpResponse DeviceGet(const WebRoutes& p, const HttpRequest& req, const std::string& account) {
  auto query = oauth::ParseForm(req.query);
  Browser b = BrowserOf(req, p, "");
  const std::string code = query.ok() ? oauth::Param(*query, "user_code").substr(0, 32) : "";
  return CodePage(p, b, account, 200, code, "");
}

HttpResponse DevicePost(const WebRoutes& p, const HttpRequest& req, const std::string& account) {
  Browser b = BrowserOf(req, p, "");
  auto form = VerifiedForm(p, req, b, "device");
  if (!form) return ErrorPage(p, b, account, 403, "form_expired");
  const std::string typed = oauth::Param(*form, "user_code");
  auto device = p.devices.Lookup(account, typed, ClientAddress(req, p.trusted_proxies));
  if (absl::IsNotFound(device.status())) {
    return CodePage(p, b, account, 200, typed.substr(0, 32), "device_code_unknown");
  }
  if (absl::IsResourceExhausted(device.status())) {
    return CodePage(p, b, account, 429, "", "device_code_throttled");
  }
  if (!device.ok()) return ErrorPage(p, b, account, 503, "store_unavailable");
  auto pending = p.authorization.BeginDevice(*device, b.id);
  if (!pending.ok()) return ErrorPage(p, b, account, 503, "store_unavailable");
  auto session = p.authorization.SignedIn(account, b.Cookie(SsoCookie(account), p.tls));
  if (!session.ok()) return ErrorPage(p, b, account, 503, "store_unavailable");
  auto decision = p.authorization.Decide(*pending, *session);
  if (!decision.ok()) return ErrorPage(p, b, account, 503, "store_unavailable");
  return Follow(p, b, *pending, *decision);
}

HttpResponse Confirm(const WebRoutes& p, const HttpRequest& req, const std::string& account,
                     bool post) {
  const std::string id = RequestIdOf(req);
  Browser b = BrowserOf(req, p, "");
  std::optional<oauth::Form> form;
  if (post && !(form = VerifiedForm(p, req, b, "device-confirm:" + id))) {
    return ErrorPage(p, b, account, 403, "form_expired");
  }
  auto pending = p.authorization.Pending(account, id, b.id);
  if (!pending.ok()) return PendingErrorPage(p, b, account, pending.status());
  if (pending->request.device_code_hash.empty())
    return ErrorPage(p, b, account, 400, "request_ended");
  auto session = p.authorization.SignedIn(account, b.Cookie(SsoCookie(account), p.tls));
  if (!session.ok()) return ErrorPage(p, b, account, 503, "store_unavailable");
  if (!*session) return Redirect(p, b, PagePath(account, "login", id));
  std::optional<store::DeviceCodeRow> device;
  absl::Status read = p.db.Transact(store::TxMode::kRead, [&](store::Tx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(device,
                     store::device_codes::ByDeviceCode(tx, pending->request.device_code_hash));
    return absl::OkStatus();
  });
  if (!read.ok()) return ErrorPage(p, b, account, 503, "store_unavailable");
  if (!device || device->status != "pending") return ErrorPage(p, b, account, 400, "device_ended");
  if (!post) {
    const std::string code = device->user_code;
    return Page(p, b, account, 200, "device_confirm", "device_confirm_title",
                {{"action", PagePath(account, "device/confirm", id)},
                 {"csrf", p.csrf.Token(b.id, "device-confirm:" + id)},
                 {"client", ClientName(*pending)},
                 {"address", device->source_ip.empty() ? "-" : device->source_ip},
                 {"user_code", absl::StrCat(code.substr(0, 4), "-", code.substr(4))}});
  }
  const bool allow = oauth::Param(*form, "decision") == "allow";
  absl::Status decided = p.authorization.DecideDevice(*pending, **session, allow);
  if (absl::IsNotFound(decided)) return ErrorPage(p, b, account, 400, "device_ended");
  if (!decided.ok()) return ErrorPage(p, b, account, 503, "store_unavailable");
  return Page(
      p, b, account, 200, "device_done", "device_done_title",
      {{"kind", allow ? "info" : "error"},
       {"message", p.pages.Message(b.locale, allow ? "device_allowed" : "device_refused")}});
}

}  // namespace

void AddDeviceRoutes(HttpRouter& router, const WebRoutes& p) {
  router.Get(
      "/accounts/{account}/device",
      ForAccount([p](const HttpRequest& r, const std::string& a) { return DeviceGet(p, r, a); }));
  router.Post(
      "/accounts/{account}/device",
      ForAccount([p](const HttpRequest& r, const std::string& a) { return DevicePost(p, r, a); }));
  router.Get("/accounts/{account}/device/confirm",
             ForAccount([p](const HttpRequest& r, const std::string& a) {
               return Confirm(p, r, a, false);
             }));
  router.Post("/accounts/{account}/device/confirm",
              ForAccount([p](const HttpRequest& r, const std::string& a) {
                return Confirm(p, r, a, true);
              }));
}

}  // namespace iam::server
