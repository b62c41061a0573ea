-- Up Migration
-- The first schema of netmortem: teams and the people and tokens that act for them,
-- incidents with their bundles, artifacts, analyses and findings, the knowledge around them
-- (comments, reviews, root causes) and an audit trail. Every team-owned row carries team_id
-- so that each query can be scoped by it.

CREATE TYPE team_role AS ENUM ('admin', 'member');
CREATE TYPE severity AS ENUM ('critical', 'high', 'medium', 'low');
CREATE TYPE incident_status AS ENUM ('open', 'mitigated', 'resolved');
CREATE TYPE analysis_status AS ENUM ('queued', 'running', 'succeeded', 'failed');
CREATE TYPE artifact_status AS ENUM ('pending', 'detected', 'parsed', 'failed', 'skipped');
CREATE TYPE review_verdict AS ENUM ('confirmed', 'rejected');
CREATE TYPE root_cause_status AS ENUM ('draft', 'published', 'archived');
CREATE TYPE actor_kind AS ENUM ('user', 'token', 'system');

CREATE TABLE teams (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL UNIQUE,
  created_at timestamptz(3) NOT NULL DEFAULT now()
);

CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  team_id uuid NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
  email text NOT NULL UNIQUE,
  display_name text NOT NULL,
  password_hash text,
  role team_role NOT NULL DEFAULT 'member',
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  last_login_at timestamptz(3),
  disabled_at timestamptz(3)
);
CREATE INDEX users_team_id_idx ON users (team_id);

CREATE TABLE sessions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_hash text NOT NULL UNIQUE,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  expires_at timestamptz(3) NOT NULL,
  last_seen_at timestamptz(3) NOT NULL DEFAULT now(),
  revoked_at timestamptz(3),
  user_agent text
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);

CREATE TABLE api_tokens (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  team_id uuid NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
  created_by_user_id uuid REFERENCES users (id) ON DELETE SET NULL,
  name text NOT NULL,
  token_prefix text NOT NULL,
  token_hash text NOT NULL UNIQUE,
  role team_role NOT NULL DEFAULT 'member',
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  last_used_at timestamptz(3),
  expires_at timestamptz(3),
  revoked_at timestamptz(3)
);
CREATE INDEX api_tokens_team_id_idx ON api_tokens (team_id);

CREATE TABLE incidents (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  team_id uuid NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
  title text NOT NULL,
  description text NOT NULL DEFAULT '',
  severity severity NOT NULL DEFAULT 'medium',
  status incident_status NOT NULL DEFAULT 'open',
  labels jsonb NOT NULL DEFAULT '{}',
  occurred_at timestamptz(3),
  created_by text,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now(),
  mitigated_at timestamptz(3),
  resolved_at timestamptz(3)
);
CREATE INDEX incidents_team_created_idx ON incidents (team_id, created_at DESC, id DESC);
CREATE INDEX incidents_team_status_idx ON incidents (team_id, status);
CREATE INDEX incidents_labels_idx ON incidents USING gin (labels jsonb_path_ops);

CREATE TABLE bundles (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  team_id uuid NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
  incident_id uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  sha256 char(64) NOT NULL,
  size_bytes bigint NOT NULL,
  original_name text NOT NULL,
  storage_key text NOT NULL,
  uploaded_by text,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  UNIQUE (incident_id, sha256)
);
CREATE INDEX bundles_team_sha256_idx ON bundles (team_id, sha256);

CREATE TABLE artifacts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  team_id uuid NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
  bundle_id uuid NOT NULL REFERENCES bundles (id) ON DELETE CASCADE,
  path text NOT NULL,
  kind text NOT NULL,
  size_bytes bigint NOT NULL,
  sha256 char(64) NOT NULL,
  storage_key text NOT NULL,
  status artifact_status NOT NULL DEFAULT 'pending',
  error text,
  error_locator text,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now(),
  UNIQUE (bundle_id, path)
);

CREATE TABLE analyses (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  team_id uuid NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
  bundle_id uuid NOT NULL REFERENCES bundles (id) ON DELETE CASCADE,
  status analysis_status NOT NULL DEFAULT 'queued',
  stage text,
  progress integer NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
  stages jsonb NOT NULL DEFAULT '{}',
  catalogue_version text,
  request_id text,
  attempts integer NOT NULL DEFAULT 0,
  error text,
  error_code text,
  queued_at timestamptz(3) NOT NULL DEFAULT now(),
  started_at timestamptz(3),
  finished_at timestamptz(3),
  updated_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX analyses_bundle_queued_idx ON analyses (bundle_id, queued_at DESC);
CREATE INDEX analyses_team_status_idx ON analyses (team_id, status);

CREATE TABLE findings (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  team_id uuid NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
  analysis_id uuid NOT NULL REFERENCES analyses (id) ON DELETE CASCADE,
  root_cause_slug text NOT NULL,
  fingerprint text NOT NULL,
  rank integer NOT NULL,
  confidence double precision NOT NULL CHECK (confidence >= 0 AND confidence <= 1),
  summary text NOT NULL,
  flow jsonb,
  evidence jsonb NOT NULL DEFAULT '[]',
  evidence_against jsonb NOT NULL DEFAULT '[]',
  remediation jsonb NOT NULL DEFAULT '[]',
  found_later boolean NOT NULL DEFAULT false,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  UNIQUE (analysis_id, fingerprint)
);
CREATE INDEX findings_team_root_cause_idx ON findings (team_id, root_cause_slug);

CREATE TABLE comments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  team_id uuid NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
  incident_id uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  author text NOT NULL,
  body text NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX comments_incident_created_idx ON comments (incident_id, created_at);

CREATE TABLE finding_reviews (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  team_id uuid NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
  finding_id uuid NOT NULL REFERENCES findings (id) ON DELETE CASCADE,
  reviewer text NOT NULL,
  verdict review_verdict NOT NULL,
  note text NOT NULL DEFAULT '',
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now(),
  UNIQUE (finding_id, reviewer)
);

CREATE TABLE root_causes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  team_id uuid REFERENCES teams (id) ON DELETE CASCADE,
  slug text NOT NULL,
  title text NOT NULL,
  summary text NOT NULL,
  definition jsonb NOT NULL DEFAULT '{}',
  builtin boolean NOT NULL DEFAULT false,
  status root_cause_status NOT NULL DEFAULT 'draft',
  version integer NOT NULL DEFAULT 1,
  created_by text,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now(),
  published_at timestamptz(3),
  -- Built-in entries have no team; NULLS NOT DISTINCT keeps their slugs unique too.
  UNIQUE NULLS NOT DISTINCT (team_id, slug)
);

CREATE TABLE audit_events (
  id bigserial PRIMARY KEY,
  team_id uuid REFERENCES teams (id) ON DELETE CASCADE,
  actor_kind actor_kind NOT NULL,
  actor_id text,
  action text NOT NULL,
  target_type text,
  target_id text,
  data jsonb NOT NULL DEFAULT '{}',
  request_id text,
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX audit_events_team_created_idx ON audit_events (team_id, created_at DESC);

-- Down Migration
DROP TABLE audit_events, root_causes, finding_reviews, comments, findings, analyses,
  artifacts, bundles, incidents, api_tokens, sessions, users, teams;
DROP TYPE actor_kind, root_cause_status, review_verdict, artifact_status, analysis_status,
  incident_status, severity, team_role;
