import { ANALYSIS_STAGES, type AnalysisStage } from '@netmortem/domain';
import type { FlowJob, JobsOptions } from 'bullmq';
import type { AnalysisJobData } from './analysis-job.js';
import { QueueName } from './queue-names.js';

export interface AnalysisJobPolicy {
  /** Attempts per stage for transient faults (a database restart, a lost connection). */
  readonly attempts: number;
  readonly backoffMs: number;
}

export const DEFAULT_ANALYSIS_JOB_POLICY: AnalysisJobPolicy = { attempts: 4, backoffMs: 500 };

/** `<analysis>-<stage>`: re-adding the same flow never creates a second job for a stage. */
export function stageJobId(analysisId: string, stage: AnalysisStage): string {
  return `${analysisId}-${stage}`;
}

/**
 * The analysis as a BullMQ flow. A parent runs after its children, so the chain is built
 * inside out: `persist` is the root and `unpack`, the deepest child, runs first. A child
 * that fails for good fails its parent, which stops the chain.
 */
export function buildAnalysisFlow(
  data: AnalysisJobData,
  policy: AnalysisJobPolicy = DEFAULT_ANALYSIS_JOB_POLICY,
): FlowJob {
  let flow: FlowJob | undefined;
  for (const stage of ANALYSIS_STAGES) {
    const job: FlowJob = {
      name: stage,
      queueName: QueueName.Analysis,
      data,
      opts: stageJobOptions(data.analysisId, stage, policy),
      ...(flow ? { children: [flow] } : {}),
    };
    flow = job;
  }
  if (!flow) throw new Error('ANALYSIS_STAGES is empty');
  return flow;
}

function stageJobOptions(
  analysisId: string,
  stage: AnalysisStage,
  policy: AnalysisJobPolicy,
): JobsOptions {
  return {
    jobId: stageJobId(analysisId, stage),
    attempts: policy.attempts,
    backoff: { type: 'exponential', delay: policy.backoffMs },
    failParentOnFailure: true,
    removeOnComplete: { age: 24 * 3600, count: 10_000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}
