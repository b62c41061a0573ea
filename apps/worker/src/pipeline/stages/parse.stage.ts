import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { Inject, Injectable } from '@nestjs/common';
import { AnalysisRepository, ArtifactRepository, ArtifactStatus } from '@netmortem/db';
import { isArtifactKind, type ArtifactReport, type EvidenceSet } from '@netmortem/domain';
import { collectBundleEvidence } from '@netmortem/evidence';
import type { ObjectStore } from '@netmortem/storage';
import { OBJECT_STORE } from '../object-store.provider.js';
import type { StageContext, StageHandler, StageOutcome } from '../stage-handler.js';

const STATUS_OF: Readonly<Record<ArtifactReport['status'], ArtifactStatus>> = {
  parsed: ArtifactStatus.PARSED,
  partial: ArtifactStatus.PARSED,
  failed: ArtifactStatus.FAILED,
  skipped: ArtifactStatus.SKIPPED,
};

/**
 * Reads every artifact into the normalised evidence, records per artifact whether it parsed
 * (and where it went wrong), and stores the evidence for the stages after it. A bad
 * artifact fails alone.
 */
@Injectable()
export class ParseStage implements StageHandler {
  readonly stage = 'parse' as const;

  constructor(
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    private readonly artifacts: ArtifactRepository,
    private readonly analyses: AnalysisRepository,
  ) {}

  async run({ analysis, log }: StageContext): Promise<StageOutcome> {
    const rows = await this.artifacts.listByBundle(analysis.bundleId);
    const evidence = await collectBundleEvidence(
      rows.map((row) => ({
        path: row.path,
        sizeBytes: Number(row.sizeBytes),
        ...(isArtifactKind(row.kind) ? { kind: row.kind } : {}),
        open: () => this.store.get(row.storageKey),
      })),
    );
    const reports = new Map(evidence.artifacts.map((report) => [report.path, report]));
    for (const row of rows) {
      const report = reports.get(row.path);
      if (!report) continue;
      await this.artifacts.recordParse(row.id, {
        status: STATUS_OF[report.status],
        error: report.error ?? null,
        errorLocator: report.errorLocator ?? null,
      });
    }
    const stored = await this.store.put(
      Readable.from([JSON.stringify(evidence)]).pipe(createGzip()),
    );
    await this.analyses.setEvidenceKey(analysis.id, stored.key);
    log.info({ evidenceKey: stored.key, ...countsOf(evidence) }, 'evidence stored');
    return { state: 'done', note: summary(evidence) };
  }
}

function countsOf(evidence: EvidenceSet): Record<string, number> {
  return {
    flows: evidence.flows.length,
    sockets: evidence.sockets.length,
    conntrackEntries: evidence.conntrackEntries.length,
    conntrackEvents: evidence.conntrackEvents.length,
    rulesets: evidence.rulesets.length,
    logEvents: evidence.logEvents.length,
    syscalls: evidence.syscalls.length,
  };
}

function summary(evidence: EvidenceSet): string {
  const by = (status: ArtifactReport['status']): number =>
    evidence.artifacts.filter((a) => a.status === status).length;
  const parts = [
    `${by('parsed')} parsed`,
    `${by('partial')} partly parsed`,
    `${by('failed')} failed`,
    `${by('skipped')} not read`,
  ];
  const found = Object.entries(countsOf(evidence))
    .filter(([, count]) => count > 0)
    .map(([name, count]) => `${count} ${name}`);
  return `${parts.join(', ')}${found.length ? `; ${found.join(', ')}` : ''}`;
}
