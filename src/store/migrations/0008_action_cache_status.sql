-- Whether a Flyte 2 action's outputs came from the task cache: flyteidl.core.CatalogCacheStatus
-- (0 disabled, 1 miss, 2 hit, 3 populated, 5 put failure), as ActionStatus reports it.
ALTER TABLE actions ADD COLUMN cache_status INTEGER NOT NULL DEFAULT 0;
