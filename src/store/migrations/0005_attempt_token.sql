-- A task node's current attempt is known after a restart by the token its launch carries (the
-- engine stores it before the plugin starts anything), no longer by a pid stored once it ran.
ALTER TABLE node_executions ADD COLUMN attempt_token TEXT NOT NULL DEFAULT '';
ALTER TABLE node_executions DROP COLUMN pid;
