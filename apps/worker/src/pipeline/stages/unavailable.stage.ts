import type { AnalysisStage } from '@netmortem/domain';
import type { StageHandler, StageOutcome } from '../stage-handler.js';

/**
 * A stage whose library is not built yet. It records that openly on the analysis
 * ("stage not available yet") instead of pretending to have looked.
 */
export class UnavailableStage implements StageHandler {
  constructor(
    readonly stage: AnalysisStage,
    private readonly reason: string,
  ) {}

  run(): Promise<StageOutcome> {
    return Promise.resolve({
      state: 'unavailable',
      note: `stage not available yet: ${this.reason}`,
    });
  }
}
