import { Injectable } from '@nestjs/common';
import { RootCauseRepository, type DbRootCause } from '@netmortem/db';
import type { Actor } from '../../common/auth/actor.js';
import type { RootCause } from './models/root-cause.model.js';
import type { RootCauseMatches, RootCauseReviewRecord } from './models/root-cause-record.model.js';
import { toEntryView } from './root-cause-entry.mapper.js';
import { RootCauseStatsStore } from './root-cause-stats.store.js';

/** Enough for the entry page; the history page filtered by the cause lists them all. */
export const MAX_LATEST_MATCHES = 50;

@Injectable()
export class RootCauseService {
  constructor(
    private readonly rootCauses: RootCauseRepository,
    private readonly stats: RootCauseStatsStore,
  ) {}

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

  async matches(actor: Actor, rootCauseId: string, first: number): Promise<RootCauseMatches> {
    const limit = Math.max(0, Math.min(first, MAX_LATEST_MATCHES));
    const [count, latest] = await Promise.all([
      this.stats.matchedIncidentCount(actor.teamId, rootCauseId),
      limit > 0
        ? this.stats.latestMatchedIncidents(actor.teamId, rootCauseId, limit)
        : Promise.resolve([]),
    ]);
    return { count, latest };
  }

  async reviewRecord(actor: Actor, rootCauseId: string): Promise<RootCauseReviewRecord> {
    const { confirmed, rejected } = await this.stats.reviewCounts(actor.teamId, rootCauseId);
    const reviewed = confirmed + rejected;
    return { confirmed, rejected, confirmationRate: reviewed > 0 ? confirmed / reviewed : null };
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
    ...toEntryView(row.slug, definition),
  };
}
