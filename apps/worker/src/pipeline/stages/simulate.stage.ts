import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { Inject, Injectable } from '@nestjs/common';
import { AnalysisRepository } from '@netmortem/db';
import { NetmortemError } from '@netmortem/domain';
import { collectCapturePackets } from '@netmortem/evidence';
import { replayEvidence, type ReplayEvidence } from '@netmortem/simulator';
import type { ObjectStore } from '@netmortem/storage';
import { WORKER_CONFIG, type WorkerEnv } from '../../config/worker-config.js';
import { OBJECT_STORE } from '../object-store.provider.js';
import { StoredEvidence } from '../stored-evidence.js';
import { simulationJsonChunks, type SimulationReport } from '../simulation/simulation-document.js';
import { simulationNote } from '../simulation/simulation-tally.js';
import type { StageContext, StageHandler, StageOutcome } from '../stage-handler.js';

/**
 * Replays the bundle's captures through the conntrack, NAT, filter and TCP endpoint models,
 * with the bundle's rules, sysctls, kernel release, conntrack listings and events, and ss
 * snapshots, and stores the per-packet verdicts and the hidden-state timeline for the
 * matcher and the people reading the analysis. Damaged captures and odd evidence become
 * issues in the stored report, never a failed stage.
 */
@Injectable()
export class SimulateStage implements StageHandler {
  readonly stage = 'simulate' as const;

  constructor(
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(WORKER_CONFIG) private readonly config: WorkerEnv,
    private readonly stored: StoredEvidence,
    private readonly analyses: AnalysisRepository,
  ) {}

  async run({ analysis, log }: StageContext): Promise<StageOutcome> {
    const evidence = await this.stored.load(analysis);
    if (evidence.captures.length === 0) {
      return {
        state: 'done',
        note: 'nothing to replay: the bundle holds no capture (pcap or pcapng)',
      };
    }

    const started = performance.now();
    const reading = await collectCapturePackets(
      await this.stored.captureSources(analysis.bundleId, evidence),
      {
        maxPackets: this.config.SIMULATE_MAX_PACKETS,
      },
    );
    if (reading.packets.length === 0) {
      const why = reading.issues[0]?.message;
      return {
        state: 'done',
        note: `nothing to replay: no IP packet in ${evidence.captures.map((c) => c.artifact).join(', ')}${why ? ` (${why})` : ''}`,
      };
    }
    const readMs = performance.now() - started;

    const input: ReplayEvidence = {
      packets: reading.packets,
      rulesets: evidence.rulesets,
      sysctls: evidence.sysctls,
      kernels: evidence.kernels,
      conntrackEntries: evidence.conntrackEntries,
      conntrackEvents: evidence.conntrackEvents,
      sockets: evidence.sockets,
    };
    const run = replayEvidence(input);
    const replayMs = performance.now() - started - readMs;

    const written: { report?: SimulationReport } = {};
    const stored = await this.store.put(
      Readable.from(
        simulationJsonChunks(run, reading, (report) => {
          written.report = report;
        }),
      ).pipe(createGzip()),
    );
    const report = written.report;
    if (!report) {
      throw new NetmortemError('SIMULATION_INCOMPLETE', 'the simulation was not written whole', {
        analysisId: analysis.id,
      });
    }
    await this.analyses.setSimulationKey(analysis.id, stored.key);
    log.info(
      {
        simulationKey: stored.key,
        storedBytes: stored.sizeBytes,
        readMs: Math.round(readMs),
        replayMs: Math.round(replayMs),
        totalMs: Math.round(performance.now() - started),
        ...countsOnly(report),
      },
      'simulation stored',
    );
    const issues = reading.issues.length > 0 ? `; ${reading.issues.length} capture issue(s)` : '';
    return { state: 'done', note: `${simulationNote(report, reading.maxPackets)}${issues}` };
  }
}

function countsOnly(report: SimulationReport): Record<string, number> {
  const { captures: _captures, issues, ...counts } = report;
  return { ...counts, issues: issues.length };
}
