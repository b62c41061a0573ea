import type { DbComment, DbIncident } from '@netmortem/db';
import type { Comment } from './models/comment.model.js';
import type { Incident } from './models/incident.model.js';

export function toIncident(row: DbIncident): Incident {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    severity: row.severity,
    status: row.status,
    labels: (row.labels ?? {}) as Record<string, string>,
    occurredAt: row.occurredAt,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    mitigatedAt: row.mitigatedAt,
    resolvedAt: row.resolvedAt,
  };
}

export function toComment(row: DbComment): Comment {
  return { id: row.id, author: row.author, body: row.body, createdAt: row.createdAt };
}
