-- Retention: the purge job may delete an account's oldest audit records,
-- and nothing else may. It first records in audit_purges how far it cuts;
-- the delete trigger lets through only records at or below that mark. The
-- job then appends a checkpoint record carrying the hash it cut at, so the
-- rest of the chain still verifies.
CREATE TABLE IF NOT EXISTS audit_purges (
  account_id   VARCHAR(32) NOT NULL PRIMARY KEY,
  through_seq  BIGINT NOT NULL,
  cut_hash     VARCHAR(64) NOT NULL,
  checkpointed TINYINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

DROP TRIGGER IF EXISTS audit_log_no_delete;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log FOR EACH ROW
  IF NOT EXISTS (SELECT 1 FROM audit_purges p WHERE p.account_id = OLD.account_id AND OLD.seq <= p.through_seq) THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit records are append-only'; END IF;
