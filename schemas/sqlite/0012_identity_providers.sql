-- Upstream identity providers of an account (OpenID Connect providers and
-- LDAP directories), the links between their users and users here, and
-- the browser logins on their way through an upstream provider.
CREATE TABLE identity_providers (
  account_id     TEXT NOT NULL,
  alias          TEXT NOT NULL,
  kind           TEXT NOT NULL,
  config         TEXT NOT NULL,
  sealed_secret  TEXT NOT NULL,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL,
  PRIMARY KEY (account_id, alias)
);

-- One upstream user (by the provider's stable subject) is one user here,
-- and a user here has at most one identity at each provider.
CREATE TABLE federated_identities (
  account_id     TEXT NOT NULL,
  provider       TEXT NOT NULL,
  subject        TEXT NOT NULL,
  user_id        TEXT NOT NULL,
  created_at     INTEGER NOT NULL,
  last_login_at  INTEGER NOT NULL,
  PRIMARY KEY (account_id, provider, subject),
  UNIQUE (user_id, provider)
);

-- A browser sent to an upstream provider: what its answer must match
-- (state, nonce, PKCE verifier, the browser), used once.
CREATE TABLE upstream_logins (
  state_hash     TEXT PRIMARY KEY,
  account_id     TEXT NOT NULL,
  provider       TEXT NOT NULL,
  request_id     TEXT NOT NULL,
  browser_hash   TEXT NOT NULL,
  nonce          TEXT NOT NULL,
  code_verifier  TEXT NOT NULL,
  created_at     INTEGER NOT NULL,
  expires_at     INTEGER NOT NULL
);
CREATE INDEX upstream_logins_expiry ON upstream_logins (expires_at);

-- What a login proved before its second factor ("pwd", or "fed" through
-- an upstream provider), so the session's amr says it.
ALTER TABLE mfa_tickets ADD COLUMN first_factor TEXT NOT NULL DEFAULT 'pwd';
