-- When each principal (a user or a role) was last allowed each action, and
-- by which statement; merged from every replica's batches. action_key is
-- the action in lower case, as actions match.
CREATE TABLE access_activity (
  account_id      TEXT NOT NULL,
  principal_type  TEXT NOT NULL,
  principal_id    TEXT NOT NULL,
  action_key      TEXT NOT NULL,
  action          TEXT NOT NULL,
  last_used_at    INTEGER NOT NULL,
  granted_by      TEXT NOT NULL,
  uses            INTEGER NOT NULL,
  PRIMARY KEY (account_id, principal_type, principal_id, action_key)
);
-- When recording began: "unused for N days" is judged only after N days.
CREATE TABLE access_tracking (
  name   TEXT PRIMARY KEY,
  since  INTEGER NOT NULL
);
