/**
 * The stages an analysis goes through, in order. Stored on analyses and used as BullMQ
 * job names: renaming one requires a migration of stored rows and queued jobs.
 */
export const ANALYSIS_STAGES = [
  'unpack',
  'detect',
  'parse',
  'simulate',
  'match',
  'persist',
] as const;

export type AnalysisStage = (typeof ANALYSIS_STAGES)[number];

export const ANALYSIS_STATUSES = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED'] as const;

export type AnalysisStatus = (typeof ANALYSIS_STATUSES)[number];

/** What happened to one stage of one analysis. `unavailable` means the capability is not built yet. */
export type StageState = 'running' | 'done' | 'unavailable' | 'failed';

export interface StageRecord {
  readonly state: StageState;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  readonly durationMs?: number;
  readonly note?: string;
}

export type StageLog = Partial<Record<AnalysisStage, StageRecord>>;

/** Share of the progress bar each stage finishes at, so progress only ever moves forward. */
export const STAGE_PROGRESS_END: Readonly<Record<AnalysisStage, number>> = {
  unpack: 30,
  detect: 45,
  parse: 70,
  simulate: 80,
  match: 90,
  persist: 100,
};

export function isAnalysisStage(value: string): value is AnalysisStage {
  return (ANALYSIS_STAGES as readonly string[]).includes(value);
}
