-- Up Migration
-- The dashboard's incident search matches words by prefix on title and description. A
-- full-text GIN index keeps that fast however many incidents a team files, without the
-- pg_trgm extension (not every PostgreSQL we run on ships it). The 'simple' configuration
-- neither stems nor drops stop words: people search for tool and host names, not English.
-- Queries must repeat this exact expression (libs/db incident-filter.sql.ts).
CREATE INDEX incidents_search_idx ON incidents
  USING gin (to_tsvector('simple', title || ' ' || description));

-- Down Migration
DROP INDEX incidents_search_idx;
