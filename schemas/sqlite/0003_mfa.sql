-- Second factors, recovery codes, MFA tickets, devices, the usual networks
-- of each user (risk-based step-up) and per-user login IP allowlists.

-- One TOTP factor per user; pending until confirmed with a valid code.
-- last_step is the newest time step accepted, so no code is used twice.
CREATE TABLE mfa_factors (
  user_id       TEXT PRIMARY KEY,
  account_id    TEXT NOT NULL,
  secret_enc    TEXT NOT NULL,
  algorithm     TEXT NOT NULL,
  digits        INTEGER NOT NULL,
  period        INTEGER NOT NULL,
  active        INTEGER NOT NULL,
  last_step     INTEGER NOT NULL,
  created_at    INTEGER NOT NULL,
  confirmed_at  INTEGER
);
CREATE INDEX mfa_factors_account ON mfa_factors (account_id);

CREATE TABLE recovery_codes (
  user_id     TEXT NOT NULL,
  code_hash   TEXT NOT NULL,
  account_id  TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  used_at     INTEGER,
  PRIMARY KEY (user_id, code_hash)
);
CREATE INDEX recovery_codes_account ON recovery_codes (account_id);

-- The step between a right password and a session: single use, short-lived.
CREATE TABLE mfa_tickets (
  hash         TEXT PRIMARY KEY,
  account_id   TEXT NOT NULL,
  user_id      TEXT NOT NULL,
  purpose      TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,
  failures     INTEGER NOT NULL,
  client_type  TEXT NOT NULL,
  device_id    TEXT NOT NULL,
  source_ip    TEXT NOT NULL,
  user_agent   TEXT NOT NULL,
  audience     TEXT NOT NULL,
  risk         TEXT NOT NULL
);
CREATE INDEX mfa_tickets_expiry ON mfa_tickets (expires_at);
CREATE INDEX mfa_tickets_account ON mfa_tickets (account_id);

-- Devices a user logged in from: known, pending or approved (device
-- binding), revoked; remembered (trusted) while trusted_until is ahead.
CREATE TABLE user_devices (
  user_id        TEXT NOT NULL,
  device_id      TEXT NOT NULL,
  account_id     TEXT NOT NULL,
  state          TEXT NOT NULL,
  token_hash     TEXT NOT NULL,
  trusted_until  INTEGER NOT NULL,
  first_seen_at  INTEGER NOT NULL,
  last_seen_at   INTEGER NOT NULL,
  last_ip        TEXT NOT NULL,
  user_agent     TEXT NOT NULL,
  approved_by    TEXT NOT NULL,
  approved_at    INTEGER,
  PRIMARY KEY (user_id, device_id)
);
CREATE INDEX user_devices_account ON user_devices (account_id);

CREATE TABLE login_prefixes (
  user_id       TEXT NOT NULL,
  prefix        TEXT NOT NULL,
  account_id    TEXT NOT NULL,
  last_seen_at  INTEGER NOT NULL,
  PRIMARY KEY (user_id, prefix)
);
CREATE INDEX login_prefixes_account ON login_prefixes (account_id);

CREATE TABLE user_ip_allowlists (
  user_id     TEXT PRIMARY KEY,
  account_id  TEXT NOT NULL,
  cidrs       TEXT NOT NULL,
  updated_at  INTEGER NOT NULL
);
CREATE INDEX user_ip_allowlists_account ON user_ip_allowlists (account_id);
