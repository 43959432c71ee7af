-- OAuth 2.0: the clients an account registers, the initial access tokens
-- that gate dynamic registration, access tokens revoked before their end,
-- and the DPoP proofs already seen. A user's kind tells a person from the
-- service account of a client. Every statement can be run again.
ALTER TABLE users ADD COLUMN IF NOT EXISTS kind VARCHAR(16) NOT NULL DEFAULT 'human';

-- The key an access key signs requests with (HMAC over the request),
-- sealed under the master key; NULL for keys made before signing existed.
ALTER TABLE access_keys ADD COLUMN IF NOT EXISTS signing_key_enc TEXT NULL;

CREATE TABLE IF NOT EXISTS oauth_clients (
  id                    VARCHAR(32) NOT NULL PRIMARY KEY,
  account_id            VARCHAR(32) NOT NULL,
  client_id             VARCHAR(64) NOT NULL,
  metadata              MEDIUMTEXT NOT NULL,
  secret_hash           VARCHAR(64) NULL,
  secret_created_at     BIGINT NULL,
  old_secret_hash       VARCHAR(64) NULL,
  old_secret_expires_at BIGINT NULL,
  registration_hash     VARCHAR(64) NULL,
  service_user_id       VARCHAR(32) NULL,
  state                 VARCHAR(16) NOT NULL,
  created_at            BIGINT NOT NULL,
  updated_at            BIGINT NOT NULL,
  UNIQUE KEY oauth_clients_client_id (account_id, client_id),
  CONSTRAINT oauth_clients_account FOREIGN KEY (account_id) REFERENCES accounts (id),
  CONSTRAINT oauth_clients_service_user FOREIGN KEY (service_user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS oauth_initial_access_tokens (
  id          VARCHAR(32) NOT NULL PRIMARY KEY,
  account_id  VARCHAR(32) NOT NULL,
  token_hash  VARCHAR(64) NOT NULL,
  description VARCHAR(1024) NOT NULL,
  uses_left   INT NOT NULL,
  expires_at  BIGINT NOT NULL,
  created_at  BIGINT NOT NULL,
  UNIQUE KEY oauth_iat_hash (token_hash),
  KEY oauth_iat_account (account_id),
  CONSTRAINT oauth_iat_account FOREIGN KEY (account_id) REFERENCES accounts (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS oauth_revoked_tokens (
  jti         VARCHAR(64) NOT NULL PRIMARY KEY,
  account_id  VARCHAR(32) NOT NULL,
  expires_at  BIGINT NOT NULL,
  KEY oauth_revoked_expiry (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS oauth_seen_proofs (
  proof_hash  VARCHAR(64) NOT NULL PRIMARY KEY,
  expires_at  BIGINT NOT NULL,
  KEY oauth_seen_proofs_expiry (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Refresh tokens issued to OAuth clients: each rotation adds a row of the
-- same family; a used token presented again revokes the family (and its
-- session).
CREATE TABLE IF NOT EXISTS oauth_refresh_tokens (
  token_hash  VARCHAR(64) NOT NULL PRIMARY KEY,
  family_id   VARCHAR(64) NOT NULL,
  account_id  VARCHAR(32) NOT NULL,
  client_id   VARCHAR(64) NOT NULL,
  user_id     VARCHAR(32) NOT NULL,
  session_id  VARCHAR(64) NOT NULL,
  scope       TEXT NOT NULL,
  audience    VARCHAR(256) NOT NULL,
  created_at  BIGINT NOT NULL,
  expires_at  BIGINT NOT NULL,
  used_at     BIGINT NULL,
  revoked_at  BIGINT NULL,
  KEY oauth_refresh_family (family_id),
  KEY oauth_refresh_expiry (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
