import type {
  Incident,
  IncidentStatus,
  Prisma,
  PrismaClient,
  Severity,
} from '../generated/prisma/client.js';
import { decodeCursor, encodeCursor } from './keyset-cursor.js';

export interface NewIncident {
  readonly teamId: string;
  readonly title: string;
  readonly description: string;
  readonly severity: Severity;
  readonly labels: Record<string, string>;
  readonly occurredAt: Date | null;
  readonly createdBy: string;
}

export interface IncidentChanges {
  readonly title?: string;
  readonly description?: string;
  readonly severity?: Severity;
  readonly status?: IncidentStatus;
  readonly labels?: Record<string, string>;
  readonly occurredAt?: Date | null;
}

export interface IncidentFilter {
  readonly statuses?: readonly IncidentStatus[];
  readonly rootCause?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly occurredFrom?: Date;
  readonly occurredTo?: Date;
  readonly text?: string;
}

export interface IncidentPage {
  readonly items: Incident[];
  readonly endCursor: string | null;
  readonly hasNextPage: boolean;
}

export class IncidentRepository {
  constructor(private readonly db: PrismaClient) {}

  create(incident: NewIncident): Promise<Incident> {
    return this.db.incident.create({ data: incident });
  }

  findInTeam(teamId: string, id: string): Promise<Incident | null> {
    return this.db.incident.findFirst({ where: { id, teamId } });
  }

  /**
   * Applies the changes and stamps mitigated/resolved times on the first transition into
   * those states, so time-to-mitigate survives later status flips.
   */
  update(
    teamId: string,
    id: string,
    changes: IncidentChanges,
    now: Date,
  ): Promise<Incident | null> {
    return this.db.$transaction(async (tx) => {
      const current = await tx.incident.findFirst({ where: { id, teamId } });
      if (!current) return null;
      const data: Prisma.IncidentUpdateInput = { ...changes };
      if (changes.status === 'MITIGATED' && !current.mitigatedAt) data.mitigatedAt = now;
      if (changes.status === 'RESOLVED') {
        if (!current.resolvedAt) data.resolvedAt = now;
        if (!current.mitigatedAt) data.mitigatedAt = now;
      }
      return tx.incident.update({ where: { id }, data });
    });
  }

  /** Newest first, keyset-paginated on (created_at, id) so deep pages stay as fast as the first. */
  async list(
    teamId: string,
    filter: IncidentFilter,
    page: { first: number; after?: string },
  ): Promise<IncidentPage> {
    const where: Prisma.IncidentWhereInput[] = [{ teamId }, ...filterClauses(filter)];
    if (page.after) {
      const cursor = decodeCursor(page.after);
      where.push({
        OR: [{ createdAt: { lt: cursor.at } }, { createdAt: cursor.at, id: { lt: cursor.id } }],
      });
    }
    const rows = await this.db.incident.findMany({
      where: { AND: where },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: page.first + 1,
    });
    const items = rows.slice(0, page.first);
    const last = items.at(-1);
    return {
      items,
      hasNextPage: rows.length > page.first,
      endCursor: last ? encodeCursor({ at: last.createdAt, id: last.id }) : null,
    };
  }
}

function filterClauses(filter: IncidentFilter): Prisma.IncidentWhereInput[] {
  const clauses: Prisma.IncidentWhereInput[] = [];
  if (filter.statuses && filter.statuses.length > 0) {
    clauses.push({ status: { in: [...filter.statuses] } });
  }
  if (filter.rootCause) {
    clauses.push({
      bundles: {
        some: { analyses: { some: { findings: { some: { rootCauseSlug: filter.rootCause } } } } },
      },
    });
  }
  for (const [key, value] of Object.entries(filter.labels ?? {})) {
    clauses.push({ labels: { path: [key], equals: value } });
  }
  if (filter.occurredFrom) clauses.push({ occurredAt: { gte: filter.occurredFrom } });
  if (filter.occurredTo) clauses.push({ occurredAt: { lt: filter.occurredTo } });
  const text = filter.text?.trim();
  if (text) {
    clauses.push({
      OR: [
        { title: { contains: text, mode: 'insensitive' } },
        { description: { contains: text, mode: 'insensitive' } },
      ],
    });
  }
  return clauses;
}
