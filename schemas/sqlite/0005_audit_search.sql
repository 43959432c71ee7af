-- Indexes for searching an account's audit log newest first by time,
-- actor, action or object.
CREATE INDEX IF NOT EXISTS audit_log_at ON audit_log (account_id, at);
CREATE INDEX IF NOT EXISTS audit_log_actor ON audit_log (account_id, actor, seq);
CREATE INDEX IF NOT EXISTS audit_log_action ON audit_log (account_id, action, seq);
CREATE INDEX IF NOT EXISTS audit_log_object ON audit_log (account_id, object_id, seq);
