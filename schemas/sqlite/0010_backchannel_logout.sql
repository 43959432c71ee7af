-- OpenID Connect Back-Channel Logout: when a session ends, each client
-- that holds tokens of it and registered a backchannel_logout_uri is sent
-- a logout token. One row per (session, client), claimed by one replica at
-- a time (lease_until), retried until delivered or given up.
CREATE TABLE oauth_logout_deliveries (
  id               TEXT PRIMARY KEY,
  account_id       TEXT NOT NULL,
  client_id        TEXT NOT NULL,
  session_id       TEXT NOT NULL,
  user_id          TEXT NOT NULL,
  uri              TEXT NOT NULL,
  created_at       INTEGER NOT NULL,
  attempts         INTEGER NOT NULL,
  next_attempt_at  INTEGER NOT NULL,
  lease_until      INTEGER,
  delivered_at     INTEGER,
  failed_at        INTEGER,
  last_error       TEXT NOT NULL,
  UNIQUE (session_id, client_id)
);
CREATE INDEX oauth_logout_due ON oauth_logout_deliveries (next_attempt_at);
CREATE INDEX oauth_logout_client ON oauth_logout_deliveries (account_id, client_id);

-- Sessions that ended, found by when they ended.
CREATE INDEX sessions_revoked ON sessions (revoked_at);
