-- Signals: the values gate nodes wait for, one per (execution, signal id), declared with a type
-- by GetOrCreateSignal and given a value once by SetSignal. The execution need not exist
-- (FlyteAdmin does not check either), so there is no foreign key.
CREATE TABLE signals (
  project     TEXT NOT NULL,
  domain      TEXT NOT NULL,
  execution   TEXT NOT NULL,
  signal_id   TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  type        BLOB NOT NULL,                 -- flyteidl.core.LiteralType
  value       BLOB,                          -- flyteidl.core.Literal; NULL until set
  PRIMARY KEY (project, domain, execution, signal_id)
);
