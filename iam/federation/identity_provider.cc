#include "iam/federation/identity_provider.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "iam/common/text.h"

namespace iam::federation {
namespace {

constexpr size_t kMaxUrl = 2048;
constexpr size_t kMaxText = 512;

// Reads one JSON object of settings: each field once, typed, with the
// default kept when it is absent; a field the object does not know is
// refused. The first problem is kept, naming the field by its path.
class Reader {
 public:
  Reader(const nlohmann::json& j, std::string prefix, std::set<std::string> known)
      : j_(j), prefix_(std::move(prefix)) {
    if (!j.is_object()) {
      Fail(prefix_.empty() ? "config" : prefix_.substr(0, prefix_.size() - 1),
           "must be a JSON object");
      return;
    }
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (!known.count(it.key())) {
        Fail(it.key().substr(0, 64), "unknown field");
        return;
      }
    }
  }

  void Str(const char* key, std::string* out, size_t max) {
    const nlohmann::json* v = Find(key);
    if (v == nullptr) return;
    if (!v->is_string()) return Fail(key, "must be a string");
    absl::Status s = text::CheckFreeText(Path(key), v->get<std::string>(), max);
    if (!s.ok()) return Keep(s);
    *out = v->get<std::string>();
  }
  void Bool(const char* key, bool* out) {
    const nlohmann::json* v = Find(key);
    if (v == nullptr) return;
    if (!v->is_boolean()) return Fail(key, "must be true or false");
    *out = v->get<bool>();
  }
  void Int(const char* key, int* out, int min, int max) {
    const nlohmann::json* v = Find(key);
    if (v == nullptr) return;
    if (!v->is_number_integer() || v->get<int64_t>() < min || v->get<int64_t>() > max) {
      return Fail(key, absl::StrCat("must be a whole number in ", min, "..", max));
    }
    *out = v->get<int>();
  }
  void Strings(const char* key, std::vector<std::string>* out, size_t max_items, size_t max) {
    const nlohmann::json* v = Find(key);
    if (v == nullptr) return;
    if (!v->is_array() || v->size() > max_items) {
      return Fail(key, absl::StrCat("must be a list of at most ", max_items, " strings"));
    }
    std::vector<std::string> items;
    for (const auto& e : *v) {
      if (!e.is_string()) return Fail(key, "must be a list of strings");
      absl::Status s = text::CheckFreeText(Path(key), e.get<std::string>(), max, false);
      if (!s.ok()) return Keep(s);
      items.push_back(e.get<std::string>());
    }
    *out = std::move(items);
  }
  void Map(const char* key, std::map<std::string, std::string>* out, size_t max_items) {
    const nlohmann::json* v = Find(key);
    if (v == nullptr) return;
    if (!v->is_object() || v->size() > max_items) {
      return Fail(key, absl::StrCat("must be an object of at most ", max_items, " names"));
    }
    std::map<std::string, std::string> items;
    for (auto it = v->begin(); it != v->end(); ++it) {
      absl::Status s = text::CheckFreeText(Path(key), it.key(), 256, false);
      if (s.ok() && !it->is_string()) s = absl::InvalidArgumentError(Path(key) + ": values must be group names");
      if (s.ok()) s = text::CheckName(Path(key), it->get<std::string>(), 128);
      if (!s.ok()) return Keep(s);
      items[it.key()] = it->get<std::string>();
    }
    *out = std::move(items);
  }
  // The nested object under `key`, or null when absent.
  const nlohmann::json* Object(const char* key) { return Find(key); }

  void Fail(absl::string_view key, absl::string_view why) {
    Keep(absl::InvalidArgumentError(absl::StrCat(Path(key), ": ", why)));
  }
  void Keep(absl::Status s) {
    if (status_.ok()) status_ = std::move(s);
  }
  std::string Path(absl::string_view key) const { return absl::StrCat(prefix_, key); }
  const absl::Status& status() const { return status_; }

 private:
  const nlohmann::json* Find(const char* key) {
    if (!status_.ok() || !j_.is_object()) return nullptr;
    auto it = j_.find(key);
    return it == j_.end() || it->is_null() ? nullptr : &*it;
  }

  const nlohmann::json& j_;
  const std::string prefix_;
  absl::Status status_;
};

bool LoopbackHost(absl::string_view host) {
  return host == "127.0.0.1" || host == "localhost" || host == "[::1]" ||
         absl::StartsWith(host, "127.");
}

// The host of an absolute URL (without its port), or "" when it has none.
std::string HostOf(absl::string_view url) {
  const size_t scheme = url.find("://");
  if (scheme == absl::string_view::npos) return "";
  absl::string_view rest = url.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (rest.find('@') != absl::string_view::npos) return "";  // credentials in a URL
  if (absl::StartsWith(rest, "[")) return std::string(rest.substr(0, rest.find(']') + 1));
  return std::string(rest.substr(0, rest.find(':')));
}

}  // namespace

absl::Status CheckUpstreamUrl(const std::string& field, const std::string& url, bool required) {
  if (url.empty()) {
    return required ? absl::InvalidArgumentError(field + ": required") : absl::OkStatus();
  }
  const std::string host = HostOf(url);
  const bool https = absl::StartsWith(url, "https://");
  const bool http = absl::StartsWith(url, "http://");
  if ((!https && !http) || host.empty() || url.find('#') != std::string::npos ||
      url.find_first_of(" \t\r\n\"<>\\") != std::string::npos) {
    return absl::InvalidArgumentError(field + ": must be an absolute https URL without a fragment");
  }
  if (http && !LoopbackHost(host)) {
    return absl::InvalidArgumentError(field + ": must be https (http only to a loopback host)");
  }
  return absl::OkStatus();
}

namespace {

absl::Status CheckDomain(const std::string& field, const std::string& domain) {
  bool ok = !domain.empty() && domain.size() <= 253 && domain.front() != '.' &&
            domain.back() != '.' && domain.find("..") == std::string::npos;
  for (char c : domain) {
    ok = ok && (absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.');
  }
  return ok ? absl::OkStatus()
            : absl::InvalidArgumentError(field + ": each must be a domain name (example.com)");
}

void ReadMapping(Reader& parent, const char* key, Mapping* m) {
  const nlohmann::json* j = parent.Object(key);
  if (j == nullptr) return;
  Reader r(*j, parent.Path(key) + ".",
           {"subject", "username", "email", "phone", "display_name", "groups"});
  r.Str("subject", &m->subject, 128);
  r.Str("username", &m->username, 128);
  r.Str("email", &m->email, 128);
  r.Str("phone", &m->phone, 128);
  r.Str("display_name", &m->display_name, 128);
  r.Str("groups", &m->groups, 128);
  if (r.status().ok() && m->subject.empty()) r.Fail("subject", "required");
  parent.Keep(r.status());
}

nlohmann::json MappingJson(const Mapping& m) {
  return {{"subject", m.subject}, {"username", m.username},         {"email", m.email},
          {"phone", m.phone},     {"display_name", m.display_name}, {"groups", m.groups}};
}

void ReadOidc(Reader& parent, OidcSettings* o) {
  const nlohmann::json* j = parent.Object("oidc");
  if (j == nullptr) return parent.Fail("oidc", "required for kind oidc");
  Reader r(*j, "oidc.",
           {"protocol", "issuer", "authorization_endpoint", "token_endpoint", "jwks_uri",
            "userinfo_endpoint", "client_id", "client_auth", "scopes", "pkce",
            "trust_upstream_mfa", "claims"});
  r.Str("protocol", &o->protocol, 8);
  r.Str("userinfo_endpoint", &o->userinfo_endpoint, kMaxUrl);
  const bool oauth2 = o->protocol == "oauth2";
  if (oauth2) o->scopes = {};  // a plain OAuth 2.0 login has no standard scopes
  r.Str("issuer", &o->issuer, kMaxUrl);
  r.Str("authorization_endpoint", &o->authorization_endpoint, kMaxUrl);
  r.Str("token_endpoint", &o->token_endpoint, kMaxUrl);
  r.Str("jwks_uri", &o->jwks_uri, kMaxUrl);
  r.Str("client_id", &o->client_id, 256);
  r.Str("client_auth", &o->client_auth, 32);
  r.Strings("scopes", &o->scopes, 32, 128);
  r.Bool("pkce", &o->pkce);
  r.Bool("trust_upstream_mfa", &o->trust_upstream_mfa);
  ReadMapping(r, "claims", &o->claims);
  if (r.status().ok() && o->protocol != "oidc" && !oauth2) {
    r.Fail("protocol", "must be oidc or oauth2");
  }
  if (r.status().ok() && oauth2) {
    // No ID token: the endpoints are stated, the claims come from userinfo.
    r.Keep(CheckUpstreamUrl("oidc.issuer", o->issuer, false));
    r.Keep(CheckUpstreamUrl("oidc.authorization_endpoint", o->authorization_endpoint, true));
    r.Keep(CheckUpstreamUrl("oidc.token_endpoint", o->token_endpoint, true));
    r.Keep(CheckUpstreamUrl("oidc.userinfo_endpoint", o->userinfo_endpoint, true));
    if (!o->jwks_uri.empty()) r.Fail("jwks_uri", "an oauth2 login has no ID token to verify");
    if (o->trust_upstream_mfa) r.Fail("trust_upstream_mfa", "an oauth2 login says no amr");
    if (o->client_id.empty()) r.Fail("client_id", "required");
    if (o->client_auth != "client_secret_basic" && o->client_auth != "client_secret_post" &&
        o->client_auth != "private_key_jwt" && o->client_auth != "none") {
      r.Fail("client_auth",
             "must be client_secret_basic, client_secret_post, private_key_jwt or none");
    }
    for (const auto& s : o->scopes) {
      if (s.find_first_of(" \"\\") != std::string::npos) r.Fail("scopes", "a scope has no spaces");
    }
  } else if (r.status().ok()) {
    if (!o->userinfo_endpoint.empty()) {
      r.Fail("userinfo_endpoint", "only for protocol oauth2 (an OIDC login reads the ID token)");
    }
    r.Keep(CheckUpstreamUrl("oidc.issuer", o->issuer, true));
    const int explicit_endpoints = !o->authorization_endpoint.empty() +
                                   !o->token_endpoint.empty() + !o->jwks_uri.empty();
    if (explicit_endpoints != 0 && explicit_endpoints != 3) {
      r.Fail("authorization_endpoint",
             "give all three endpoints (authorization, token, jwks_uri) or none (discovery)");
    }
    r.Keep(CheckUpstreamUrl("oidc.authorization_endpoint", o->authorization_endpoint, false));
    r.Keep(CheckUpstreamUrl("oidc.token_endpoint", o->token_endpoint, false));
    r.Keep(CheckUpstreamUrl("oidc.jwks_uri", o->jwks_uri, false));
    if (o->client_id.empty()) r.Fail("client_id", "required");
    if (o->client_auth != "client_secret_basic" && o->client_auth != "client_secret_post" &&
        o->client_auth != "private_key_jwt" && o->client_auth != "none") {
      r.Fail("client_auth",
             "must be client_secret_basic, client_secret_post, private_key_jwt or none");
    }
    if (o->client_auth == "none" && !o->pkce) {
      r.Fail("pkce", "a public client (client_auth none) must use PKCE");
    }
    bool openid = false;
    for (const auto& s : o->scopes) {
      openid = openid || s == "openid";
      if (s.find_first_of(" \"\\") != std::string::npos) r.Fail("scopes", "a scope has no spaces");
    }
    if (!openid) r.Fail("scopes", "must include openid");
  }
  parent.Keep(r.status());
}

void ReadLdap(Reader& parent, LdapSettings* l) {
  const nlohmann::json* j = parent.Object("ldap");
  if (j == nullptr) return parent.Fail("ldap", "required for kind ldap");
  Reader r(*j, "ldap.",
           {"url", "start_tls", "ca_file", "bind_dn", "user_base", "user_filter",
            "disabled_filter", "group_base", "group_filter", "group_name_attribute", "timeout_ms",
            "sync_interval_seconds", "attributes"});
  r.Str("url", &l->url, kMaxUrl);
  r.Bool("start_tls", &l->start_tls);
  r.Str("ca_file", &l->ca_file, 1024);
  r.Str("bind_dn", &l->bind_dn, kMaxText);
  r.Str("user_base", &l->user_base, kMaxText);
  r.Str("user_filter", &l->user_filter, kMaxText);
  r.Str("disabled_filter", &l->disabled_filter, kMaxText);
  r.Str("group_base", &l->group_base, kMaxText);
  r.Str("group_filter", &l->group_filter, kMaxText);
  r.Str("group_name_attribute", &l->group_name_attribute, 64);
  r.Int("timeout_ms", &l->timeout_ms, 100, 60000);
  r.Int("sync_interval_seconds", &l->sync_interval_seconds, 0, 7 * 86400);
  ReadMapping(r, "attributes", &l->attributes);
  if (r.status().ok()) {
    const bool ldaps = absl::StartsWith(l->url, "ldaps://");
    const bool ldap = absl::StartsWith(l->url, "ldap://");
    const std::string host = HostOf(l->url);
    if ((!ldaps && !ldap) || host.empty() || l->url.find_first_of(" \"\\") != std::string::npos) {
      r.Fail("url", "must be ldaps://host[:port] or ldap://host[:port]");
    } else if (ldap && !l->start_tls && !LoopbackHost(host)) {
      r.Fail("start_tls", "an ldap:// directory must use StartTLS (plain only on a loopback host)");
    }
    if (l->user_base.empty()) r.Fail("user_base", "required");
    if (l->user_filter.find("{username}") == std::string::npos || l->user_filter.front() != '(') {
      r.Fail("user_filter", "must be a parenthesised filter with {username}");
    }
    if (!l->disabled_filter.empty() && l->disabled_filter.front() != '(') {
      r.Fail("disabled_filter", "must be a parenthesised filter");
    }
    if (!l->group_base.empty() && (l->group_filter.find("{dn}") == std::string::npos ||
                                   l->group_filter.front() != '(')) {
      r.Fail("group_filter", "must be a parenthesised filter with {dn}");
    }
    if (l->sync_interval_seconds != 0 && l->sync_interval_seconds < 60) {
      r.Fail("sync_interval_seconds", "must be 0 (no sync) or at least 60");
    }
  }
  parent.Keep(r.status());
}

}  // namespace

absl::Status CheckAlias(absl::string_view field, absl::string_view alias) {
  bool ok = alias.size() >= 2 && alias.size() <= 32 && alias.front() != '-' && alias.back() != '-';
  for (char c : alias) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-');
  }
  return ok ? absl::OkStatus()
            : absl::InvalidArgumentError(absl::StrCat(
                  field, ": 2 to 32 of [a-z0-9-], not starting or ending with '-'"));
}

absl::StatusOr<IdentityProvider> IdentityProvider::FromJson(const nlohmann::json& j) {
  IdentityProvider p;
  Reader r(j, "",
           {"alias", "kind", "display_name", "enabled", "provisioning", "link",
            "allowed_email_domains", "group_map", "oidc", "ldap"});
  r.Str("alias", &p.alias, 32);
  r.Str("kind", &p.kind, 8);
  r.Str("display_name", &p.display_name, 64);
  r.Bool("enabled", &p.enabled);
  r.Str("provisioning", &p.provisioning, 16);
  r.Str("link", &p.link, 16);
  r.Strings("allowed_email_domains", &p.allowed_email_domains, 100, 253);
  r.Map("group_map", &p.group_map, 200);
  if (!r.status().ok()) return r.status();
  if (absl::Status s = CheckAlias("alias", p.alias); !s.ok()) return s;
  if (p.kind == "oidc") {
    ReadOidc(r, &p.oidc);
    if (j.contains("ldap")) r.Fail("ldap", "only for kind ldap");
  } else if (p.kind == "ldap") {
    ReadLdap(r, &p.ldap);
    if (j.contains("oidc")) r.Fail("oidc", "only for kind oidc");
  } else {
    r.Fail("kind", "must be oidc or ldap");
  }
  if (p.display_name.empty()) p.display_name = p.alias;
  if (p.provisioning != "jit" && p.provisioning != "existing") {
    r.Fail("provisioning", "must be jit or existing");
  }
  if (p.link != "none" && p.link != "verified_email" && p.link != "username") {
    r.Fail("link", "must be none, verified_email or username");
  }
  for (auto& d : p.allowed_email_domains) {
    d = text::AsciiLower(d);
    r.Keep(CheckDomain("allowed_email_domains", d));
  }
  if (!r.status().ok()) return r.status();
  return p;
}

nlohmann::json IdentityProvider::ToJson() const {
  nlohmann::json j = {{"alias", alias},
                      {"kind", kind},
                      {"display_name", display_name},
                      {"enabled", enabled},
                      {"provisioning", provisioning},
                      {"link", link},
                      {"allowed_email_domains", allowed_email_domains},
                      // An empty map is still an object in the document.
                      {"group_map", group_map.empty() ? nlohmann::json::object()
                                                      : nlohmann::json(group_map)}};
  if (kind == "oidc") {
    j["oidc"] = {{"protocol", oidc.protocol},
                 {"userinfo_endpoint", oidc.userinfo_endpoint},
                 {"issuer", oidc.issuer},
                 {"authorization_endpoint", oidc.authorization_endpoint},
                 {"token_endpoint", oidc.token_endpoint},
                 {"jwks_uri", oidc.jwks_uri},
                 {"client_id", oidc.client_id},
                 {"client_auth", oidc.client_auth},
                 {"scopes", oidc.scopes},
                 {"pkce", oidc.pkce},
                 {"trust_upstream_mfa", oidc.trust_upstream_mfa},
                 {"claims", MappingJson(oidc.claims)}};
  } else {
    j["ldap"] = {{"url", ldap.url},
                 {"start_tls", ldap.start_tls},
                 {"ca_file", ldap.ca_file},
                 {"bind_dn", ldap.bind_dn},
                 {"user_base", ldap.user_base},
                 {"user_filter", ldap.user_filter},
                 {"disabled_filter", ldap.disabled_filter},
                 {"group_base", ldap.group_base},
                 {"group_filter", ldap.group_filter},
                 {"group_name_attribute", ldap.group_name_attribute},
                 {"timeout_ms", ldap.timeout_ms},
                 {"sync_interval_seconds", ldap.sync_interval_seconds},
                 {"attributes", MappingJson(ldap.attributes)}};
  }
  return j;
}

bool IdentityProvider::EmailAllowed(absl::string_view email) const {
  if (allowed_email_domains.empty()) return true;
  const size_t at = email.rfind('@');
  if (at == absl::string_view::npos) return false;
  const std::string domain = text::AsciiLower(email.substr(at + 1));
  for (const auto& d : allowed_email_domains) {
    if (domain == d) return true;
  }
  return false;
}

}  // namespace iam::federation
