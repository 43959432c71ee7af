-- Authorization: managed policies and their versions, inline policies,
-- attachments, permission boundaries, roles and their (possibly expiring)
-- assignments, separation-of-duties rules, principal tags, resource
-- policies and ACLs, and the version counters replicas watch to refresh
-- their compiled policy sets. Every statement can be run again.

-- A managed policy of an account; its documents live in policy_versions.
-- Version numbers are never reused (next_version only grows).
CREATE TABLE IF NOT EXISTS managed_policies (
  id               VARCHAR(64) NOT NULL PRIMARY KEY,
  account_id       VARCHAR(64) NOT NULL,
  name             VARCHAR(128) NOT NULL,
  name_key         VARCHAR(128) NOT NULL,
  description      VARCHAR(1000) NOT NULL,
  default_version  BIGINT NOT NULL,
  next_version     BIGINT NOT NULL,
  created_at       BIGINT NOT NULL,
  updated_at       BIGINT NOT NULL,
  UNIQUE (account_id, name_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS policy_versions (
  policy_id   VARCHAR(64) NOT NULL,
  version     BIGINT NOT NULL,
  account_id  VARCHAR(64) NOT NULL,
  document    MEDIUMTEXT NOT NULL,
  created_at  BIGINT NOT NULL,
  PRIMARY KEY (policy_id, version),
  KEY policy_versions_account (account_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- principal_type: 'user', 'group' or 'role'.
CREATE TABLE IF NOT EXISTS inline_policies (
  principal_type  VARCHAR(64) NOT NULL,
  principal_id    VARCHAR(64) NOT NULL,
  name_key        VARCHAR(128) NOT NULL,
  name            VARCHAR(128) NOT NULL,
  account_id      VARCHAR(64) NOT NULL,
  document        MEDIUMTEXT NOT NULL,
  updated_at      BIGINT NOT NULL,
  PRIMARY KEY (principal_type, principal_id, name_key),
  KEY inline_policies_account (account_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- policy_id names a managed policy or a built-in one ("builtin:<Name>").
CREATE TABLE IF NOT EXISTS policy_attachments (
  policy_id       VARCHAR(64) NOT NULL,
  principal_type  VARCHAR(64) NOT NULL,
  principal_id    VARCHAR(64) NOT NULL,
  account_id      VARCHAR(64) NOT NULL,
  attached_at     BIGINT NOT NULL,
  PRIMARY KEY (policy_id, principal_type, principal_id),
  KEY policy_attachments_principal (principal_type, principal_id),
  KEY policy_attachments_account (account_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS permission_boundaries (
  principal_type  VARCHAR(64) NOT NULL,
  principal_id    VARCHAR(64) NOT NULL,
  account_id      VARCHAR(64) NOT NULL,
  policy_id       VARCHAR(64) NOT NULL,
  set_at          BIGINT NOT NULL,
  PRIMARY KEY (principal_type, principal_id),
  KEY permission_boundaries_account (account_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS roles (
  id           VARCHAR(64) NOT NULL PRIMARY KEY,
  account_id   VARCHAR(64) NOT NULL,
  name         VARCHAR(128) NOT NULL,
  name_key     VARCHAR(128) NOT NULL,
  description  VARCHAR(1000) NOT NULL,
  created_at   BIGINT NOT NULL,
  UNIQUE (account_id, name_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A role held by a user or by every member of a group; expires_at NULL
-- means until revoked.
CREATE TABLE IF NOT EXISTS role_assignments (
  role_id         VARCHAR(64) NOT NULL,
  principal_type  VARCHAR(64) NOT NULL,
  principal_id    VARCHAR(64) NOT NULL,
  account_id      VARCHAR(64) NOT NULL,
  expires_at      BIGINT NULL,
  assigned_at     BIGINT NOT NULL,
  assigned_by     VARCHAR(512) NOT NULL,
  PRIMARY KEY (role_id, principal_type, principal_id),
  KEY role_assignments_principal (principal_type, principal_id),
  KEY role_assignments_account (account_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Separation of duties: no user may hold more than one role of the set.
-- role_ids is a JSON array.
CREATE TABLE IF NOT EXISTS sod_rules (
  id           VARCHAR(64) NOT NULL PRIMARY KEY,
  account_id   VARCHAR(64) NOT NULL,
  name         VARCHAR(128) NOT NULL,
  name_key     VARCHAR(128) NOT NULL,
  role_ids     MEDIUMTEXT NOT NULL,
  created_at   BIGINT NOT NULL,
  UNIQUE (account_id, name_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS principal_tags (
  principal_type  VARCHAR(64) NOT NULL,
  principal_id    VARCHAR(64) NOT NULL,
  key_lower       VARCHAR(128) NOT NULL,
  tag_key         VARCHAR(128) NOT NULL,
  tag_value       VARCHAR(256) NOT NULL,
  account_id      VARCHAR(64) NOT NULL,
  PRIMARY KEY (principal_type, principal_id, key_lower),
  KEY principal_tags_account (account_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Who owns a resource ARN that carries no account (an S3 bucket): the
-- first account to put a policy or an ACL on it.
CREATE TABLE IF NOT EXISTS resource_owners (
  resource_root  VARCHAR(512) NOT NULL PRIMARY KEY,
  account_id     VARCHAR(64) NOT NULL,
  claimed_at     BIGINT NOT NULL,
  KEY resource_owners_account (account_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A resource ("bucket") policy applies to every resource under its prefix.
CREATE TABLE IF NOT EXISTS resource_policies (
  resource_arn  VARCHAR(512) NOT NULL PRIMARY KEY,
  account_id  VARCHAR(64) NOT NULL,
  document    MEDIUMTEXT NOT NULL,
  updated_at  BIGINT NOT NULL,
  KEY resource_policies_account (account_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- An ACL on one bucket or object; acl is its JSON form.
CREATE TABLE IF NOT EXISTS resource_acls (
  resource_arn  VARCHAR(512) NOT NULL PRIMARY KEY,
  account_id  VARCHAR(64) NOT NULL,
  acl         MEDIUMTEXT NOT NULL,
  updated_at  BIGINT NOT NULL,
  KEY resource_acls_account (account_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Bumped in the transaction of every change to what decisions read: scope
-- is an account id, "resources" for resource policies and ACLs, and "*"
-- for any change at all (one cheap row for replicas to poll).
CREATE TABLE IF NOT EXISTS authz_versions (
  scope    VARCHAR(64) NOT NULL PRIMARY KEY,
  version  BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
INSERT IGNORE INTO authz_versions (scope, version) VALUES ('*', 1), ('resources', 1);
