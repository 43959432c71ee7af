#include "iam/federation/ldap_directory.h"

#include <ldap.h>
#include <sys/time.h>

#include <algorithm>
#include <sys/time.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/match.h"
#include "iam/common/crypto.h"
#include "iam/common/status_macros.h"
#include "iam/common/text.h"

namespace iam::federation {
namespace {


bool Unavailable(int rc) {
  return rc == LDAP_SERVER_DOWN || rc == LDAP_TIMEOUT || rc == LDAP_CONNECT_ERROR ||
         rc == LDAP_UNAVAILABLE || rc == LDAP_BUSY || rc == LDAP_TIMELIMIT_EXCEEDED ||
         rc == LDAP_OTHER || rc == LDAP_LOCAL_ERROR;
}

absl::Status DirectoryError(const char* what, int rc) {
  const std::string message = absl::StrCat("directory: ", what, ": ", ldap_err2string(rc));
  if (Unavailable(rc)) return absl::UnavailableError(message);
  return absl::InternalError(message);
}

timeval Timeval(int ms) { return timeval{ms / 1000, (ms % 1000) * 1000}; }

// An attribute's value as text; binary values (Active Directory's
// objectGUID) as hex.
std::string AsText(const berval* v) {
  std::string s(v->bv_val, v->bv_len);
  bool printable = text::IsValidUtf8(s);
  for (unsigned char c : s) printable = printable && c >= 0x20;
  return printable ? s : crypto::Hex(s);
}

}  // namespace

struct LdapDirectory::Connection {
  LDAP* ld = nullptr;
  ~Connection() {
    if (ld != nullptr) ldap_unbind_ext_s(ld, nullptr, nullptr);
  }

  int Bind(const std::string& dn, const std::string& password) {
    berval cred{static_cast<ber_len_t>(password.size()), const_cast<char*>(password.data())};
    return ldap_sasl_bind_s(ld, dn.c_str(), LDAP_SASL_SIMPLE, &cred, nullptr, nullptr, nullptr);
  }

  struct Entry {
    std::string dn;
    std::map<std::string, std::vector<std::string>> values;  // by lower-case attribute name
  };

  // At most `limit` entries; the LDAP result code.
  int Search(const std::string& base, int scope, const std::string& filter,
             const std::vector<std::string>& attributes, int limit, int timeout_ms,
             std::vector<Entry>* out) {
    std::vector<char*> attrs;
    for (const auto& a : attributes) attrs.push_back(const_cast<char*>(a.c_str()));
    attrs.push_back(nullptr);
    timeval tv = Timeval(timeout_ms);
    LDAPMessage* res = nullptr;
    int rc = ldap_search_ext_s(ld, base.c_str(), scope, filter.c_str(), attrs.data(), 0, nullptr,
                               nullptr, &tv, limit, &res);
    if (res != nullptr) {
      for (LDAPMessage* e = ldap_first_entry(ld, res); e != nullptr; e = ldap_next_entry(ld, e)) {
        Entry entry;
        if (char* dn = ldap_get_dn(ld, e)) {
          entry.dn = dn;
          ldap_memfree(dn);
        }
        for (const auto& a : attributes) {
          berval** vals = ldap_get_values_len(ld, e, a.c_str());
          if (vals == nullptr) continue;
          for (int i = 0; vals[i] != nullptr; ++i) {
            entry.values[absl::AsciiStrToLower(a)].push_back(AsText(vals[i]));
          }
          ldap_value_free_len(vals);
        }
        out->push_back(std::move(entry));
      }
      ldap_msgfree(res);
    }
    return rc;
  }
};

std::string EscapeFilterValue(const std::string& value) {
  std::string out;
  for (unsigned char c : value) {
    if (c == '*' || c == '(' || c == ')' || c == '\\' || c == 0) {
      absl::StrAppend(&out, "\\", absl::string_view(crypto::Hex(std::string(1, c))));
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

LdapDirectory::LdapDirectory(size_t max_idle_per_directory) : max_idle_(max_idle_per_directory) {}

LdapDirectory::~LdapDirectory() = default;

std::string LdapDirectory::PoolKey(const LdapSettings& s, const std::string& bind_password) {
  return absl::StrCat(s.url, "\n", s.start_tls, "\n", s.ca_file, "\n", s.bind_dn, "\n",
                      s.timeout_ms, "\n", crypto::Hex(crypto::Sha256(bind_password)));
}

uint64_t LdapDirectory::connects() const {
  std::lock_guard<std::mutex> lock(mu_);
  return connects_;
}

absl::StatusOr<std::unique_ptr<LdapDirectory::Connection>> LdapDirectory::Acquire(
    const LdapSettings& s, const std::string& bind_password) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = idle_.find(PoolKey(s, bind_password));
    if (it != idle_.end() && !it->second.empty()) {
      auto c = std::move(it->second.back());
      it->second.pop_back();
      return c;
    }
    ++connects_;
  }
  auto c = std::make_unique<Connection>();
  int rc = ldap_initialize(&c->ld, s.url.c_str());
  if (rc != LDAP_SUCCESS) return DirectoryError("the URL", rc);
  const int version = LDAP_VERSION3;
  ldap_set_option(c->ld, LDAP_OPT_PROTOCOL_VERSION, &version);
  const timeval tv = Timeval(s.timeout_ms);
  ldap_set_option(c->ld, LDAP_OPT_NETWORK_TIMEOUT, &tv);
  ldap_set_option(c->ld, LDAP_OPT_TIMEOUT, &tv);
  ldap_set_option(c->ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
  // The directory's certificate is checked, against the provider's CA.
  const int demand = LDAP_OPT_X_TLS_DEMAND;
  ldap_set_option(c->ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &demand);
  if (!s.ca_file.empty()) ldap_set_option(c->ld, LDAP_OPT_X_TLS_CACERTFILE, s.ca_file.c_str());
  const int server_ctx = 0;
  ldap_set_option(c->ld, LDAP_OPT_X_TLS_NEWCTX, &server_ctx);
  if (absl::StartsWith(s.url, "ldap://") && s.start_tls) {
    rc = ldap_start_tls_s(c->ld, nullptr, nullptr);
    if (rc != LDAP_SUCCESS) return absl::UnavailableError(absl::StrCat("directory: StartTLS: ", ldap_err2string(rc)));
  }
  rc = s.bind_dn.empty() ? LDAP_SUCCESS : c->Bind(s.bind_dn, bind_password);
  if (rc == LDAP_INVALID_CREDENTIALS) {
    return absl::FailedPreconditionError("directory: the service bind (ldap.bind_dn) was refused");
  }
  if (rc != LDAP_SUCCESS) return DirectoryError("the service bind", rc);
  return c;
}

void LdapDirectory::Release(const LdapSettings& s, const std::string& bind_password,
                            std::unique_ptr<Connection> c) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& pool = idle_[PoolKey(s, bind_password)];
  if (pool.size() < max_idle_) pool.push_back(std::move(c));
}

absl::StatusOr<DirectoryUser> LdapDirectory::Authenticate(const LdapSettings& s,
                                                          const std::string& bind_password,
                                                          const std::string& username,
                                                          const std::string& password) {
  if (password.empty()) return absl::PermissionDeniedError("directory: wrong password");
  if (username.empty() || username.size() > 256 || !text::IsValidUtf8(username)) {
    return absl::NotFoundError("directory: no such user");
  }
  auto acquired = Acquire(s, bind_password);
  // A pooled connection the directory closed since: once more, afresh.
  std::unique_ptr<Connection> c;
  if (!acquired.ok()) return acquired.status();
  c = *std::move(acquired);
  const Mapping& m = s.attributes;
  std::vector<std::string> attrs;
  for (const std::string* a : {&m.subject, &m.username, &m.email, &m.phone, &m.display_name}) {
    if (!a->empty()) attrs.push_back(*a);
  }
  const std::string filter =
      absl::StrReplaceAll(s.user_filter, {{"{username}", EscapeFilterValue(username)}});
  std::vector<Connection::Entry> found;
  int rc = c->Search(s.user_base, LDAP_SCOPE_SUBTREE, filter, attrs, 2, s.timeout_ms, &found);
  if (rc == LDAP_SERVER_DOWN) {
    // The pooled connection had gone stale: one new one.
    auto fresh = Acquire(s, bind_password);
    if (!fresh.ok()) return fresh.status();
    c = *std::move(fresh);
    found.clear();
    rc = c->Search(s.user_base, LDAP_SCOPE_SUBTREE, filter, attrs, 2, s.timeout_ms, &found);
  }
  if (rc != LDAP_SUCCESS && rc != LDAP_SIZELIMIT_EXCEEDED) return DirectoryError("the user search", rc);
  if (found.size() != 1) {
    Release(s, bind_password, std::move(c));
    return absl::NotFoundError(found.empty() ? "directory: no user within the search filter"
                                             : "directory: more than one user matches");
  }
  const Connection::Entry& e = found[0];
  auto first = [&](const std::string& attr) -> std::string {
    auto it = e.values.find(absl::AsciiStrToLower(attr));
    return attr.empty() || it == e.values.end() || it->second.empty() ? "" : it->second[0];
  };
  DirectoryUser out{e.dn, first(m.subject), first(m.username), first(m.email), first(m.phone),
                    first(m.display_name), {}};
  if (out.subject.empty()) out.subject = e.dn;
  if (!s.disabled_filter.empty()) {
    std::vector<Connection::Entry> disabled;
    rc = c->Search(e.dn, LDAP_SCOPE_BASE, s.disabled_filter, {"1.1"}, 1, s.timeout_ms, &disabled);
    if (rc != LDAP_SUCCESS && rc != LDAP_NO_SUCH_OBJECT) return DirectoryError("the disabled check", rc);
    if (!disabled.empty()) {
      Release(s, bind_password, std::move(c));
      return absl::PermissionDeniedError("directory: the user is disabled");
    }
  }
  // The groups, read with the service's bind before binding as the user.
  if (!s.group_base.empty()) {
    const std::string group_filter =
        absl::StrReplaceAll(s.group_filter, {{"{dn}", EscapeFilterValue(e.dn)}});
    std::vector<Connection::Entry> groups;
    rc = c->Search(s.group_base, LDAP_SCOPE_SUBTREE, group_filter, {s.group_name_attribute},
                   static_cast<int>(kMaxUpstreamGroups), s.timeout_ms, &groups);
    if (rc != LDAP_SUCCESS && rc != LDAP_SIZELIMIT_EXCEEDED) return DirectoryError("the group search", rc);
    for (const auto& g : groups) {
      auto it = g.values.find(absl::AsciiStrToLower(s.group_name_attribute));
      if (it != g.values.end() && !it->second.empty()) out.groups.push_back(it->second[0]);
    }
    std::sort(out.groups.begin(), out.groups.end());
  }
  rc = c->Bind(e.dn, password);
  if (rc == LDAP_INVALID_CREDENTIALS) {
    // Bound as nobody now: the service binds again before the pool has it.
    if (s.bind_dn.empty() || c->Bind(s.bind_dn, bind_password) == LDAP_SUCCESS) {
      Release(s, bind_password, std::move(c));
    }
    return absl::PermissionDeniedError("directory: wrong password");
  }
  if (rc != LDAP_SUCCESS) return DirectoryError("the user's bind", rc);
  if (s.bind_dn.empty() || c->Bind(s.bind_dn, bind_password) == LDAP_SUCCESS) {
    Release(s, bind_password, std::move(c));
  }
  return out;
}

absl::StatusOr<LdapDirectory::Snapshot> LdapDirectory::Users(const LdapSettings& s,
                                                              const std::string& bind_password,
                                                              int max_users) {
  ASSIGN_OR_RETURN(std::unique_ptr<Connection> c, Acquire(s, bind_password));
  const Mapping& m = s.attributes;
  std::vector<std::string> attrs;
  for (const std::string* a : {&m.subject, &m.username, &m.email, &m.phone, &m.display_name}) {
    if (!a->empty()) attrs.push_back(*a);
  }
  // Every name the filter admits: its {username} as the wildcard.
  const std::string all = absl::StrReplaceAll(s.user_filter, {{"{username}", "*"}});
  std::vector<Connection::Entry> found;
  int rc = c->Search(s.user_base, LDAP_SCOPE_SUBTREE, all, attrs, max_users, s.timeout_ms, &found);
  if (rc == LDAP_SIZELIMIT_EXCEEDED) {
    return absl::ResourceExhaustedError(
        absl::StrCat("directory: more than ", max_users, " users match the filter"));
  }
  if (rc != LDAP_SUCCESS) return DirectoryError("the user listing", rc);
  Snapshot out;
  auto first = [](const Connection::Entry& e, const std::string& attr) -> std::string {
    auto it = e.values.find(absl::AsciiStrToLower(attr));
    return attr.empty() || it == e.values.end() || it->second.empty() ? "" : it->second[0];
  };
  for (const auto& e : found) {
    DirectoryUser u{e.dn, first(e, m.subject), first(e, m.username), first(e, m.email),
                    first(e, m.phone), first(e, m.display_name), {}};
    if (u.subject.empty()) u.subject = e.dn;
    out.users[u.subject] = std::move(u);
  }
  if (!s.disabled_filter.empty()) {
    std::vector<Connection::Entry> disabled;
    rc = c->Search(s.user_base, LDAP_SCOPE_SUBTREE,
                   absl::StrCat("(&", all, s.disabled_filter, ")"),
                   m.subject.empty() ? std::vector<std::string>{"1.1"}
                                     : std::vector<std::string>{m.subject},
                   max_users, s.timeout_ms, &disabled);
    if (rc != LDAP_SUCCESS && rc != LDAP_SIZELIMIT_EXCEEDED) return DirectoryError("the disabled listing", rc);
    for (const auto& e : disabled) {
      const std::string subject = first(e, m.subject);
      out.disabled.push_back(subject.empty() ? e.dn : subject);
    }
  }
  Release(s, bind_password, std::move(c));
  return out;
}

absl::StatusOr<std::vector<std::string>> LdapDirectory::GroupsOf(const LdapSettings& s,
                                                                 const std::string& bind_password,
                                                                 const std::string& dn) {
  std::vector<std::string> out;
  if (s.group_base.empty()) return out;
  ASSIGN_OR_RETURN(std::unique_ptr<Connection> c, Acquire(s, bind_password));
  std::vector<Connection::Entry> groups;
  const std::string filter = absl::StrReplaceAll(s.group_filter, {{"{dn}", EscapeFilterValue(dn)}});
  const int rc = c->Search(s.group_base, LDAP_SCOPE_SUBTREE, filter, {s.group_name_attribute},
                           static_cast<int>(kMaxUpstreamGroups), s.timeout_ms, &groups);
  if (rc != LDAP_SUCCESS && rc != LDAP_SIZELIMIT_EXCEEDED) return DirectoryError("the group search", rc);
  for (const auto& g : groups) {
    auto it = g.values.find(absl::AsciiStrToLower(s.group_name_attribute));
    if (it != g.values.end() && !it->second.empty()) out.push_back(it->second[0]);
  }
  std::sort(out.begin(), out.end());
  Release(s, bind_password, std::move(c));
  return out;
}

absl::Status LdapDirectory::Probe(const LdapSettings& s, const std::string& bind_password,
                                  const std::string& username, const std::string& password,
                                  std::vector<std::string>* findings) {
  auto c = Acquire(s, bind_password);
  if (!c.ok()) {
    findings->push_back(std::string(c.status().message()));
    return c.status();
  }
  findings->push_back(absl::StrCat(
      "connection: ", s.url,
      absl::StartsWith(s.url, "ldaps://") ? " (TLS, certificate checked)"
      : s.start_tls                       ? " (StartTLS, certificate checked)"
                                          : " (no TLS: loopback only)"));
  findings->push_back(s.bind_dn.empty() ? "bind: anonymous"
                                        : absl::StrCat("bind: ", s.bind_dn, ": ok"));
  Release(s, bind_password, *std::move(c));
  if (username.empty()) return absl::OkStatus();
  if (password.empty()) {
    // A lookup only: the search and the filters, no user bind.
    LdapSettings lookup = s;
    auto conn = Acquire(lookup, bind_password);
    if (!conn.ok()) return conn.status();
    std::vector<Connection::Entry> found;
    const std::string filter =
        absl::StrReplaceAll(s.user_filter, {{"{username}", EscapeFilterValue(username)}});
    int rc = (*conn)->Search(s.user_base, LDAP_SCOPE_SUBTREE, filter, {"1.1"}, 2, s.timeout_ms, &found);
    Release(s, bind_password, *std::move(conn));
    if (rc != LDAP_SUCCESS && rc != LDAP_SIZELIMIT_EXCEEDED) {
      findings->push_back(std::string(DirectoryError("the user search", rc).message()));
      return absl::UnavailableError("search");
    }
    if (found.size() != 1) {
      findings->push_back(absl::StrCat("user: ", found.size(), " entries match ", filter));
      return absl::NotFoundError("user");
    }
    findings->push_back(absl::StrCat("user: ", found[0].dn));
    return absl::OkStatus();
  }
  auto user = Authenticate(s, bind_password, username, password);
  if (!user.ok()) {
    findings->push_back(std::string(user.status().message()));
    return user.status();
  }
  findings->push_back(absl::StrCat("user: ", user->dn, " (bound)"));
  findings->push_back(absl::StrCat("subject: ", user->subject));
  std::string groups;
  for (const auto& g : user->groups) absl::StrAppend(&groups, groups.empty() ? "" : ", ", g);
  findings->push_back(absl::StrCat("groups: ", groups.empty() ? "-" : groups));
  return absl::OkStatus();
}

}  // namespace iam::federation
