-- Executions: the workflow execution, its node executions and their task attempts, as the
-- flyteidl admin messages the API returns (payload), plus what lists filter on and what the
-- engine needs to resume after a restart.
CREATE TABLE executions (
  project        TEXT NOT NULL,
  domain         TEXT NOT NULL,
  name           TEXT NOT NULL,
  phase          INTEGER NOT NULL,             -- flyteidl.core.WorkflowExecution.Phase
  terminal       INTEGER NOT NULL DEFAULT 0,   -- 1 once the engine is done with it
  launch_plan    TEXT NOT NULL DEFAULT '',
  workflow       TEXT NOT NULL DEFAULT '',
  task           TEXT NOT NULL DEFAULT '',     -- single-task executions
  mode           INTEGER NOT NULL DEFAULT 0,   -- flyteidl.admin.ExecutionMetadata.ExecutionMode
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL,
  started_at     INTEGER NOT NULL DEFAULT 0,
  duration_ms    INTEGER NOT NULL DEFAULT 0,
  archived       INTEGER NOT NULL DEFAULT 0,   -- set by UpdateExecution only, never by the engine
  archived_at    INTEGER NOT NULL DEFAULT 0,   -- when `archived` last changed (0: never)
  payload        BLOB NOT NULL,                -- flyteidl.admin.Execution
  PRIMARY KEY (project, domain, name)
);
CREATE INDEX executions_active ON executions (terminal) WHERE terminal = 0;
CREATE INDEX executions_by_created ON executions (project, domain, created_at);

CREATE TABLE node_executions (
  project            TEXT NOT NULL,
  domain             TEXT NOT NULL,
  execution          TEXT NOT NULL,
  node_id            TEXT NOT NULL,            -- unique within the execution
  parent_id          TEXT NOT NULL DEFAULT '', -- the parent node's unique id for nested nodes
  phase              INTEGER NOT NULL,         -- flyteidl.core.NodeExecution.Phase
  created_at         INTEGER NOT NULL,
  updated_at         INTEGER NOT NULL,
  attempts           INTEGER NOT NULL DEFAULT 0,
  system_failures    INTEGER NOT NULL DEFAULT 0,
  pid                INTEGER NOT NULL DEFAULT 0,
  attempt_started_at INTEGER NOT NULL DEFAULT 0,
  payload            BLOB NOT NULL,            -- flyteidl.admin.NodeExecution
  PRIMARY KEY (project, domain, execution, node_id)
);

CREATE TABLE task_executions (
  project       TEXT NOT NULL,
  domain        TEXT NOT NULL,
  execution     TEXT NOT NULL,
  node_id       TEXT NOT NULL,
  retry_attempt INTEGER NOT NULL,
  phase         INTEGER NOT NULL,              -- flyteidl.core.TaskExecution.Phase
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  payload       BLOB NOT NULL,                 -- flyteidl.admin.TaskExecution
  PRIMARY KEY (project, domain, execution, node_id, retry_attempt)
);
