-- Authorization: managed policies and their versions, inline policies,
-- attachments, permission boundaries, roles and their (possibly expiring)
-- assignments, separation-of-duties rules, principal tags, resource
-- policies and ACLs, and the version counters replicas watch to refresh
-- their compiled policy sets.

-- A managed policy of an account; its documents live in policy_versions.
-- Version numbers are never reused (next_version only grows).
CREATE TABLE managed_policies (
  id               TEXT PRIMARY KEY,
  account_id       TEXT NOT NULL,
  name             TEXT NOT NULL,
  name_key         TEXT NOT NULL,
  description      TEXT NOT NULL,
  default_version  INTEGER NOT NULL,
  next_version     INTEGER NOT NULL,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  UNIQUE (account_id, name_key)
);

CREATE TABLE policy_versions (
  policy_id   TEXT NOT NULL,
  version     INTEGER NOT NULL,
  account_id  TEXT NOT NULL,
  document    TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (policy_id, version)
);
CREATE INDEX policy_versions_account ON policy_versions (account_id);

-- principal_type: 'user', 'group' or 'role'.
CREATE TABLE inline_policies (
  principal_type  TEXT NOT NULL,
  principal_id    TEXT NOT NULL,
  name_key        TEXT NOT NULL,
  name            TEXT NOT NULL,
  account_id      TEXT NOT NULL,
  document        TEXT NOT NULL,
  updated_at      INTEGER NOT NULL,
  PRIMARY KEY (principal_type, principal_id, name_key)
);
CREATE INDEX inline_policies_account ON inline_policies (account_id);

-- policy_id names a managed policy or a built-in one ("builtin:<Name>").
CREATE TABLE policy_attachments (
  policy_id       TEXT NOT NULL,
  principal_type  TEXT NOT NULL,
  principal_id    TEXT NOT NULL,
  account_id      TEXT NOT NULL,
  attached_at     INTEGER NOT NULL,
  PRIMARY KEY (policy_id, principal_type, principal_id)
);
CREATE INDEX policy_attachments_principal ON policy_attachments (principal_type, principal_id);
CREATE INDEX policy_attachments_account ON policy_attachments (account_id);

CREATE TABLE permission_boundaries (
  principal_type  TEXT NOT NULL,
  principal_id    TEXT NOT NULL,
  account_id      TEXT NOT NULL,
  policy_id       TEXT NOT NULL,
  set_at          INTEGER NOT NULL,
  PRIMARY KEY (principal_type, principal_id)
);
CREATE INDEX permission_boundaries_account ON permission_boundaries (account_id);

CREATE TABLE roles (
  id           TEXT PRIMARY KEY,
  account_id   TEXT NOT NULL,
  name         TEXT NOT NULL,
  name_key     TEXT NOT NULL,
  description  TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  UNIQUE (account_id, name_key)
);

-- A role held by a user or by every member of a group; expires_at NULL
-- means until revoked.
CREATE TABLE role_assignments (
  role_id         TEXT NOT NULL,
  principal_type  TEXT NOT NULL,
  principal_id    TEXT NOT NULL,
  account_id      TEXT NOT NULL,
  expires_at      INTEGER,
  assigned_at     INTEGER NOT NULL,
  assigned_by     TEXT NOT NULL,
  PRIMARY KEY (role_id, principal_type, principal_id)
);
CREATE INDEX role_assignments_principal ON role_assignments (principal_type, principal_id);
CREATE INDEX role_assignments_account ON role_assignments (account_id);

-- Separation of duties: no user may hold more than one role of the set.
-- role_ids is a JSON array.
CREATE TABLE sod_rules (
  id           TEXT PRIMARY KEY,
  account_id   TEXT NOT NULL,
  name         TEXT NOT NULL,
  name_key     TEXT NOT NULL,
  role_ids     TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  UNIQUE (account_id, name_key)
);

CREATE TABLE principal_tags (
  principal_type  TEXT NOT NULL,
  principal_id    TEXT NOT NULL,
  key_lower       TEXT NOT NULL,
  tag_key         TEXT NOT NULL,
  tag_value       TEXT NOT NULL,
  account_id      TEXT NOT NULL,
  PRIMARY KEY (principal_type, principal_id, key_lower)
);
CREATE INDEX principal_tags_account ON principal_tags (account_id);

-- Who owns a resource ARN that carries no account (an S3 bucket): the
-- first account to put a policy or an ACL on it.
CREATE TABLE resource_owners (
  resource_root  TEXT PRIMARY KEY,
  account_id     TEXT NOT NULL,
  claimed_at     INTEGER NOT NULL
);
CREATE INDEX resource_owners_account ON resource_owners (account_id);

-- A resource ("bucket") policy applies to every resource under its prefix.
CREATE TABLE resource_policies (
  resource_arn  TEXT PRIMARY KEY,
  account_id  TEXT NOT NULL,
  document    TEXT NOT NULL,
  updated_at  INTEGER NOT NULL
);
CREATE INDEX resource_policies_account ON resource_policies (account_id);

-- An ACL on one bucket or object; acl is its JSON form.
CREATE TABLE resource_acls (
  resource_arn  TEXT PRIMARY KEY,
  account_id  TEXT NOT NULL,
  acl         TEXT NOT NULL,
  updated_at  INTEGER NOT NULL
);
CREATE INDEX resource_acls_account ON resource_acls (account_id);

-- Bumped in the transaction of every change to what decisions read: scope
-- is an account id, "resources" for resource policies and ACLs, and "*"
-- for any change at all (one cheap row for replicas to poll).
CREATE TABLE authz_versions (
  scope    TEXT PRIMARY KEY,
  version  INTEGER NOT NULL
);
INSERT INTO authz_versions (scope, version) VALUES ('*', 1);
INSERT INTO authz_versions (scope, version) VALUES ('resources', 1);
