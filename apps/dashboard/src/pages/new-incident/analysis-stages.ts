/** The worker's stages in order, with the progress (0-100) each one finishes at. */
export const STAGES = [
  { name: 'unpack', label: 'Unpack the bundle', end: 30 },
  { name: 'detect', label: 'Detect artifact kinds', end: 45 },
  { name: 'parse', label: 'Parse captures and tables', end: 70 },
  { name: 'simulate', label: 'Replay through conntrack and NAT', end: 80 },
  { name: 'match', label: 'Match the catalogue', end: 90 },
  { name: 'persist', label: 'Save findings', end: 100 },
] as const;

export type StageView = 'pending' | 'running' | 'done' | 'failed';

export interface ProgressSnapshot {
  readonly status: 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  readonly stage?: string | null;
  readonly progress: number;
}

/**
 * Where each stage stands, from the one live update the subscription sends: stages before
 * the current one are done. When the stage is not named (queued, or failed after it was
 * cleared) the progress tells which stage was reached.
 */
export function stageStates(snapshot: ProgressSnapshot): StageView[] {
  if (snapshot.status === 'SUCCEEDED') return STAGES.map(() => 'done');
  if (snapshot.status === 'QUEUED') return STAGES.map(() => 'pending');
  const named = STAGES.findIndex((stage) => stage.name === snapshot.stage);
  const reached = STAGES.findIndex((stage) => snapshot.progress < stage.end);
  const current = named >= 0 ? named : reached >= 0 ? reached : STAGES.length - 1;
  const atCurrent: StageView = snapshot.status === 'FAILED' ? 'failed' : 'running';
  return STAGES.map((_, index) =>
    index < current ? 'done' : index === current ? atCurrent : 'pending',
  );
}
