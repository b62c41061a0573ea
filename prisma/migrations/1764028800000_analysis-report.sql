-- Up Migration
-- The match stage stores the matcher's report of an analysis (gzip JSON: findings with
-- narrative, evidence for and against, remediation with what-if proofs, latent risks) in
-- the object store; this is its key. The persist stage turns its findings into rows.
ALTER TABLE analyses ADD COLUMN report_key text;

-- Down Migration
ALTER TABLE analyses DROP COLUMN report_key;
