import type { DbArtifact, DbBundle } from '@netmortem/db';
import type { Artifact } from './models/artifact.model.js';
import type { Bundle } from './models/bundle.model.js';

export function toBundle(row: DbBundle): Bundle {
  return {
    id: row.id,
    incidentId: row.incidentId,
    sha256: row.sha256,
    sizeBytes: Number(row.sizeBytes),
    originalName: row.originalName,
    uploadedBy: row.uploadedBy,
    createdAt: row.createdAt,
    downloadPath: `/api/bundles/${row.id}/download`,
  };
}

export function toArtifact(row: DbArtifact): Artifact {
  return {
    id: row.id,
    path: row.path,
    kind: row.kind,
    status: row.status,
    sizeBytes: Number(row.sizeBytes),
    sha256: row.sha256,
    error: row.error,
    errorLocator: row.errorLocator,
  };
}
