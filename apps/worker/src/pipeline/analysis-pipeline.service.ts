import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable } from '@nestjs/common';
import { CATALOGUE_VERSION } from '@netmortem/catalogue';
import type { Logger } from '@netmortem/config';
import { AnalysisRepository } from '@netmortem/db';
import {
  BadInputError,
  STAGE_PROGRESS_END,
  isBadInputError,
  type AnalysisStage,
} from '@netmortem/domain';
import type { AnalysisJobData } from '@netmortem/jobs';
import { WORKER_CONFIG, type WorkerEnv } from '../config/worker-config.js';
import { ROOT_LOGGER } from '../logging/root-logger.provider.js';
import { STAGE_HANDLERS, type StageHandlers } from './stage-handler.js';

export interface StageAttempt {
  /** 1-based attempt number of this job. */
  readonly number: number;
  readonly max: number;
}

export type StageRunResult = 'ran' | 'skipped';

/**
 * Runs one stage of one analysis with its bookkeeping: stage log, progress, the final
 * verdict on the analysis, and the line between bad input (fail now, never retry) and
 * transient faults (let BullMQ retry with backoff, fail the analysis on the last attempt).
 */
@Injectable()
export class AnalysisPipeline {
  constructor(
    private readonly analyses: AnalysisRepository,
    @Inject(STAGE_HANDLERS) private readonly handlers: StageHandlers,
    @Inject(WORKER_CONFIG) private readonly config: WorkerEnv,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  async runStage(
    stage: AnalysisStage,
    job: AnalysisJobData,
    attempt: StageAttempt,
  ): Promise<StageRunResult> {
    const log = this.logger.child({
      requestId: job.requestId,
      analysisId: job.analysisId,
      stage,
      attempt: attempt.number,
    });
    const analysis = await this.analyses.findById(job.analysisId);
    if (!analysis || analysis.teamId !== job.teamId || analysis.bundleId !== job.bundleId) {
      throw new BadInputError(
        'ANALYSIS_NOT_FOUND',
        `analysis ${job.analysisId} does not exist for this bundle and team`,
      );
    }
    const startedAt = new Date();
    if (!(await this.analyses.startStage(analysis.id, stage, startedAt))) {
      log.info({ status: analysis.status }, 'analysis already finished; stage skipped');
      return 'skipped';
    }
    try {
      if (this.config.WORKER_STAGE_DELAY_MS > 0) await sleep(this.config.WORKER_STAGE_DELAY_MS);
      const outcome = await this.handlers[stage].run({ job, analysis, log });
      const finishedAt = new Date();
      await this.analyses.finishStage(
        analysis.id,
        stage,
        {
          state: outcome.state,
          startedAt: startedAt.toISOString(),
          finishedAt: finishedAt.toISOString(),
          durationMs: finishedAt.getTime() - startedAt.getTime(),
          ...(outcome.note ? { note: outcome.note } : {}),
        },
        STAGE_PROGRESS_END[stage],
        finishedAt,
      );
      if (stage === 'persist')
        await this.analyses.succeed(analysis.id, CATALOGUE_VERSION, finishedAt);
      log.info(
        { state: outcome.state, ms: finishedAt.getTime() - startedAt.getTime() },
        'stage finished',
      );
      return 'ran';
    } catch (error) {
      await this.recordFailure(stage, analysis.id, error, attempt, startedAt, log);
      throw error;
    }
  }

  /** Marks the analysis failed when no retry will follow; otherwise only logs. */
  async recordFailure(
    stage: AnalysisStage,
    analysisId: string,
    error: unknown,
    attempt: StageAttempt,
    startedAt: Date,
    log: Logger,
  ): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    const final = isBadInputError(error) || attempt.number >= attempt.max;
    log.warn({ err: error, final }, final ? 'stage failed for good' : 'stage failed; will retry');
    if (!final) return;
    const now = new Date();
    await this.analyses.finishStage(
      analysisId,
      stage,
      {
        state: 'failed',
        startedAt: startedAt.toISOString(),
        finishedAt: now.toISOString(),
        durationMs: now.getTime() - startedAt.getTime(),
        note: message,
      },
      0,
      now,
    );
    await this.analyses.fail(
      analysisId,
      {
        code: isBadInputError(error) ? error.code : 'STAGE_FAILED',
        message: isBadInputError(error)
          ? message
          : `${stage} failed after ${attempt.number} attempt(s): ${message}`,
      },
      now,
    );
  }

  /** For jobs BullMQ failed without our code running (e.g. stalled too often). */
  async failAbandoned(job: AnalysisJobData, stage: string, reason: string): Promise<void> {
    await this.analyses.fail(
      job.analysisId,
      { code: 'JOB_ABANDONED', message: `${stage}: ${reason}` },
      new Date(),
    );
  }
}
