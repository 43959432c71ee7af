-- OpenID Connect Back-Channel Logout: when a session ends, each client
-- that holds tokens of it and registered a backchannel_logout_uri is sent
-- a logout token. One row per (session, client), claimed by one replica at
-- a time (lease_until), retried until delivered or given up. Every
-- statement can be run again.
CREATE TABLE IF NOT EXISTS oauth_logout_deliveries (
  id               VARCHAR(32) NOT NULL PRIMARY KEY,
  account_id       VARCHAR(32) NOT NULL,
  client_id        VARCHAR(64) NOT NULL,
  session_id       VARCHAR(40) NOT NULL,
  user_id          VARCHAR(32) NOT NULL,
  uri              TEXT NOT NULL,
  created_at       BIGINT NOT NULL,
  attempts         INT NOT NULL,
  next_attempt_at  BIGINT NOT NULL,
  lease_until      BIGINT NULL,
  delivered_at     BIGINT NULL,
  failed_at        BIGINT NULL,
  last_error       VARCHAR(512) NOT NULL,
  UNIQUE KEY oauth_logout_session_client (session_id, client_id),
  KEY oauth_logout_due (next_attempt_at),
  KEY oauth_logout_client (account_id, client_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Sessions that ended, found by when they ended.
CREATE INDEX IF NOT EXISTS sessions_revoked ON sessions (revoked_at);
