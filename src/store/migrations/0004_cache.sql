-- The task cache: outputs of cached tasks by key (project/domain/dataset/version/tag), and the
-- reservations of cache_serializable runs computing a key.
CREATE TABLE cache_entries (
  key         TEXT PRIMARY KEY,
  outputs     BLOB NOT NULL,                 -- flyteidl.core.LiteralMap
  source      BLOB NOT NULL,                 -- flyteidl.core.TaskExecutionIdentifier
  created_at  INTEGER NOT NULL
);
CREATE TABLE cache_reservations (
  key         TEXT PRIMARY KEY,
  owner       TEXT NOT NULL,
  expires_at  INTEGER NOT NULL
);
