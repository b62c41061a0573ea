-- Up Migration
-- The simulate stage stores the replay of an analysis (gzip JSON: input, per-packet
-- verdicts, hidden-state timeline, counts) in the object store; this is its key.
ALTER TABLE analyses ADD COLUMN simulation_key text;

-- Down Migration
ALTER TABLE analyses DROP COLUMN simulation_key;
