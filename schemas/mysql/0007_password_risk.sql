-- When a login found the user's password in the risk list (the breached and
-- common passwords); NULL while it is not known to be at risk.
ALTER TABLE passwords ADD COLUMN IF NOT EXISTS at_risk_since BIGINT NULL;
