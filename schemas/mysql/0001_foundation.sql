-- Accounts, users, groups, access keys and the hash-chained audit log.
-- Times are milliseconds since the Unix epoch (UTC). Every statement can be
-- run again: DDL is not transactional here.

CREATE TABLE IF NOT EXISTS accounts (
  id            VARCHAR(32) NOT NULL PRIMARY KEY,
  name          VARCHAR(63) NOT NULL,
  display_name  VARCHAR(1024) NOT NULL,
  state         VARCHAR(16) NOT NULL,
  is_system     TINYINT NOT NULL DEFAULT 0,
  created_at    BIGINT NOT NULL,
  updated_at    BIGINT NOT NULL,
  closed_at     BIGINT NULL,
  purged_at     BIGINT NULL,
  UNIQUE KEY accounts_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS users (
  id              VARCHAR(32) NOT NULL PRIMARY KEY,
  account_id      VARCHAR(32) NOT NULL,
  username        VARCHAR(64) NOT NULL,
  username_key    VARCHAR(64) NOT NULL,
  display_name    VARCHAR(1024) NOT NULL,
  email_enc       TEXT NULL,
  email_index     VARCHAR(64) NULL,
  phone_enc       TEXT NULL,
  is_admin        TINYINT NOT NULL DEFAULT 0,
  state           VARCHAR(16) NOT NULL,
  created_at      BIGINT NOT NULL,
  updated_at      BIGINT NOT NULL,
  UNIQUE KEY users_username (account_id, username_key),
  KEY users_email (account_id, email_index),
  CONSTRAINT users_account FOREIGN KEY (account_id) REFERENCES accounts (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS user_groups (
  id            VARCHAR(32) NOT NULL PRIMARY KEY,
  account_id    VARCHAR(32) NOT NULL,
  name          VARCHAR(128) NOT NULL,
  name_key      VARCHAR(128) NOT NULL,
  description   VARCHAR(4096) NOT NULL,
  created_at    BIGINT NOT NULL,
  UNIQUE KEY user_groups_name (account_id, name_key),
  CONSTRAINT user_groups_account FOREIGN KEY (account_id) REFERENCES accounts (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS group_members (
  group_id    VARCHAR(32) NOT NULL,
  user_id     VARCHAR(32) NOT NULL,
  account_id  VARCHAR(32) NOT NULL,
  added_at    BIGINT NOT NULL,
  PRIMARY KEY (group_id, user_id),
  KEY group_members_user (user_id),
  CONSTRAINT group_members_group FOREIGN KEY (group_id) REFERENCES user_groups (id),
  CONSTRAINT group_members_member FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS access_keys (
  id             VARCHAR(32) NOT NULL PRIMARY KEY,
  account_id     VARCHAR(32) NOT NULL,
  user_id        VARCHAR(32) NOT NULL,
  secret_hash    VARCHAR(128) NOT NULL,
  description    VARCHAR(4096) NOT NULL,
  allowed_cidrs  TEXT NOT NULL,
  created_at     BIGINT NOT NULL,
  expires_at     BIGINT NULL,
  revoked_at     BIGINT NULL,
  KEY access_keys_user (user_id),
  KEY access_keys_account (account_id),
  CONSTRAINT access_keys_account FOREIGN KEY (account_id) REFERENCES accounts (id),
  CONSTRAINT access_keys_owner FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS audit_heads (
  account_id  VARCHAR(32) NOT NULL PRIMARY KEY,
  seq         BIGINT NOT NULL,
  hash        VARCHAR(64) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS audit_log (
  account_id   VARCHAR(32) NOT NULL,
  seq          BIGINT NOT NULL,
  at           BIGINT NOT NULL,
  actor        VARCHAR(512) NOT NULL,
  action       VARCHAR(128) NOT NULL,
  object_type  VARCHAR(64) NOT NULL,
  object_id    VARCHAR(512) NOT NULL,
  source_ip    VARCHAR(64) NOT NULL,
  user_agent   VARCHAR(1024) NOT NULL,
  result       VARCHAR(32) NOT NULL,
  detail       TEXT NOT NULL,
  prev_hash    VARCHAR(64) NOT NULL,
  hash         VARCHAR(64) NOT NULL,
  PRIMARY KEY (account_id, seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

DROP TRIGGER IF EXISTS audit_log_no_update;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit records are append-only';

DROP TRIGGER IF EXISTS audit_log_no_delete;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit records are append-only';
