#include "iam/server/domain.h"

namespace iam::server {

Domain::Domain(const Foundation& on, DomainSettings s)
    : settings(std::move(s)),
      mutations(on.db, on.authorizer, on.audit, on.credentials, &on.authz_cache),
      users(on.db, on.clock, on.random, on.pii, mutations),
      keys(on.db, on.clock, on.random, mutations, settings.account, on.credentials, on.outage,
           &on.pii),
      accounts(on.db, on.clock, on.random, mutations, settings.account, users, keys),
      groups(on.db, on.clock, on.random, mutations, users),
      roles(on.db, on.clock, on.random, mutations),
      audit_records(on.db, mutations),
      policies(on.db, on.clock, on.random, mutations, settings.account.policy_max_bytes),
      resources(on.db, on.clock, mutations, settings.account.resource_policy_max_bytes),
      exporter(on.db, on.clock, mutations, &on.authz_cache),
      access_reports(on.db, on.clock, mutations, &on.authz_cache, on.access_activity),
      sessions(on.db, on.clock, on.random, on.audit, mutations, &on.tokens),
      mfa(on.db, on.clock, on.random, on.pii, on.audit, mutations, settings.mfa_issuer),
      devices(on.db, on.clock, on.random, on.audit, mutations),
      passwords(on.db, on.clock, on.pii, on.audit, mutations, on.hasher, on.blocklist, sessions),
      opener(on.clock, on.audit, sessions, &devices),
      login(auth::LoginCollaborators{on.db, on.clock, on.random, on.pii, on.audit, on.hasher,
                                     on.blocklist, settings.throttle, on.challenge, &devices,
                                     opener, passwords, on.login_outcomes}),
      mfa_login(on.db, on.clock, on.audit, mfa, sessions, opener, on.login_outcomes),
      auth_admin(on.db, on.clock, on.audit, mutations, settings.throttle),
      clients(on.db, on.clock, on.random, mutations),
      client_auth(on.db, on.clock, on.client_key_sets),
      token_endpoint(client_auth, on.tokens, on.db, on.audit, on.clock, on.random,
                     on.decisions),
      authorization(on.db, on.clock, on.random, client_auth, on.tokens),
      device_authorization(on.db, on.clock, on.random),
      device_login(on.db, on.clock, on.audit, device_authorization, opener),
      idps(on.db, on.clock, on.pii, mutations),
      federated_login(on.db, on.clock, on.random, on.pii, on.audit, mutations, users, idps,
                      on.oidc_upstream) {
  token_endpoint.SetDeviceAuthorization(&device_authorization);
  login.SetDirectory(&federated_login);
  // A change to any client, here or on another replica, bumps the
  // authorization version: cached clients are read again.
  on.authz_cache.OnChange([this] { client_auth.Clear(); });
}

}  // namespace iam::server
