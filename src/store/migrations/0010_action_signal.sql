-- The value a Flyte 2 condition action was signaled with: flyteidl2.workflow.SignalInfo, empty
-- for every other action and for a condition not signaled.
ALTER TABLE actions ADD COLUMN signal_info BLOB NOT NULL DEFAULT x'';
