// IdentityProvider: an account's upstream identity provider, as an
// administrator configures it. Two kinds:
//
//   oidc  an OpenID Connect provider (Entra ID, Okta, Keycloak, or an
//         OAuth 2.0 login that issues ID tokens): the login page offers a
//         button, the browser goes through the provider's code flow, and
//         its verified ID token names the user here;
//   ldap  an LDAP directory (OpenLDAP, Active Directory): the login page's
//         password is checked by binding to the directory as the user.
//
// Either way the account's own rules still apply after the upstream has
// spoken (IP allowlists, device rules, the second factor, session limits,
// audit): the upstream proves who the user is, nothing more.
//
// The settings are a JSON document (the API's `config`); missing fields
// take the defaults below, unknown ones are refused. The provider's secret
// (a client secret, a bind password) is never part of it: it is given
// apart, sealed under the master key, and never shown again.
#ifndef IAM_FEDERATION_IDENTITY_PROVIDER_H_
#define IAM_FEDERATION_IDENTITY_PROVIDER_H_

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace iam::federation {

// The most groups taken from an upstream (ID token claim, userinfo or
// directory) for one login: the group map reads no more.
inline constexpr size_t kMaxUpstreamGroups = 200;

// Which upstream claim (oidc) or attribute (ldap) fills each user field.
// An empty name leaves the field alone.
struct Mapping {
  std::string subject;  // the stable identifier of the upstream user
  std::string username;
  std::string email;
  std::string phone;
  std::string display_name;
  std::string groups;
};

struct OidcSettings {
  // "oidc": an OpenID Connect provider, whose ID token says who the user
  // is. "oauth2": a plain OAuth 2.0 login (the style of WeCom, DingTalk or
  // GitHub): no ID token, the user's claims are read from
  // `userinfo_endpoint` with the access token the code was exchanged for;
  // the three endpoints are then given explicitly and there is no nonce.
  std::string protocol = "oidc";
  // Discovery at <issuer>/.well-known/openid-configuration, or the three
  // endpoints given explicitly (then the issuer is still what the ID
  // token's iss must be).
  std::string issuer;
  std::string authorization_endpoint;
  std::string token_endpoint;
  std::string jwks_uri;
  std::string userinfo_endpoint;  // oauth2 only
  std::string client_id;
  // client_secret_basic, client_secret_post, private_key_jwt (RFC 7523:
  // an assertion signed with this service's token signing key, which the
  // provider reads from this service's JWKS; no secret), or none (a
  // public client, PKCE only).
  std::string client_auth = "client_secret_basic";
  std::vector<std::string> scopes = {"openid", "profile", "email"};
  bool pkce = true;
  // The upstream's amr (mfa, otp, hwk, swk...) counts as this account's
  // second factor.
  bool trust_upstream_mfa = false;
  Mapping claims{"sub", "preferred_username", "email", "phone_number", "name", "groups"};
};

struct LdapSettings {
  std::string url;  // ldap://host:port or ldaps://host:port
  bool start_tls = true;  // for ldap://: StartTLS before anything is sent
  std::string ca_file;    // trust anchors for the directory's certificate
  std::string bind_dn;    // the service's own bind (its password is the secret)
  std::string user_base;
  // Who may log in: "{username}" is replaced by the escaped name typed.
  std::string user_filter = "(&(objectClass=inetOrgPerson)(uid={username}))";
  // Users that match this as well cannot log in (a disabled directory user).
  std::string disabled_filter;
  std::string group_base;
  // "{dn}" is replaced by the escaped DN of the user.
  std::string group_filter = "(&(objectClass=groupOfNames)(member={dn}))";
  std::string group_name_attribute = "cn";
  int timeout_ms = 5000;
  int sync_interval_seconds = 0;  // 0: no periodic sync
  Mapping attributes{"entryUUID", "uid", "mail", "telephoneNumber", "cn", ""};
};

struct IdentityProvider {
  std::string alias;  // [a-z0-9-], 2..32: in URLs and audit records
  std::string kind;   // "oidc" or "ldap"
  std::string display_name;  // the login button's words
  bool enabled = true;
  // "jit": a first login creates the user; "existing": only users that
  // exist already (linked before, or by the link rule) get in.
  std::string provisioning = "jit";
  // How a first login finds an existing user here: "none" (never: a new
  // user, or refused when the name is taken), "verified_email" (the
  // upstream says the email is verified, and it is one of the allowed
  // domains), "username" (the upstream's username is this service's).
  std::string link = "none";
  // Logins whose email is outside these domains are refused (empty: any).
  std::vector<std::string> allowed_email_domains;
  // Upstream group -> group here. At each login the user's membership in
  // these groups here is set to what the upstream says; other groups are
  // left alone.
  std::map<std::string, std::string> group_map;
  OidcSettings oidc;
  LdapSettings ldap;

  // Everything, as the API shows it (no secret is ever part of it).
  nlohmann::json ToJson() const;
  // INVALID_ARGUMENT naming the field (oidc.token_endpoint...).
  static absl::StatusOr<IdentityProvider> FromJson(const nlohmann::json& j);

  // Whether `email` may log in by the domain rule.
  bool EmailAllowed(absl::string_view email) const;
};

// An upstream's URL: absolute https without a fragment, or http to a
// loopback host (a provider on the same machine). INVALID_ARGUMENT naming
// `field`; an empty URL is refused only when `required`.
absl::Status CheckUpstreamUrl(const std::string& field, const std::string& url, bool required);

// [a-z0-9-], 2..32 characters, not starting or ending with '-'.
absl::Status CheckAlias(absl::string_view field, absl::string_view alias);

}  // namespace iam::federation

#endif  // IAM_FEDERATION_IDENTITY_PROVIDER_H_
