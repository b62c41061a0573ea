import { registerEnumType } from '@nestjs/graphql';
import {
  ArtifactStatus,
  DbAnalysisStatus,
  IncidentStatus,
  ReviewVerdict,
  RootCauseStatus,
  Severity,
  TeamRole,
} from '@netmortem/db';

// The database enums are the single source; GraphQL shows them in SCREAMING_SNAKE_CASE.
registerEnumType(IncidentStatus, { name: 'IncidentStatus' });
registerEnumType(Severity, { name: 'Severity' });
registerEnumType(DbAnalysisStatus, { name: 'AnalysisStatus' });
registerEnumType(ArtifactStatus, { name: 'ArtifactStatus' });
registerEnumType(ReviewVerdict, { name: 'ReviewVerdict' });
registerEnumType(RootCauseStatus, { name: 'RootCauseStatus' });
registerEnumType(TeamRole, { name: 'TeamRole' });

export {
  ArtifactStatus,
  DbAnalysisStatus as AnalysisStatus,
  IncidentStatus,
  ReviewVerdict,
  RootCauseStatus,
  Severity,
  TeamRole,
};
