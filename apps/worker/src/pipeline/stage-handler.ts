import type { AnalysisStage } from '@netmortem/domain';
import type { AnalysisWithBundle } from '@netmortem/db';
import type { AnalysisJobData } from '@netmortem/jobs';
import type { Logger } from '@netmortem/config';

export interface StageContext {
  readonly job: AnalysisJobData;
  readonly analysis: AnalysisWithBundle;
  readonly log: Logger;
}

/** `unavailable`: the capability behind this stage is not built yet; said so, never faked. */
export interface StageOutcome {
  readonly state: 'done' | 'unavailable';
  readonly note?: string;
}

export interface StageHandler {
  readonly stage: AnalysisStage;
  run(context: StageContext): Promise<StageOutcome>;
}

/** Injection token: the map from stage to handler, checked complete at start-up. */
export const STAGE_HANDLERS = Symbol('STAGE_HANDLERS');

export type StageHandlers = Readonly<Record<AnalysisStage, StageHandler>>;
