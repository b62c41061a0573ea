import { Inject, Injectable } from '@nestjs/common';
import { PRISMA_CLIENT, type IncidentStatus, type PrismaClient } from '@netmortem/db';

export interface MatchedIncidentRow {
  readonly incidentId: string;
  readonly title: string;
  readonly status: IncidentStatus;
  readonly createdAt: Date;
  readonly confidence: number;
}

export interface ReviewCounts {
  readonly confirmed: number;
  readonly rejected: number;
}

/**
 * Read-only aggregates over the team's findings for one catalogue entry. Every query is
 * bounded by team_id first, and findings are indexed on (team_id, root_cause_slug).
 */
@Injectable()
export class RootCauseStatsStore {
  constructor(@Inject(PRISMA_CLIENT) private readonly db: PrismaClient) {}

  async matchedIncidentCount(teamId: string, slug: string): Promise<number> {
    const [row] = await this.db.$queryRaw<{ count: bigint }[]>`
      SELECT count(DISTINCT b.incident_id) AS count
        FROM findings f
        JOIN analyses a ON a.id = f.analysis_id
        JOIN bundles b ON b.id = a.bundle_id
       WHERE f.team_id = ${teamId}::uuid AND f.root_cause_slug = ${slug}`;
    return Number(row?.count ?? 0);
  }

  latestMatchedIncidents(
    teamId: string,
    slug: string,
    limit: number,
  ): Promise<MatchedIncidentRow[]> {
    return this.db.$queryRaw<MatchedIncidentRow[]>`
      SELECT i.id AS "incidentId", i.title, upper(i.status::text) AS status,
             i.created_at AS "createdAt", max(f.confidence) AS confidence
        FROM findings f
        JOIN analyses a ON a.id = f.analysis_id
        JOIN bundles b ON b.id = a.bundle_id
        JOIN incidents i ON i.id = b.incident_id AND i.team_id = f.team_id
       WHERE f.team_id = ${teamId}::uuid AND f.root_cause_slug = ${slug}
       GROUP BY i.id
       ORDER BY i.created_at DESC, i.id DESC
       LIMIT ${limit}`;
  }

  async reviewCounts(teamId: string, slug: string): Promise<ReviewCounts> {
    const rows = await this.db.$queryRaw<{ verdict: string; count: bigint }[]>`
      SELECT upper(r.verdict::text) AS verdict, count(*) AS count
        FROM finding_reviews r
        JOIN findings f ON f.id = r.finding_id
       WHERE r.team_id = ${teamId}::uuid AND f.team_id = ${teamId}::uuid
         AND f.root_cause_slug = ${slug}
       GROUP BY 1`;
    const count = (verdict: string) => Number(rows.find((r) => r.verdict === verdict)?.count ?? 0);
    return { confirmed: count('CONFIRMED'), rejected: count('REJECTED') };
  }
}
