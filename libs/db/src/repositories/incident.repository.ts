import {
  Prisma,
  type Incident,
  type IncidentStatus,
  type PrismaClient,
  type Severity,
} from '../generated/prisma/client.js';
import {
  incidentWhereSql,
  rootCauseTitleSql,
  topFindingsSql,
  type IncidentFilter,
} from './incident-filter.sql.js';
import { decodeCursor, encodeCursor } from './keyset-cursor.js';

export type { IncidentFilter } from './incident-filter.sql.js';

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

export interface IncidentPage {
  readonly items: Incident[];
  readonly endCursor: string | null;
  readonly hasNextPage: boolean;
}

/** The strongest finding of an incident, for lists that show one root cause per row. */
export interface IncidentTopRootCause {
  readonly incidentId: string;
  readonly slug: string;
  readonly title: string | null;
  readonly confidence: number;
}

export interface IncidentFacets {
  /** Incidents with at least one finding of the root cause (the rootCause filter left out). */
  readonly rootCauses: readonly { slug: string; title: string | null; count: number }[];
  /** Counts per status (the statuses filter left out). */
  readonly statuses: readonly { status: IncidentStatus; count: number }[];
  /** Counts per severity (the severities filter left out). */
  readonly severities: readonly { severity: Severity; count: number }[];
  /** Every incident the whole filter matches. */
  readonly total: number;
}

export type TimelineBucket = 'day' | 'week';

/** Incidents per time bucket and top root cause (slug null: no finding yet). */
export interface IncidentTimelinePoint {
  readonly start: Date;
  readonly slug: string | null;
  readonly count: number;
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

  /**
   * Newest first, keyset-paginated on (created_at, id) so deep pages stay as fast as the first:
   * the ids come from one SQL query that walks incidents_team_created_idx, the rows
   * from a primary-key lookup.
   */
  async list(
    teamId: string,
    filter: IncidentFilter,
    page: { first: number; after?: string },
  ): Promise<IncidentPage> {
    const where = [incidentWhereSql(teamId, filter)];
    if (page.after) {
      const cursor = decodeCursor(page.after);
      where.push(Prisma.sql`(i.created_at, i.id) < (${cursor.at}, ${cursor.id}::uuid)`);
    }
    const ids = await this.db.$queryRaw<{ id: string }[]>`
      SELECT i.id FROM incidents i
       WHERE ${Prisma.join(where, ' AND ')}
       ORDER BY i.created_at DESC, i.id DESC
       LIMIT ${page.first + 1}`;
    const pageIds = ids.slice(0, page.first).map((row) => row.id);
    const rows = await this.db.incident.findMany({ where: { id: { in: pageIds }, teamId } });
    const byId = new Map(rows.map((row) => [row.id, row]));
    const items = pageIds.flatMap((id) => byId.get(id) ?? []);
    const last = items.at(-1);
    return {
      items,
      hasNextPage: ids.length > page.first,
      endCursor: last ? encodeCursor({ at: last.createdAt, id: last.id }) : null,
    };
  }

  /** The strongest finding of each incident given (incidents without findings are left out). */
  async topRootCauses(
    teamId: string,
    incidentIds: readonly string[],
  ): Promise<IncidentTopRootCause[]> {
    if (incidentIds.length === 0) return [];
    const rows = await this.db.$queryRaw<
      { incident_id: string; slug: string; title: string | null; confidence: number }[]
    >`
      SELECT top.incident_id, top.slug, top.confidence,
             ${rootCauseTitleSql(teamId, Prisma.sql`top.slug`)} AS title
        FROM (${topFindingsSql(teamId, incidentIds)}) top`;
    return rows.map((row) => ({
      incidentId: row.incident_id,
      slug: row.slug,
      title: row.title,
      confidence: row.confidence,
    }));
  }

  /**
   * Counts for the filter controls. Each facet leaves its own filter out, so choosing one
   * status still shows how many incidents the other statuses hold.
   */
  async facets(teamId: string, filter: IncidentFilter): Promise<IncidentFacets> {
    const { rootCause: _rootCause, ...withoutRootCause } = filter;
    const { statuses: _statuses, ...withoutStatuses } = filter;
    const { severities: _severities, ...withoutSeverities } = filter;
    const [rootCauses, statuses, severities, total] = await Promise.all([
      this.db.$queryRaw<{ slug: string; title: string | null; count: number }[]>`
        SELECT f.root_cause_slug AS slug, count(DISTINCT i.id)::int AS count,
               ${rootCauseTitleSql(teamId, Prisma.sql`f.root_cause_slug`)} AS title
          FROM incidents i
          JOIN bundles b ON b.incident_id = i.id
          JOIN analyses a ON a.bundle_id = b.id
          JOIN findings f ON f.analysis_id = a.id
         WHERE ${incidentWhereSql(teamId, withoutRootCause)}
         GROUP BY f.root_cause_slug
         ORDER BY count DESC, slug`,
      this.db.$queryRaw<{ status: string; count: number }[]>`
        SELECT i.status::text AS status, count(*)::int AS count FROM incidents i
         WHERE ${incidentWhereSql(teamId, withoutStatuses)} GROUP BY i.status`,
      this.db.$queryRaw<{ severity: string; count: number }[]>`
        SELECT i.severity::text AS severity, count(*)::int AS count FROM incidents i
         WHERE ${incidentWhereSql(teamId, withoutSeverities)} GROUP BY i.severity`,
      this.db.$queryRaw<{ count: number }[]>`
        SELECT count(*)::int AS count FROM incidents i WHERE ${incidentWhereSql(teamId, filter)}`,
    ]);
    return {
      rootCauses,
      statuses: statuses.map((row) => ({
        status: row.status.toUpperCase() as IncidentStatus,
        count: row.count,
      })),
      severities: severities.map((row) => ({
        severity: row.severity.toUpperCase() as Severity,
        count: row.count,
      })),
      total: total[0]?.count ?? 0,
    };
  }

  /**
   * Matching incidents per UTC day or ISO week of when they happened (or were filed, when
   * nobody said), split by each incident's top root cause so every incident counts once.
   */
  async timeline(
    teamId: string,
    filter: IncidentFilter,
    bucket: TimelineBucket,
  ): Promise<IncidentTimelinePoint[]> {
    const rows = await this.db.$queryRaw<{ start: Date; slug: string | null; count: number }[]>`
      SELECT date_trunc(${bucket}, COALESCE(i.occurred_at, i.created_at), 'UTC') AS start,
             top.slug, count(*)::int AS count
        FROM incidents i
        LEFT JOIN (${topFindingsSql(teamId)}) top ON top.incident_id = i.id
       WHERE ${incidentWhereSql(teamId, filter)}
       GROUP BY 1, 2
       ORDER BY 1, 2`;
    return rows;
  }
}
