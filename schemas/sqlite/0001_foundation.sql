-- Accounts, users, groups, access keys and the hash-chained audit log.
-- Times are milliseconds since the Unix epoch (UTC).

CREATE TABLE accounts (
  id            TEXT PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE,
  display_name  TEXT NOT NULL,
  state         TEXT NOT NULL,
  is_system     INTEGER NOT NULL DEFAULT 0,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  closed_at     INTEGER,
  purged_at     INTEGER
);

CREATE TABLE users (
  id              TEXT PRIMARY KEY,
  account_id      TEXT NOT NULL REFERENCES accounts(id),
  username        TEXT NOT NULL,
  username_key    TEXT NOT NULL,
  display_name    TEXT NOT NULL,
  email_enc       TEXT,
  email_index     TEXT,
  phone_enc       TEXT,
  is_admin        INTEGER NOT NULL DEFAULT 0,
  state           TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  UNIQUE (account_id, username_key)
);
CREATE INDEX users_email ON users (account_id, email_index);

CREATE TABLE user_groups (
  id            TEXT PRIMARY KEY,
  account_id    TEXT NOT NULL REFERENCES accounts(id),
  name          TEXT NOT NULL,
  name_key      TEXT NOT NULL,
  description   TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  UNIQUE (account_id, name_key)
);

CREATE TABLE group_members (
  group_id    TEXT NOT NULL REFERENCES user_groups(id),
  user_id     TEXT NOT NULL REFERENCES users(id),
  account_id  TEXT NOT NULL,
  added_at    INTEGER NOT NULL,
  PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_user ON group_members (user_id);

CREATE TABLE access_keys (
  id             TEXT PRIMARY KEY,
  account_id     TEXT NOT NULL REFERENCES accounts(id),
  user_id        TEXT NOT NULL REFERENCES users(id),
  secret_hash    TEXT NOT NULL,
  description    TEXT NOT NULL,
  allowed_cidrs  TEXT NOT NULL,
  created_at     INTEGER NOT NULL,
  expires_at     INTEGER,
  revoked_at     INTEGER
);
CREATE INDEX access_keys_user ON access_keys (user_id);
CREATE INDEX access_keys_account ON access_keys (account_id);

-- The newest record of each account's chain; its row lock serialises appends.
CREATE TABLE audit_heads (
  account_id  TEXT PRIMARY KEY,
  seq         INTEGER NOT NULL,
  hash        TEXT NOT NULL
);

CREATE TABLE audit_log (
  account_id   TEXT NOT NULL,
  seq          INTEGER NOT NULL,
  at           INTEGER NOT NULL,
  actor        TEXT NOT NULL,
  action       TEXT NOT NULL,
  object_type  TEXT NOT NULL,
  object_id    TEXT NOT NULL,
  source_ip    TEXT NOT NULL,
  user_agent   TEXT NOT NULL,
  result       TEXT NOT NULL,
  detail       TEXT NOT NULL,
  prev_hash    TEXT NOT NULL,
  hash         TEXT NOT NULL,
  PRIMARY KEY (account_id, seq)
);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit records are append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit records are append-only');
END;
