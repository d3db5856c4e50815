-- Flyte 2 runs: a run is its root action `a0`; actions (tasks, traces, conditions) are keyed by
-- (project, domain, run, name), with their parent's name ('' for the root). Each action has
-- attempts (1-based), and each attempt the phases it went through. Modelled on the open-source
-- runs service's schema (FLYTE2-PROTOCOL.md §4.1); the specs and messages the API returns are
-- kept as serialized flyteidl2 messages, next to the columns lists filter on.
CREATE TABLE actions (
  project            TEXT NOT NULL,
  domain             TEXT NOT NULL,
  run                TEXT NOT NULL,
  name               TEXT NOT NULL,
  parent             TEXT NOT NULL DEFAULT '',  -- '' for the run's root action
  action_type        INTEGER NOT NULL,          -- flyteidl2.workflow.ActionType
  action_group       TEXT NOT NULL DEFAULT '',
  task_name          TEXT NOT NULL DEFAULT '',
  task_version       TEXT NOT NULL DEFAULT '',
  phase              INTEGER NOT NULL,          -- flyteidl2.common.ActionPhase of the last attempt
  terminal           INTEGER NOT NULL DEFAULT 0,
  attempts           INTEGER NOT NULL,          -- the last attempt's number
  cache_key          TEXT NOT NULL DEFAULT '',
  created_at         INTEGER NOT NULL,          -- unix milliseconds, as every time here
  updated_at         INTEGER NOT NULL,
  started_at         INTEGER NOT NULL DEFAULT 0,
  ended_at           INTEGER NOT NULL DEFAULT 0,
  abort_reason       TEXT NOT NULL DEFAULT '',
  spec               BLOB NOT NULL,             -- flyteidl2.workflow.ActionSpec (the root's holds the RunSpec)
  metadata           BLOB NOT NULL,             -- flyteidl2.workflow.ActionMetadata
  error              BLOB NOT NULL DEFAULT '',  -- flyteidl2.workflow.ErrorInfo of a failure
  PRIMARY KEY (project, domain, run, name)
);
CREATE INDEX actions_runs ON actions (project, domain, created_at) WHERE parent = '';
CREATE INDEX actions_active ON actions (terminal) WHERE terminal = 0;
CREATE INDEX actions_children ON actions (project, domain, run, parent);

CREATE TABLE action_attempts (
  project     TEXT NOT NULL,
  domain      TEXT NOT NULL,
  run         TEXT NOT NULL,
  action      TEXT NOT NULL,
  attempt     INTEGER NOT NULL,                 -- 1-based
  phase       INTEGER NOT NULL,
  started_at  INTEGER NOT NULL,
  ended_at    INTEGER NOT NULL DEFAULT 0,
  output_uri  TEXT NOT NULL DEFAULT '',         -- the attempt's output folder
  error       BLOB NOT NULL DEFAULT '',         -- flyteidl2.workflow.ErrorInfo
  PRIMARY KEY (project, domain, run, action, attempt)
);

-- Every phase an attempt entered, in order; a phase ends when the next begins.
CREATE TABLE action_transitions (
  project     TEXT NOT NULL,
  domain      TEXT NOT NULL,
  run         TEXT NOT NULL,
  action      TEXT NOT NULL,
  attempt     INTEGER NOT NULL,
  seq         INTEGER NOT NULL,
  phase       INTEGER NOT NULL,
  at          INTEGER NOT NULL,
  PRIMARY KEY (project, domain, run, action, attempt, seq)
);
