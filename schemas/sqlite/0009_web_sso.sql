-- The browser login (OpenID Connect authorization code flow): requests
-- waiting for a login, the browser sessions that make single sign-on,
-- authorization codes, and the consents users gave third-party apps.

-- An /authorize request, validated, waiting for its user to log in. Its id
-- is in the login page's URL; the request is bound to the browser that
-- made it (the hash of its browser id cookie) and finishes once.
CREATE TABLE oauth_auth_requests (
  request_hash  TEXT PRIMARY KEY,
  account_id    TEXT NOT NULL,
  client_id     TEXT NOT NULL,
  browser_hash  TEXT NOT NULL,
  params        TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  expires_at    INTEGER NOT NULL,
  finished_at   INTEGER
);
CREATE INDEX oauth_auth_requests_expiry ON oauth_auth_requests (expires_at);

-- A browser's single sign-on: the hash of its cookie and the web session
-- (sessions, client_type web) it stands for, whose idle timeout, absolute
-- lifetime and revocation it follows.
CREATE TABLE web_sso (
  token_hash  TEXT PRIMARY KEY,
  session_id  TEXT NOT NULL,
  account_id  TEXT NOT NULL,
  created_at  INTEGER NOT NULL
);
CREATE INDEX web_sso_session ON web_sso (session_id);

-- Authorization codes: single use, short-lived. What the exchange issued
-- is kept, so that a code presented twice revokes it.
CREATE TABLE oauth_codes (
  code_hash       TEXT PRIMARY KEY,
  account_id      TEXT NOT NULL,
  client_id       TEXT NOT NULL,
  user_id         TEXT NOT NULL,
  session_id      TEXT NOT NULL,
  redirect_uri    TEXT NOT NULL,
  scope           TEXT NOT NULL,
  nonce           TEXT NOT NULL,
  code_challenge  TEXT NOT NULL,
  auth_time       INTEGER NOT NULL,
  amr             TEXT NOT NULL,
  acr             TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  expires_at      INTEGER NOT NULL,
  used_at         INTEGER,
  access_jti      TEXT,
  refresh_family  TEXT
);
CREATE INDEX oauth_codes_session ON oauth_codes (session_id);
CREATE INDEX oauth_codes_expiry ON oauth_codes (expires_at);

-- The scopes a user let a third-party client have.
CREATE TABLE oauth_consents (
  account_id  TEXT NOT NULL,
  user_id     TEXT NOT NULL,
  client_id   TEXT NOT NULL,
  scope       TEXT NOT NULL,
  granted_at  INTEGER NOT NULL,
  PRIMARY KEY (account_id, user_id, client_id)
);
CREATE INDEX oauth_refresh_session ON oauth_refresh_tokens (session_id);
