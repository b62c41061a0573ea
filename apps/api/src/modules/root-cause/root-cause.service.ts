import { Injectable } from '@nestjs/common';
import { RootCauseRepository, type DbRootCause } from '@netmortem/db';
import type { Actor } from '../../common/auth/actor.js';
import type { RootCause } from './models/root-cause.model.js';

@Injectable()
export class RootCauseService {
  constructor(private readonly rootCauses: RootCauseRepository) {}

  async list(actor: Actor): Promise<RootCause[]> {
    const rows = await this.rootCauses.listVisible(actor.teamId);
    // A team's own entry shadows the built-in one with the same id.
    const bySlug = new Map<string, DbRootCause>();
    for (const row of rows) {
      const current = bySlug.get(row.slug);
      if (!current || row.teamId === actor.teamId) bySlug.set(row.slug, row);
    }
    return [...bySlug.values()].map(toRootCause);
  }

  async get(actor: Actor, id: string): Promise<RootCause | null> {
    const row = await this.rootCauses.findVisible(actor.teamId, id);
    return row ? toRootCause(row) : null;
  }
}

function toRootCause(row: DbRootCause): RootCause {
  const definition = (row.definition ?? {}) as Record<string, unknown>;
  return {
    id: row.slug,
    title: row.title,
    summary: row.summary,
    symptoms: Array.isArray(definition.symptoms) ? definition.symptoms.map(String) : [],
    remediation: definition.remediation ?? [],
    builtin: row.builtin,
    status: row.status,
    version: row.version,
    definition,
  };
}
