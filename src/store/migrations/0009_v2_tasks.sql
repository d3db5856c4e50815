-- Flyte 2 deployed tasks (`flyte deploy`): one row per task version, keyed by (project, domain,
-- name, version) as the open-source runs service keys its tasks table (FLYTE2-PROTOCOL.md §4.1).
-- `org` is kept to answer it back but is no part of the key (the SDK sends '' from outside a task
-- and 'local' from inside one). The spec is the serialized flyteidl2.task.TaskSpec; `digest` (its
-- SHA-256 over a deterministic serialization) tells a repeated deployment from a conflicting one.
CREATE TABLE v2_tasks (
  project      TEXT NOT NULL,
  domain       TEXT NOT NULL,
  name         TEXT NOT NULL,
  version      TEXT NOT NULL,
  org          TEXT NOT NULL DEFAULT '',
  environment  TEXT NOT NULL DEFAULT '',  -- TaskSpec.environment.name
  short_name   TEXT NOT NULL DEFAULT '',  -- TaskSpec.short_name (the function's name)
  created_at   INTEGER NOT NULL,          -- unix milliseconds: when first deployed
  digest       BLOB NOT NULL,
  spec         BLOB NOT NULL,             -- flyteidl2.task.TaskSpec
  PRIMARY KEY (project, domain, name, version)
);
-- The latest version of each name is found by creation time.
CREATE INDEX v2_tasks_latest ON v2_tasks (project, domain, name, created_at);
