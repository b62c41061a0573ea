import type { AnalysisStage, StageRecord } from '@netmortem/domain';
import { ANALYSIS_EVENTS_CHANNEL } from '../events/analysis-events.js';
import {
  Prisma,
  type Analysis,
  type Bundle,
  type PrismaClient,
} from '../generated/prisma/client.js';

export type AnalysisWithBundle = Analysis & { bundle: Bundle };

export interface AnalysisFailure {
  readonly code: string;
  readonly message: string;
}

/**
 * Every state change is one UPDATE that also NOTIFYs the progress channel, so the row and
 * the live event can never disagree, and a late subscriber can read the row instead.
 */
export class AnalysisRepository {
  constructor(private readonly db: PrismaClient) {}

  findById(id: string): Promise<AnalysisWithBundle | null> {
    return this.db.analysis.findUnique({ where: { id }, include: { bundle: true } });
  }

  findInTeam(teamId: string, id: string): Promise<Analysis | null> {
    return this.db.analysis.findFirst({ where: { id, teamId } });
  }

  listByBundle(teamId: string, bundleId: string): Promise<Analysis[]> {
    return this.db.analysis.findMany({
      where: { teamId, bundleId },
      orderBy: { queuedAt: 'asc' },
    });
  }

  /** Every analysis of every bundle of an incident, newest first. */
  listByIncident(teamId: string, incidentId: string): Promise<Analysis[]> {
    return this.db.analysis.findMany({
      where: { teamId, bundle: { incidentId } },
      orderBy: { queuedAt: 'desc' },
    });
  }

  createQueued(input: { teamId: string; bundleId: string; requestId: string }): Promise<Analysis> {
    return this.db.analysis.create({ data: input });
  }

  /** Returns false when the analysis already finished (a duplicate or late job). */
  async startStage(id: string, stage: AnalysisStage, at: Date): Promise<boolean> {
    const record: StageRecord = { state: 'running', startedAt: at.toISOString() };
    const changed = await this.updateAndNotify(
      id,
      Prisma.sql`status = 'running',
                 stage = ${stage},
                 started_at = COALESCE(started_at, ${at}),
                 attempts = CASE WHEN ${stage} = 'unpack' THEN attempts + 1 ELSE attempts END,
                 stages = stages || jsonb_build_object(${stage}::text, ${JSON.stringify(record)}::jsonb),
                 updated_at = ${at}`,
      Prisma.sql`status IN ('queued', 'running')`,
    );
    return changed > 0;
  }

  async finishStage(
    id: string,
    stage: AnalysisStage,
    record: StageRecord,
    progress: number,
    at: Date,
  ): Promise<void> {
    await this.updateAndNotify(
      id,
      Prisma.sql`stages = stages || jsonb_build_object(${stage}::text, ${JSON.stringify(record)}::jsonb),
                 progress = GREATEST(progress, ${progress}),
                 updated_at = ${at}`,
      Prisma.sql`status = 'running'`,
    );
  }

  async setEvidenceKey(id: string, evidenceKey: string): Promise<void> {
    await this.db.analysis.update({ where: { id }, data: { evidenceKey } });
  }

  async setSimulationKey(id: string, simulationKey: string): Promise<void> {
    await this.db.analysis.update({ where: { id }, data: { simulationKey } });
  }

  async setReportKey(id: string, reportKey: string): Promise<void> {
    await this.db.analysis.update({ where: { id }, data: { reportKey } });
  }

  async succeed(id: string, catalogueVersion: string, at: Date): Promise<void> {
    await this.updateAndNotify(
      id,
      Prisma.sql`status = 'succeeded', stage = NULL, progress = 100,
                 catalogue_version = ${catalogueVersion}, finished_at = ${at},
                 error = NULL, error_code = NULL, updated_at = ${at}`,
      Prisma.sql`status IN ('queued', 'running')`,
    );
  }

  async fail(id: string, failure: AnalysisFailure, at: Date): Promise<void> {
    await this.updateAndNotify(
      id,
      Prisma.sql`status = 'failed', error = ${failure.message}, error_code = ${failure.code},
                 finished_at = ${at}, updated_at = ${at}`,
      Prisma.sql`status IN ('queued', 'running')`,
    );
  }

  private async updateAndNotify(
    id: string,
    assignments: Prisma.Sql,
    guard: Prisma.Sql,
  ): Promise<number> {
    const rows = await this.db.$queryRaw<{ notified: number }[]>`
      WITH updated AS (
        UPDATE analyses SET ${assignments}
         WHERE id = ${id}::uuid AND ${guard}
        RETURNING id, team_id, status, stage, progress, error
      )
      SELECT count(pg_notify(${ANALYSIS_EVENTS_CHANNEL}, json_build_object(
               'analysisId', id, 'teamId', team_id, 'status', status,
               'stage', stage, 'progress', progress, 'error', error)::text))::int AS notified
        FROM updated`;
    return rows[0]?.notified ?? 0;
  }
}
