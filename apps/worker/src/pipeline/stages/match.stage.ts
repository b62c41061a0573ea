import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { Inject, Injectable } from '@nestjs/common';
import { AnalysisRepository } from '@netmortem/db';
import { collectCapturePackets } from '@netmortem/evidence';
import { analyzeEvidence } from '@netmortem/matcher';
import type { ObjectStore } from '@netmortem/storage';
import { WORKER_CONFIG, type WorkerEnv } from '../../config/worker-config.js';
import { OBJECT_STORE } from '../object-store.provider.js';
import type { StageContext, StageHandler, StageOutcome } from '../stage-handler.js';
import { StoredEvidence } from '../stored-evidence.js';

/**
 * Classifies the evidence (and the simulator's replay of its suspicious flows) against the
 * catalogue: ranked findings with evidence for and against, remediation with what-if proofs,
 * latent risks. The report goes to the object store; the persist stage turns it into rows.
 */
@Injectable()
export class MatchStage implements StageHandler {
  readonly stage = 'match' as const;

  constructor(
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(WORKER_CONFIG) private readonly config: WorkerEnv,
    private readonly stored: StoredEvidence,
    private readonly analyses: AnalysisRepository,
  ) {}

  async run({ analysis, log }: StageContext): Promise<StageOutcome> {
    const evidence = await this.stored.load(analysis);
    const started = performance.now();
    const reading =
      evidence.captures.length === 0
        ? { packets: [], issues: [] }
        : await collectCapturePackets(
            await this.stored.captureSources(analysis.bundleId, evidence),
            {
              maxPackets: this.config.SIMULATE_MAX_PACKETS,
            },
          );
    const report = await analyzeEvidence({ evidence, packets: reading.packets });
    const stored = await this.store.put(
      Readable.from([Buffer.from(JSON.stringify(report))]).pipe(createGzip()),
    );
    await this.analyses.setReportKey(analysis.id, stored.key);
    const top = report.findings[0];
    log.info(
      {
        reportKey: stored.key,
        findings: report.findings.length,
        risks: report.risks.length,
        top: top?.rootCause,
        ms: Math.round(performance.now() - started),
      },
      'match report stored',
    );
    return {
      state: 'done',
      note:
        report.findings.length === 0
          ? `no known root cause${report.risks.length ? `; ${report.risks.length} latent risk(s)` : ''}`
          : `${report.findings.length} finding(s); top: ${top!.rootCause} (${Math.round(top!.confidence * 100)} %)`,
    };
  }
}
