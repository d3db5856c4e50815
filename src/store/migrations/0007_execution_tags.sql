-- An execution's tags and labels, as flyteadmin's execution_tags: each tag with the value '' and
-- each label with its value, written once when the execution is created. Lists filter on them
-- (execution_tag.key, execution_tag.value); executions created before this migration have none.
CREATE TABLE execution_tags (
  project    TEXT NOT NULL,
  domain     TEXT NOT NULL,
  execution  TEXT NOT NULL,
  key        TEXT NOT NULL,
  value      TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (project, domain, execution, key, value)
);
CREATE INDEX execution_tags_by_key ON execution_tags (project, domain, key);
