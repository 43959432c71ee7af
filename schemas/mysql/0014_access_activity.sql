-- When each principal (a user or a role) was last allowed each action, and
-- by which statement; merged from every replica's batches. action_key is
-- the action in lower case, as actions match.
CREATE TABLE IF NOT EXISTS access_activity (
  account_id      VARCHAR(64) NOT NULL,
  principal_type  VARCHAR(16) NOT NULL,
  principal_id    VARCHAR(64) NOT NULL,
  action_key      VARCHAR(128) NOT NULL,
  action          VARCHAR(128) NOT NULL,
  last_used_at    BIGINT NOT NULL,
  granted_by      VARCHAR(1024) NOT NULL,
  uses            BIGINT NOT NULL,
  PRIMARY KEY (account_id, principal_type, principal_id, action_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
-- When recording began: "unused for N days" is judged only after N days.
CREATE TABLE IF NOT EXISTS access_tracking (
  name   VARCHAR(16) NOT NULL PRIMARY KEY,
  since  BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
