-- The browser login (OpenID Connect authorization code flow): requests
-- waiting for a login, the browser sessions that make single sign-on,
-- authorization codes, and the consents users gave third-party apps.
-- Every statement can be run again.

-- An /authorize request, validated, waiting for its user to log in. Its id
-- is in the login page's URL; the request is bound to the browser that
-- made it (the hash of its browser id cookie) and finishes once.
CREATE TABLE IF NOT EXISTS oauth_auth_requests (
  request_hash  VARCHAR(64) NOT NULL PRIMARY KEY,
  account_id    VARCHAR(32) NOT NULL,
  client_id     VARCHAR(64) NOT NULL,
  browser_hash  VARCHAR(64) NOT NULL,
  params        MEDIUMTEXT NOT NULL,
  created_at    BIGINT NOT NULL,
  expires_at    BIGINT NOT NULL,
  finished_at   BIGINT NULL,
  KEY oauth_auth_requests_expiry (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A browser's single sign-on: the hash of its cookie and the web session
-- (sessions, client_type web) it stands for, whose idle timeout, absolute
-- lifetime and revocation it follows.
CREATE TABLE IF NOT EXISTS web_sso (
  token_hash  VARCHAR(64) NOT NULL PRIMARY KEY,
  session_id  VARCHAR(40) NOT NULL,
  account_id  VARCHAR(32) NOT NULL,
  created_at  BIGINT NOT NULL,
  KEY web_sso_session (session_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Authorization codes: single use, short-lived. What the exchange issued
-- is kept, so that a code presented twice revokes it.
CREATE TABLE IF NOT EXISTS oauth_codes (
  code_hash       VARCHAR(64) NOT NULL PRIMARY KEY,
  account_id      VARCHAR(32) NOT NULL,
  client_id       VARCHAR(64) NOT NULL,
  user_id         VARCHAR(32) NOT NULL,
  session_id      VARCHAR(40) NOT NULL,
  redirect_uri    TEXT NOT NULL,
  scope           TEXT NOT NULL,
  nonce           VARCHAR(512) NOT NULL,
  code_challenge  VARCHAR(128) NOT NULL,
  auth_time       BIGINT NOT NULL,
  amr             VARCHAR(128) NOT NULL,
  acr             VARCHAR(64) NOT NULL,
  created_at      BIGINT NOT NULL,
  expires_at      BIGINT NOT NULL,
  used_at         BIGINT NULL,
  access_jti      VARCHAR(64) NULL,
  refresh_family  VARCHAR(64) NULL,
  KEY oauth_codes_session (session_id),
  KEY oauth_codes_expiry (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The scopes a user let a third-party client have.
CREATE TABLE IF NOT EXISTS oauth_consents (
  account_id  VARCHAR(32) NOT NULL,
  user_id     VARCHAR(32) NOT NULL,
  client_id   VARCHAR(64) NOT NULL,
  scope       TEXT NOT NULL,
  granted_at  BIGINT NOT NULL,
  PRIMARY KEY (account_id, user_id, client_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE INDEX IF NOT EXISTS oauth_refresh_session ON oauth_refresh_tokens (session_id);
