import type { AnalysisStage, StageRecord } from '@netmortem/domain';
import type { Analysis, Bundle, PrismaClient } from '../generated/prisma/client.js';

export type AnalysisWithBundle = Analysis & { bundle: Bundle };

export interface AnalysisFailure {
  readonly code: string;
  readonly message: string;
}

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

  createQueued(input: { teamId: string; bundleId: string; requestId: string }): Promise<Analysis> {
    return this.db.analysis.create({ data: input });
  }

  /**
   * Marks the stage as running. Merging into the JSON column in one UPDATE keeps the stage
   * log consistent even when a recovered job re-enters a stage.
   */
  async startStage(id: string, stage: AnalysisStage, at: Date): Promise<void> {
    const record: StageRecord = { state: 'running', startedAt: at.toISOString() };
    await this.db.$executeRaw`
      UPDATE analyses
         SET status = 'running',
             stage = ${stage},
             started_at = COALESCE(started_at, ${at}),
             attempts = CASE WHEN ${stage} = 'unpack' THEN attempts + 1 ELSE attempts END,
             stages = stages || jsonb_build_object(${stage}::text, ${JSON.stringify(record)}::jsonb),
             updated_at = ${at}
       WHERE id = ${id}::uuid AND status IN ('queued', 'running')`;
  }

  async finishStage(
    id: string,
    stage: AnalysisStage,
    record: StageRecord,
    progress: number,
    at: Date,
  ): Promise<void> {
    await this.db.$executeRaw`
      UPDATE analyses
         SET stages = stages || jsonb_build_object(${stage}::text, ${JSON.stringify(record)}::jsonb),
             progress = GREATEST(progress, ${progress}),
             updated_at = ${at}
       WHERE id = ${id}::uuid`;
  }

  async succeed(id: string, catalogueVersion: string, at: Date): Promise<void> {
    await this.db.analysis.update({
      where: { id },
      data: {
        status: 'SUCCEEDED',
        stage: null,
        progress: 100,
        catalogueVersion,
        finishedAt: at,
        error: null,
        errorCode: null,
      },
    });
  }

  async fail(id: string, failure: AnalysisFailure, at: Date): Promise<void> {
    await this.db.analysis.update({
      where: { id },
      data: { status: 'FAILED', error: failure.message, errorCode: failure.code, finishedAt: at },
    });
  }
}
