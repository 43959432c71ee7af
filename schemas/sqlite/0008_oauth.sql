-- OAuth 2.0: the clients an account registers, the initial access tokens
-- that gate dynamic registration, access tokens revoked before their end,
-- and the DPoP proofs already seen. A user's kind tells a person from the
-- service account of a client.
ALTER TABLE users ADD COLUMN kind TEXT NOT NULL DEFAULT 'human';

-- The key an access key signs requests with (HMAC over the request),
-- sealed under the master key; NULL for keys made before signing existed.
ALTER TABLE access_keys ADD COLUMN signing_key_enc TEXT;

CREATE TABLE oauth_clients (
  id                    TEXT PRIMARY KEY,
  account_id            TEXT NOT NULL REFERENCES accounts(id),
  client_id             TEXT NOT NULL,
  -- The registered metadata (RFC 7591 names), validated, as JSON.
  metadata              TEXT NOT NULL,
  secret_hash           TEXT,
  secret_created_at     INTEGER,
  old_secret_hash       TEXT,
  old_secret_expires_at INTEGER,
  registration_hash     TEXT,
  service_user_id       TEXT REFERENCES users(id),
  state                 TEXT NOT NULL,
  created_at            INTEGER NOT NULL,
  updated_at            INTEGER NOT NULL,
  UNIQUE (account_id, client_id)
);

CREATE TABLE oauth_initial_access_tokens (
  id          TEXT PRIMARY KEY,
  account_id  TEXT NOT NULL REFERENCES accounts(id),
  token_hash  TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL,
  uses_left   INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  created_at  INTEGER NOT NULL
);
CREATE INDEX oauth_iat_account ON oauth_initial_access_tokens (account_id);

CREATE TABLE oauth_revoked_tokens (
  jti         TEXT PRIMARY KEY,
  account_id  TEXT NOT NULL,
  expires_at  INTEGER NOT NULL
);
CREATE INDEX oauth_revoked_expiry ON oauth_revoked_tokens (expires_at);

CREATE TABLE oauth_seen_proofs (
  proof_hash  TEXT PRIMARY KEY,
  expires_at  INTEGER NOT NULL
);
CREATE INDEX oauth_seen_proofs_expiry ON oauth_seen_proofs (expires_at);

-- Refresh tokens issued to OAuth clients: each rotation adds a row of the
-- same family; a used token presented again revokes the family (and its
-- session).
CREATE TABLE oauth_refresh_tokens (
  token_hash  TEXT PRIMARY KEY,
  family_id   TEXT NOT NULL,
  account_id  TEXT NOT NULL,
  client_id   TEXT NOT NULL,
  user_id     TEXT NOT NULL,
  session_id  TEXT NOT NULL,
  scope       TEXT NOT NULL,
  audience    TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  used_at     INTEGER,
  revoked_at  INTEGER
);
CREATE INDEX oauth_refresh_family ON oauth_refresh_tokens (family_id);
CREATE INDEX oauth_refresh_expiry ON oauth_refresh_tokens (expires_at);
