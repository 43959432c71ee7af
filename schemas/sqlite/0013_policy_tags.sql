-- Tags of managed policies (iam:TagPolicy): metadata to find and sort
-- policies by; evaluation does not read them. Removed with their policy.
CREATE TABLE policy_tags (
  policy_id   TEXT NOT NULL,
  key_lower   TEXT NOT NULL,
  tag_key     TEXT NOT NULL,
  tag_value   TEXT NOT NULL,
  account_id  TEXT NOT NULL,
  PRIMARY KEY (policy_id, key_lower)
);
CREATE INDEX policy_tags_account ON policy_tags (account_id);
