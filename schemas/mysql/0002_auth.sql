-- Passwords, login protection counters, sessions, refresh tokens, signing
-- keys and per-account policies. Every statement can be run again.

CREATE TABLE IF NOT EXISTS account_policies (
  account_id  VARCHAR(32) NOT NULL,
  kind        VARCHAR(32) NOT NULL,
  body        TEXT NOT NULL,
  updated_at  BIGINT NOT NULL,
  PRIMARY KEY (account_id, kind),
  CONSTRAINT account_policies_account FOREIGN KEY (account_id) REFERENCES accounts (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS passwords (
  user_id      VARCHAR(32) NOT NULL PRIMARY KEY,
  account_id   VARCHAR(32) NOT NULL,
  hash         VARCHAR(255) NOT NULL,
  changed_at   BIGINT NOT NULL,
  must_change  TINYINT NOT NULL DEFAULT 0,
  CONSTRAINT passwords_user FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS password_history (
  user_id     VARCHAR(32) NOT NULL,
  seq         BIGINT NOT NULL,
  changed_at  BIGINT NOT NULL,
  hash        VARCHAR(255) NOT NULL,
  PRIMARY KEY (user_id, seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS login_counters (
  scope            VARCHAR(32) NOT NULL,
  subject          VARCHAR(200) NOT NULL,
  failures         INT NOT NULL,
  last_failure_at  BIGINT NOT NULL,
  lockouts         INT NOT NULL,
  locked_until     BIGINT NOT NULL,
  permanent        TINYINT NOT NULL,
  PRIMARY KEY (scope, subject),
  KEY login_counters_age (last_failure_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS login_state (
  user_id      VARCHAR(32) NOT NULL PRIMARY KEY,
  account_id   VARCHAR(32) NOT NULL,
  version      BIGINT NOT NULL,
  last_at      BIGINT NULL,
  last_ip      VARCHAR(64) NULL,
  last_device  VARCHAR(128) NULL,
  last_client  VARCHAR(16) NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS sessions (
  id               VARCHAR(40) NOT NULL PRIMARY KEY,
  account_id       VARCHAR(32) NOT NULL,
  user_id          VARCHAR(32) NOT NULL,
  client_type      VARCHAR(16) NOT NULL,
  device_id        VARCHAR(128) NOT NULL,
  source_ip        VARCHAR(64) NOT NULL,
  user_agent       VARCHAR(512) NOT NULL,
  amr              VARCHAR(128) NOT NULL,
  auth_time        BIGINT NOT NULL,
  created_at       BIGINT NOT NULL,
  last_seen_at     BIGINT NOT NULL,
  idle_expires_at  BIGINT NOT NULL,
  expires_at       BIGINT NOT NULL,
  revoked_at       BIGINT NULL,
  revoke_reason    VARCHAR(64) NULL,
  KEY sessions_user (user_id, created_at),
  KEY sessions_account (account_id, created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS refresh_tokens (
  hash        VARCHAR(64) NOT NULL PRIMARY KEY,
  session_id  VARCHAR(40) NOT NULL,
  created_at  BIGINT NOT NULL,
  used_at     BIGINT NULL,
  KEY refresh_tokens_session (session_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS signing_keys (
  kid            VARCHAR(64) NOT NULL PRIMARY KEY,
  alg            VARCHAR(16) NOT NULL,
  private_enc    TEXT NOT NULL,
  public_jwk     TEXT NOT NULL,
  created_at     BIGINT NOT NULL,
  retired_at     BIGINT NULL,
  publish_until  BIGINT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS service_locks (
  name     VARCHAR(64) NOT NULL PRIMARY KEY,
  version  BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
INSERT IGNORE INTO service_locks (name, version) VALUES ('signing-keys', 0);
