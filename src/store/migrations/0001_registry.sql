-- Registration: projects, tasks/workflows/launch plans, their named-entity metadata,
-- description entities and matchable attributes. Entities are stored as serialized
-- flyteidl messages (payload) next to the columns lists filter and sort on.
CREATE TABLE projects (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  state      INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  payload    BLOB NOT NULL
);

CREATE TABLE entities (
  resource_type INTEGER NOT NULL,   -- flyteidl.core.ResourceType: 1 task, 2 workflow, 3 launch plan
  project       TEXT NOT NULL,
  domain        TEXT NOT NULL,
  name          TEXT NOT NULL,
  version       TEXT NOT NULL,
  created_at    INTEGER NOT NULL,   -- unix milliseconds
  updated_at    INTEGER NOT NULL,
  digest        BLOB NOT NULL,      -- hash of the registered spec: identical vs different re-registration
  state         INTEGER NOT NULL DEFAULT 0,   -- launch plans: 0 INACTIVE, 1 ACTIVE
  workflow_name TEXT NOT NULL DEFAULT '',     -- launch plans: the workflow they launch
  payload       BLOB NOT NULL,
  PRIMARY KEY (resource_type, project, domain, name, version)
);
CREATE INDEX entities_by_created ON entities (resource_type, project, domain, created_at);

CREATE TABLE named_entities (
  resource_type INTEGER NOT NULL,
  project       TEXT NOT NULL,
  domain        TEXT NOT NULL,
  name          TEXT NOT NULL,
  state         INTEGER NOT NULL DEFAULT 0,
  description   TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (resource_type, project, domain, name)
);

CREATE TABLE description_entities (
  resource_type INTEGER NOT NULL,
  project       TEXT NOT NULL,
  domain        TEXT NOT NULL,
  name          TEXT NOT NULL,
  version       TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  payload       BLOB NOT NULL,
  PRIMARY KEY (resource_type, project, domain, name, version)
);

CREATE TABLE attributes (
  resource_type INTEGER NOT NULL,   -- flyteidl.admin.MatchableResource
  project       TEXT NOT NULL,
  domain        TEXT NOT NULL DEFAULT '',
  workflow      TEXT NOT NULL DEFAULT '',
  launch_plan   TEXT NOT NULL DEFAULT '',
  payload       BLOB NOT NULL,      -- serialized flyteidl.admin.MatchingAttributes
  PRIMARY KEY (resource_type, project, domain, workflow, launch_plan)
);
