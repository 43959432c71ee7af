-- The device authorization grant (RFC 8628): a device (a command line, a
-- TV) shows a short user code; the user enters it on the verification
-- page in a browser, signs in and allows it; the device, polling with its
-- device code, then gets its tokens, once.
CREATE TABLE oauth_device_codes (
  device_code_hash  TEXT PRIMARY KEY,
  user_code         TEXT NOT NULL UNIQUE,
  account_id        TEXT NOT NULL,
  client_id         TEXT NOT NULL,
  scope             TEXT NOT NULL,
  purpose           TEXT NOT NULL,
  created_at        INTEGER NOT NULL,
  expires_at        INTEGER NOT NULL,
  interval_ms       INTEGER NOT NULL,
  last_poll_at      INTEGER NOT NULL,
  status            TEXT NOT NULL,
  user_id           TEXT NOT NULL,
  session_id        TEXT NOT NULL,
  source_ip         TEXT NOT NULL
);
CREATE INDEX oauth_device_codes_expiry ON oauth_device_codes (expires_at);
