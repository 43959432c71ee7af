-- Upstream identity providers of an account (OpenID Connect providers and
-- LDAP directories), the links between their users and users here, and
-- the browser logins on their way through an upstream provider. Every
-- statement can be run again.
CREATE TABLE IF NOT EXISTS identity_providers (
  account_id     VARCHAR(32) NOT NULL,
  alias          VARCHAR(32) NOT NULL,
  kind           VARCHAR(8) NOT NULL,
  config         MEDIUMTEXT NOT NULL,
  sealed_secret  TEXT NOT NULL,
  created_at     BIGINT NOT NULL,
  updated_at     BIGINT NOT NULL,
  PRIMARY KEY (account_id, alias)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One upstream user (by the provider's stable subject) is one user here,
-- and a user here has at most one identity at each provider.
CREATE TABLE IF NOT EXISTS federated_identities (
  account_id     VARCHAR(32) NOT NULL,
  provider       VARCHAR(32) NOT NULL,
  subject        VARCHAR(255) NOT NULL,
  user_id        VARCHAR(32) NOT NULL,
  created_at     BIGINT NOT NULL,
  last_login_at  BIGINT NOT NULL,
  PRIMARY KEY (account_id, provider, subject),
  UNIQUE KEY federated_user_provider (user_id, provider)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A browser sent to an upstream provider: what its answer must match
-- (state, nonce, PKCE verifier, the browser), used once.
CREATE TABLE IF NOT EXISTS upstream_logins (
  state_hash     VARCHAR(64) NOT NULL PRIMARY KEY,
  account_id     VARCHAR(32) NOT NULL,
  provider       VARCHAR(32) NOT NULL,
  request_id     VARCHAR(64) NOT NULL,
  browser_hash   VARCHAR(64) NOT NULL,
  nonce          VARCHAR(128) NOT NULL,
  code_verifier  VARCHAR(128) NOT NULL,
  created_at     BIGINT NOT NULL,
  expires_at     BIGINT NOT NULL,
  KEY upstream_logins_expiry (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- What a login proved before its second factor ("pwd", or "fed" through
-- an upstream provider), so the session's amr says it.
ALTER TABLE mfa_tickets ADD COLUMN IF NOT EXISTS first_factor VARCHAR(8) NOT NULL DEFAULT 'pwd';
