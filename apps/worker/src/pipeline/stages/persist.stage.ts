import { text } from 'node:stream/consumers';
import { createGunzip } from 'node:zlib';
import { Inject, Injectable } from '@nestjs/common';
import { AnalysisRepository, FindingRepository, type NewFinding } from '@netmortem/db';
import type { AnalysisReport } from '@netmortem/matcher';
import type { ObjectStore } from '@netmortem/storage';
import { OBJECT_STORE } from '../object-store.provider.js';
import type { StageContext, StageHandler, StageOutcome } from '../stage-handler.js';

/**
 * Writes the match report's findings as rows. Replacing (not appending) keeps a retried job
 * from duplicating them; the fingerprint (cause + flow) is unique per analysis.
 */
@Injectable()
export class PersistStage implements StageHandler {
  readonly stage = 'persist' as const;

  constructor(
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    private readonly findings: FindingRepository,
    private readonly analyses: AnalysisRepository,
  ) {}

  async run({ analysis }: StageContext): Promise<StageOutcome> {
    const row = await this.analyses.findById(analysis.id);
    const key = row?.reportKey ?? null;
    const report: AnalysisReport | null =
      key === null
        ? null
        : (JSON.parse(
            await text((await this.store.get(key)).pipe(createGunzip())),
          ) as AnalysisReport);
    const rows: NewFinding[] = (report?.findings ?? []).map((f, rank) => ({
      rootCauseSlug: f.rootCause,
      fingerprint: f.fingerprint,
      rank,
      confidence: f.confidence,
      summary: f.summary,
      flow: f.flow ? { ...f.flow } : null,
      evidence: f.evidence.map((e) => ({ ...e })),
      evidenceAgainst: f.evidenceAgainst.map((e) => ({ ...e })),
      remediation: JSON.parse(JSON.stringify(f.remediation)) as NewFinding['remediation'],
    }));
    await this.findings.replaceForAnalysis(analysis.teamId, analysis.id, rows);
    return {
      state: 'done',
      note: report === null ? '0 findings (no match report)' : `${rows.length} finding(s) written`,
    };
  }
}
