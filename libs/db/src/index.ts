export * from './client/prisma-client.factory.js';
export * from './client/database-url.js';
export * from './credentials/secret-token.js';
export * from './credentials/password-hash.js';
export * from './migrations/migrate-database.js';
export * from './embedded/embedded-database.js';
export * from './repositories/analysis.repository.js';
export * from './repositories/api-token.repository.js';
export * from './repositories/artifact.repository.js';
export * from './repositories/audit.repository.js';
export * from './repositories/bundle.repository.js';
export * from './repositories/comment.repository.js';
export * from './repositories/finding.repository.js';
export * from './repositories/first-run.repository.js';
export * from './repositories/incident.repository.js';
export * from './repositories/keyset-cursor.js';
export * from './repositories/review.repository.js';
export * from './repositories/root-cause.repository.js';
export * from './repositories/session.repository.js';
export * from './repositories/team.repository.js';
export * from './repositories/user.repository.js';
export * from './events/analysis-events.js';
export * from './nest/database.module.js';
export type {
  Analysis as DbAnalysis,
  ApiToken as DbApiToken,
  Artifact as DbArtifact,
  AuditEvent as DbAuditEvent,
  Bundle as DbBundle,
  Comment as DbComment,
  Finding as DbFinding,
  FindingReview as DbFindingReview,
  Incident as DbIncident,
  RootCause as DbRootCause,
  Team as DbTeam,
  User as DbUser,
  PrismaClient,
} from './generated/prisma/client.js';
export {
  ActorKind,
  AnalysisStatus as DbAnalysisStatus,
  ArtifactStatus,
  IncidentStatus,
  ReviewVerdict,
  RootCauseStatus,
  Severity,
  TeamRole,
} from './generated/prisma/enums.js';
