-- Tags of managed policies (iam:TagPolicy): metadata to find and sort
-- policies by; evaluation does not read them. Removed with their policy.
CREATE TABLE IF NOT EXISTS policy_tags (
  policy_id   VARCHAR(64) NOT NULL,
  key_lower   VARCHAR(128) NOT NULL,
  tag_key     VARCHAR(128) NOT NULL,
  tag_value   VARCHAR(256) NOT NULL,
  account_id  VARCHAR(64) NOT NULL,
  PRIMARY KEY (policy_id, key_lower),
  KEY policy_tags_account (account_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
