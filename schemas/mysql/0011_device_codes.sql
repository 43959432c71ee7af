-- The device authorization grant (RFC 8628): a device (a command line, a
-- TV) shows a short user code; the user enters it on the verification
-- page in a browser, signs in and allows it; the device, polling with its
-- device code, then gets its tokens, once. Every statement can be run
-- again.
CREATE TABLE IF NOT EXISTS oauth_device_codes (
  device_code_hash  VARCHAR(64) NOT NULL PRIMARY KEY,
  user_code         VARCHAR(16) NOT NULL,
  account_id        VARCHAR(32) NOT NULL,
  client_id         VARCHAR(64) NOT NULL,
  scope             VARCHAR(1024) NOT NULL,
  purpose           VARCHAR(16) NOT NULL,
  created_at        BIGINT NOT NULL,
  expires_at        BIGINT NOT NULL,
  interval_ms       BIGINT NOT NULL,
  last_poll_at      BIGINT NOT NULL,
  status            VARCHAR(16) NOT NULL,
  user_id           VARCHAR(32) NOT NULL,
  session_id        VARCHAR(40) NOT NULL,
  source_ip         VARCHAR(64) NOT NULL,
  UNIQUE KEY oauth_device_user_code (user_code),
  KEY oauth_device_codes_expiry (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
