-- Second factors, recovery codes, MFA tickets, devices, the usual networks
-- of each user (risk-based step-up) and per-user login IP allowlists.
-- Every statement can be run again.

CREATE TABLE IF NOT EXISTS mfa_factors (
  user_id       VARCHAR(32) NOT NULL PRIMARY KEY,
  account_id    VARCHAR(32) NOT NULL,
  secret_enc    VARCHAR(255) NOT NULL,
  algorithm     VARCHAR(16) NOT NULL,
  digits        INT NOT NULL,
  period        INT NOT NULL,
  active        TINYINT NOT NULL,
  last_step     BIGINT NOT NULL,
  created_at    BIGINT NOT NULL,
  confirmed_at  BIGINT NULL,
  KEY mfa_factors_account (account_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS recovery_codes (
  user_id     VARCHAR(32) NOT NULL,
  code_hash   VARCHAR(64) NOT NULL,
  account_id  VARCHAR(32) NOT NULL,
  created_at  BIGINT NOT NULL,
  used_at     BIGINT NULL,
  PRIMARY KEY (user_id, code_hash),
  KEY recovery_codes_account (account_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS mfa_tickets (
  hash         VARCHAR(64) NOT NULL PRIMARY KEY,
  account_id   VARCHAR(32) NOT NULL,
  user_id      VARCHAR(32) NOT NULL,
  purpose      VARCHAR(16) NOT NULL,
  created_at   BIGINT NOT NULL,
  expires_at   BIGINT NOT NULL,
  failures     INT NOT NULL,
  client_type  VARCHAR(16) NOT NULL,
  device_id    VARCHAR(128) NOT NULL,
  source_ip    VARCHAR(64) NOT NULL,
  user_agent   VARCHAR(512) NOT NULL,
  audience     VARCHAR(256) NOT NULL,
  risk         VARCHAR(128) NOT NULL,
  KEY mfa_tickets_expiry (expires_at),
  KEY mfa_tickets_account (account_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS user_devices (
  user_id        VARCHAR(32) NOT NULL,
  device_id      VARCHAR(128) NOT NULL,
  account_id     VARCHAR(32) NOT NULL,
  state          VARCHAR(16) NOT NULL,
  token_hash     VARCHAR(64) NOT NULL,
  trusted_until  BIGINT NOT NULL,
  first_seen_at  BIGINT NOT NULL,
  last_seen_at   BIGINT NOT NULL,
  last_ip        VARCHAR(64) NOT NULL,
  user_agent     VARCHAR(512) NOT NULL,
  approved_by    VARCHAR(255) NOT NULL,
  approved_at    BIGINT NULL,
  PRIMARY KEY (user_id, device_id),
  KEY user_devices_account (account_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS login_prefixes (
  user_id       VARCHAR(32) NOT NULL,
  prefix        VARCHAR(64) NOT NULL,
  account_id    VARCHAR(32) NOT NULL,
  last_seen_at  BIGINT NOT NULL,
  PRIMARY KEY (user_id, prefix),
  KEY login_prefixes_account (account_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS user_ip_allowlists (
  user_id     VARCHAR(32) NOT NULL PRIMARY KEY,
  account_id  VARCHAR(32) NOT NULL,
  cidrs       TEXT NOT NULL,
  updated_at  BIGINT NOT NULL,
  KEY user_ip_allowlists_account (account_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
