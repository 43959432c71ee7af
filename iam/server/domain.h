// Domain: every domain service of a running iamd, built once, each with
// exactly the collaborators it uses. This is where the server is wired:
// IamServer builds what the domain stands on (the store, the keys, the
// caches, the hasher) and hands it here; the gRPC services borrow the
// domain services from here. The members are built in the order they are
// declared, each after everything it borrows.
#ifndef IAM_SERVER_DOMAIN_H_
#define IAM_SERVER_DOMAIN_H_

#include <memory>
#include <string>

#include "iam/account/access_key_service.h"
#include "iam/account/account_service.h"
#include "iam/account/audit_service.h"
#include "iam/account/group_service.h"
#include "iam/account/mutation.h"
#include "iam/account/role_service.h"
#include "iam/account/user_service.h"
#include "iam/auth/auth_admin_service.h"
#include "iam/common/counter_family.h"
#include "iam/auth/login_service.h"
#include "iam/auth/device_login.h"
#include "iam/auth/mfa_login_service.h"
#include "iam/auth/password_service.h"
#include "iam/auth/session_opener.h"
#include "iam/authz/access_report.h"
#include "iam/authz/authz_cache.h"
#include "iam/authz/permissions_export.h"
#include "iam/authz/policy_admin_service.h"
#include "iam/authz/resource_admin_service.h"
#include "iam/federation/federated_login.h"
#include "iam/federation/idp_service.h"
#include "iam/federation/oidc_upstream.h"
#include "iam/mfa/device_service.h"
#include "iam/mfa/mfa_service.h"
#include "iam/oauth/authorization_service.h"
#include "iam/oauth/client_auth.h"
#include "iam/oauth/client_service.h"
#include "iam/oauth/device_authorization.h"
#include "iam/oauth/token_endpoint.h"
#include "iam/session/session_service.h"
#include "iam/token/token_service.h"

namespace iam::server {

// What the domain stands on. Borrowed: the owner keeps it alive longer
// than the domain.
struct Foundation {
  store::Database& db;
  const Clock& clock;
  Random& random;
  const account::PiiCipher& pii;
  const audit::AuditLog& audit;
  const account::Authorizer& authorizer;
  authz::AuthzCache& authz_cache;
  account::CredentialCache* credentials;  // may be null: no cache
  StoreOutage* outage;                    // may be null: no stale answers
  token::TokenService& tokens;
  auth::PasswordHasher& hasher;
  std::shared_ptr<const auth::PasswordBlocklist> blocklist;
  const auth::ChallengeVerifier* challenge;  // may be null: no challenges
  audit::DecisionLog* decisions;             // may be null: grants unrecorded
  authz::AccessActivity* access_activity;    // may be null: last uses unrecorded
  oauth::RemoteKeySets* client_key_sets;     // may be null: jwks_uri not fetched
  federation::OidcUpstream* oidc_upstream;   // may be null: no upstream OIDC logins
  CounterFamily* login_outcomes;             // may be null: logins not counted
};

// The settings the domain services read.
struct DomainSettings {
  account::AccountSettings account;
  auth::ThrottlePolicy throttle;
  std::string mfa_issuer;
};

class Domain {
 public:
  Domain(const Foundation& on, DomainSettings settings);
  Domain(const Domain&) = delete;
  Domain& operator=(const Domain&) = delete;

  const DomainSettings settings;
  const account::Mutations mutations;
  account::UserService users;
  account::AccessKeyService keys;
  account::AccountService accounts;
  account::GroupService groups;
  account::RoleService roles;
  account::AuditService audit_records;
  authz::PolicyAdminService policies;
  authz::ResourceAdminService resources;
  authz::PermissionsExporter exporter;
  authz::AccessReports access_reports;
  session::SessionService sessions;
  mfa::MfaService mfa;
  mfa::DeviceService devices;
  auth::PasswordService passwords;
  auth::SessionOpener opener;
  auth::LoginService login;
  auth::MfaLoginService mfa_login;
  auth::AuthAdminService auth_admin;
  oauth::ClientService clients;
  oauth::ClientAuthenticator client_auth;
  oauth::TokenEndpoint token_endpoint;
  oauth::AuthorizationService authorization;
  oauth::DeviceAuthorization device_authorization;
  auth::DeviceLogin device_login;
  federation::IdpService idps;
  federation::FederatedLogin federated_login;
};

}  // namespace iam::server

#endif  // IAM_SERVER_DOMAIN_H_
