-- Retention: the purge job may delete an account's oldest audit records,
-- and nothing else may. It first records in audit_purges how far it cuts;
-- the delete trigger lets through only records at or below that mark. The
-- job then appends a checkpoint record carrying the hash it cut at, so the
-- rest of the chain still verifies.
CREATE TABLE IF NOT EXISTS audit_purges (
  account_id   TEXT PRIMARY KEY,
  through_seq  INTEGER NOT NULL,
  cut_hash     TEXT NOT NULL,       -- the hash of record through_seq
  checkpointed INTEGER NOT NULL     -- 1 once the checkpoint record is written
);

DROP TRIGGER IF EXISTS audit_log_no_delete;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
WHEN NOT EXISTS (SELECT 1 FROM audit_purges p
                 WHERE p.account_id = OLD.account_id AND OLD.seq <= p.through_seq)
BEGIN
  SELECT RAISE(ABORT, 'audit records are append-only');
END;
