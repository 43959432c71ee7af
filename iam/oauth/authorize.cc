#include "iam/oauth/authorize.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "iam/common/crypto.h"
#include "iam/common/status_macros.h"
#include "iam/oauth/oauth_error.h"

namespace iam::oauth {
namespace {

constexpr size_t kMaxState = 1024;
constexpr size_t kMaxNonce = 512;
constexpr size_t kMaxHint = 256;

bool PkceChars(absl::string_view s) {
  if (s.size() < 43 || s.size() > 128) return false;
  for (char c : s) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.' && c != '_' &&
        c != '~') {
      return false;
    }
  }
  return true;
}

// Printable, no control characters, within `max` bytes.
absl::Status CheckOpaque(const char* name, const std::string& v, size_t max) {
  if (v.size() > max) return InvalidRequest(absl::StrCat(name, ": at most ", max, " characters"));
  for (char c : v) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return InvalidRequest(absl::StrCat(name, ": no control characters"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

bool AuthorizeRequest::Prompts(absl::string_view p) const {
  return std::find(prompt.begin(), prompt.end(), p) != prompt.end();
}

bool AuthorizeRequest::OpenId() const {
  return std::find(scopes.begin(), scopes.end(), "openid") != scopes.end();
}

nlohmann::json AuthorizeRequest::ToJson() const {
  nlohmann::json j = {{"client_id", client_id},   {"redirect_uri", redirect_uri},
                      {"scope", scopes},          {"state", state},
                      {"nonce", nonce},           {"code_challenge", code_challenge},
                      {"prompt", prompt},         {"login_hint", login_hint},
                      {"ui_locales", ui_locales}, {"mfa_requested", mfa_requested}};
  if (max_age) j["max_age"] = *max_age;
  if (!device_code_hash.empty()) j["device"] = device_code_hash;
  if (!return_to.empty()) j["return_to"] = return_to;
  return j;
}

absl::StatusOr<AuthorizeRequest> AuthorizeRequest::FromJson(absl::string_view stored) {
  auto j = nlohmann::json::parse(stored, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return absl::InternalError("a stored authorization request does not parse");
  }
  try {
    AuthorizeRequest r;
    r.client_id = j.at("client_id").get<std::string>();
    r.redirect_uri = j.at("redirect_uri").get<std::string>();
    r.scopes = j.at("scope").get<std::vector<std::string>>();
    r.state = j.at("state").get<std::string>();
    r.nonce = j.at("nonce").get<std::string>();
    r.code_challenge = j.at("code_challenge").get<std::string>();
    r.prompt = j.at("prompt").get<std::vector<std::string>>();
    r.login_hint = j.at("login_hint").get<std::string>();
    r.ui_locales = j.at("ui_locales").get<std::string>();
    r.mfa_requested = j.at("mfa_requested").get<bool>();
    if (j.contains("max_age")) r.max_age = j["max_age"].get<int64_t>();
    if (j.contains("device")) r.device_code_hash = j["device"].get<std::string>();
    if (j.contains("return_to")) r.return_to = j["return_to"].get<std::string>();
    return r;
  } catch (const nlohmann::json::exception&) {
    return absl::InternalError("a stored authorization request lacks a field");
  }
}

absl::Status CheckRedirect(const Form& params, const ClientMetadata& client) {
  if (!client.Allows(kGrantAuthorizationCode)) {
    return UnauthorizedClient("this application may not sign users in through this page");
  }
  const std::string& uri = Param(params, "redirect_uri");
  if (uri.empty()) return InvalidRequest("the request names no redirect_uri");
  if (!client.AllowsRedirectUri(uri)) {
    return InvalidRequest("the redirect_uri is not registered for this application");
  }
  return absl::OkStatus();
}

absl::StatusOr<AuthorizeRequest> ParseAuthorize(const Form& f, const ClientMetadata& client) {
  if (f.count("request") > 0) return ErrorNamed("request_not_supported", "request objects are not supported");
  if (f.count("request_uri") > 0) {
    return ErrorNamed("request_uri_not_supported", "request_uri is not supported");
  }
  AuthorizeRequest r;
  r.client_id = Param(f, "client_id");
  r.redirect_uri = Param(f, "redirect_uri");
  const std::string& response_type = Param(f, "response_type");
  if (response_type.empty()) return InvalidRequest("response_type is required");
  if (response_type != "code") {
    return ErrorNamed("unsupported_response_type", "response_type must be code");
  }
  const std::string& mode = Param(f, "response_mode");
  if (!mode.empty() && mode != "query") {
    return InvalidRequest("response_mode: only query is offered");
  }
  auto scopes = ParseScope(Param(f, "scope"));
  if (!scopes.ok()) return InvalidScope("scope: not a list of scope tokens");
  for (const std::string& s : *scopes) {
    if (!client.AllowsScope(s)) {
      return InvalidScope(absl::StrCat("the client may not ask for the scope ", s.substr(0, 64)));
    }
  }
  r.scopes = *std::move(scopes);
  r.state = Param(f, "state");
  RETURN_IF_ERROR(CheckOpaque("state", r.state, kMaxState));
  r.nonce = Param(f, "nonce");
  RETURN_IF_ERROR(CheckOpaque("nonce", r.nonce, kMaxNonce));

  const std::string& challenge = Param(f, "code_challenge");
  const std::string& method = Param(f, "code_challenge_method");
  if (!challenge.empty() || !method.empty()) {
    if (method != "S256") {
      return InvalidRequest("code_challenge_method must be S256 (plain is not accepted)");
    }
    if (!PkceChars(challenge)) return InvalidRequest("code_challenge is malformed");
    r.code_challenge = challenge;
  } else if (client.require_pkce) {
    return InvalidRequest("PKCE is required: send code_challenge with code_challenge_method S256");
  }

  for (absl::string_view p : absl::StrSplit(Param(f, "prompt"), ' ', absl::SkipEmpty())) {
    if (p != "none" && p != "login" && p != "consent" && p != "select_account") {
      return InvalidRequest("prompt: none, login, consent or select_account");
    }
    if (!r.Prompts(p)) r.prompt.emplace_back(p);
  }
  if (r.Prompts("none") && r.prompt.size() > 1) {
    return InvalidRequest("prompt=none cannot be combined with another value");
  }
  if (const std::string& max_age = Param(f, "max_age"); !max_age.empty()) {
    int64_t v = 0;
    if (max_age.size() > 10 || !absl::SimpleAtoi(max_age, &v) || v < 0) {
      return InvalidRequest("max_age: a number of seconds");
    }
    r.max_age = v;
  }
  r.login_hint = Param(f, "login_hint");
  RETURN_IF_ERROR(CheckOpaque("login_hint", r.login_hint, kMaxHint));
  r.ui_locales = Param(f, "ui_locales");
  RETURN_IF_ERROR(CheckOpaque("ui_locales", r.ui_locales, kMaxHint));
  const std::string& acr = Param(f, "acr_values");
  RETURN_IF_ERROR(CheckOpaque("acr_values", acr, kMaxHint));
  for (absl::string_view v : absl::StrSplit(acr, ' ', absl::SkipEmpty())) {
    if (v == kAcrMfa) r.mfa_requested = true;
  }
  return r;
}

std::string RedirectWith(const std::string& redirect_uri,
                         const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out = redirect_uri;
  char sep = redirect_uri.find('?') == std::string::npos ? '?' : '&';
  if (!out.empty() && (out.back() == '?' || out.back() == '&')) sep = '\0';
  for (const auto& [k, v] : params) {
    if (sep != '\0') out.push_back(sep);
    absl::StrAppend(&out, FormEncode(k), "=", FormEncode(v));
    sep = '&';
  }
  return out;
}

bool VerifyPkce(absl::string_view verifier, absl::string_view challenge) {
  if (!PkceChars(verifier) || challenge.empty()) return false;
  return crypto::ConstantTimeEquals(crypto::Base64Url(crypto::Sha256(verifier)), challenge);
}

bool MultiFactor(const std::string& amr) {
  for (absl::string_view m : absl::StrSplit(amr, ',', absl::SkipEmpty())) {
    if (m != "pwd") return true;
  }
  return false;
}

}  // namespace iam::oauth
