import { InjectFlowProducer, InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import {
  DEFAULT_ANALYSIS_JOB_POLICY,
  buildAnalysisFlow,
  QueueName,
  type AnalysisJobData,
} from '@netmortem/jobs';
import type { FlowProducer, Queue } from 'bullmq';
import { AppError, AppErrorCode } from '../../common/errors/app.error.js';
import { API_CONFIG, type ApiEnv } from '../../config/api-config.js';

const QUEUE_PROBE_TIMEOUT_MS = 2000;

/** The API's side of the queue: enqueue analyses, and answer whether the backend is up. */
@Injectable()
export class AnalysisQueue {
  constructor(
    @InjectFlowProducer(QueueName.Analysis) private readonly flows: FlowProducer,
    @InjectQueue(QueueName.Analysis) private readonly queue: Queue,
    @Inject(API_CONFIG) private readonly config: ApiEnv,
  ) {}

  async enqueue(data: AnalysisJobData): Promise<void> {
    try {
      const policy = {
        ...DEFAULT_ANALYSIS_JOB_POLICY,
        attempts: this.config.ANALYSIS_STAGE_ATTEMPTS,
      };
      await withTimeout(this.flows.add(buildAnalysisFlow(data, policy)), 10_000, 'enqueue');
    } catch (cause) {
      throw new AppError(
        AppErrorCode.ServiceUnavailable,
        'the queue backend did not accept the analysis; try reanalyzeBundle later',
        { analysisId: data.analysisId },
        { cause },
      );
    }
  }

  /** A real round trip through the backend (Redis or PostgreSQL), bounded in time. */
  async ping(): Promise<void> {
    await withTimeout(this.queue.getJobCounts('waiting'), QUEUE_PROBE_TIMEOUT_MS, 'queue probe');
  }
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
