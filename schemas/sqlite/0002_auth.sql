-- Passwords, login protection counters, sessions, refresh tokens, signing
-- keys and per-account policies.

CREATE TABLE account_policies (
  account_id  TEXT NOT NULL REFERENCES accounts(id),
  kind        TEXT NOT NULL,
  body        TEXT NOT NULL,
  updated_at  INTEGER NOT NULL,
  PRIMARY KEY (account_id, kind)
);

CREATE TABLE passwords (
  user_id      TEXT PRIMARY KEY REFERENCES users(id),
  account_id   TEXT NOT NULL,
  hash         TEXT NOT NULL,
  changed_at   INTEGER NOT NULL,
  must_change  INTEGER NOT NULL DEFAULT 0
);

-- seq orders a user's earlier passwords, newest highest.
CREATE TABLE password_history (
  user_id     TEXT NOT NULL,
  seq         INTEGER NOT NULL,
  changed_at  INTEGER NOT NULL,
  hash        TEXT NOT NULL,
  PRIMARY KEY (user_id, seq)
);

-- One failure counter per login subject (scope = account id) or source
-- (scope = 'ip' or 'device').
CREATE TABLE login_counters (
  scope            TEXT NOT NULL,
  subject          TEXT NOT NULL,
  failures         INTEGER NOT NULL,
  last_failure_at  INTEGER NOT NULL,
  lockouts         INTEGER NOT NULL,
  locked_until     INTEGER NOT NULL,
  permanent        INTEGER NOT NULL,
  PRIMARY KEY (scope, subject)
);
CREATE INDEX login_counters_age ON login_counters (last_failure_at);

-- The previous login of each user; its row lock serialises the user's logins.
CREATE TABLE login_state (
  user_id        TEXT PRIMARY KEY,
  account_id     TEXT NOT NULL,
  version        INTEGER NOT NULL,
  last_at        INTEGER,
  last_ip        TEXT,
  last_device    TEXT,
  last_client    TEXT
);

CREATE TABLE sessions (
  id               TEXT PRIMARY KEY,
  account_id       TEXT NOT NULL,
  user_id          TEXT NOT NULL,
  client_type      TEXT NOT NULL,
  device_id        TEXT NOT NULL,
  source_ip        TEXT NOT NULL,
  user_agent       TEXT NOT NULL,
  amr              TEXT NOT NULL,
  auth_time        INTEGER NOT NULL,
  created_at       INTEGER NOT NULL,
  last_seen_at     INTEGER NOT NULL,
  idle_expires_at  INTEGER NOT NULL,
  expires_at       INTEGER NOT NULL,
  revoked_at       INTEGER,
  revoke_reason    TEXT
);
CREATE INDEX sessions_user ON sessions (user_id, created_at);
CREATE INDEX sessions_account ON sessions (account_id, created_at);

CREATE TABLE refresh_tokens (
  hash        TEXT PRIMARY KEY,
  session_id  TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  used_at     INTEGER
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

CREATE TABLE signing_keys (
  kid            TEXT PRIMARY KEY,
  alg            TEXT NOT NULL,
  private_enc    TEXT NOT NULL,
  public_jwk     TEXT NOT NULL,
  created_at     INTEGER NOT NULL,
  retired_at     INTEGER,
  publish_until  INTEGER
);

-- A row whose lock serialises key rotations across replicas.
CREATE TABLE service_locks (
  name     TEXT PRIMARY KEY,
  version  INTEGER NOT NULL
);
INSERT INTO service_locks (name, version) VALUES ('signing-keys', 0);
