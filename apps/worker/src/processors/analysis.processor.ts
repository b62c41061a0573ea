import { OnWorkerEvent, WorkerHost } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import type { Logger } from '@netmortem/config';
import { isAnalysisStage, isBadInputError } from '@netmortem/domain';
import { parseAnalysisJobData } from '@netmortem/jobs';
import { UnrecoverableError, type Job } from 'bullmq';
import { ROOT_LOGGER } from '../logging/root-logger.provider.js';
import { AnalysisPipeline, type StageRunResult } from '../pipeline/analysis-pipeline.service.js';

/**
 * Thin adapter from BullMQ to the pipeline: validates the payload, dispatches on the job
 * name (= stage), and turns bad input into UnrecoverableError so BullMQ does not retry it.
 * The queue name and worker options are attached in WorkerModule.forRoot, from config.
 */
export class AnalysisProcessor extends WorkerHost {
  constructor(
    private readonly pipeline: AnalysisPipeline,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {
    super();
  }

  async process(job: Job): Promise<StageRunResult> {
    if (!isAnalysisStage(job.name)) {
      throw new UnrecoverableError(`unknown analysis stage "${job.name}"`);
    }
    try {
      const data = parseAnalysisJobData(job.data);
      return await this.pipeline.runStage(job.name, data, {
        number: job.attemptsMade + 1,
        max: job.opts.attempts ?? 1,
      });
    } catch (error) {
      if (isBadInputError(error)) throw new UnrecoverableError(error.message);
      throw error;
    }
  }

  /**
   * A job can also fail without process() finishing, e.g. when its workers died more often
   * than maxStalledCount allows; make sure the analysis does not stay "running" forever.
   */
  @OnWorkerEvent('failed')
  async onFailed(job: Job | undefined, error: Error): Promise<void> {
    if (!job) return;
    const exhausted = job.attemptsMade >= (job.opts.attempts ?? 1);
    const unrecoverable =
      error instanceof UnrecoverableError || error.name === 'UnrecoverableError';
    if (!exhausted && !unrecoverable) return;
    try {
      const data = parseAnalysisJobData(job.data);
      await this.pipeline.failAbandoned(data, job.name, error.message);
    } catch (cause) {
      this.logger.error({ err: cause, jobId: job.id }, 'could not record a failed analysis job');
    }
  }
}
