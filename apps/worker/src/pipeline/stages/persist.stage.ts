import { Injectable } from '@nestjs/common';
import { FindingRepository } from '@netmortem/db';
import type { StageContext, StageHandler, StageOutcome } from '../stage-handler.js';

/**
 * Writes the analysis's findings. Until the matcher exists there are none to write, and the
 * stage says so; replacing (not appending) keeps a retried job from duplicating rows.
 */
@Injectable()
export class PersistStage implements StageHandler {
  readonly stage = 'persist' as const;

  constructor(private readonly findings: FindingRepository) {}

  async run({ analysis }: StageContext): Promise<StageOutcome> {
    await this.findings.replaceForAnalysis(analysis.teamId, analysis.id, []);
    return { state: 'done', note: '0 findings (the matcher is not available yet)' };
  }
}
