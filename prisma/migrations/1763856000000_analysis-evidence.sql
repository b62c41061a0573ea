-- Up Migration
-- The parse stage stores the normalised evidence of an analysis (gzip JSON) in the object
-- store; later stages and re-runs find it through this key.
ALTER TABLE analyses ADD COLUMN evidence_key text;

-- Down Migration
ALTER TABLE analyses DROP COLUMN evidence_key;
