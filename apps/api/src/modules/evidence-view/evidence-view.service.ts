import { Injectable } from '@nestjs/common';
import { AnalysisRepository, ArtifactRepository } from '@netmortem/db';
import type { Actor } from '../../common/auth/actor.js';
import { notFound } from '../../common/errors/app.error.js';
import { FlowTraceFilter, type FlowEndpoints } from './flow-trace.filter.js';
import { readLineWindow } from './line-window.js';
import type { ArtifactTextWindow } from './models/artifact-text.model.js';
import type { CapturePacketWindow, FlowTrace } from './models/flow-trace.model.js';
import type { SimulatedPacket } from './models/simulated-packet.model.js';
import { compactPacket, toSimulatedPacket, toTimelineEvent } from './simulation.mapper.js';
import { StoredDocumentReader } from './stored-document.reader.js';
import type { StoredPacketVerdict, StoredReportFinding } from './stored-documents.js';

const MAX_LINE_CHARS = 2000;
const INDEX = /"index":(\d+)/;

/** The finding as the rows keep it: enough to find it again in the stored report. */
export interface FindingRef {
  readonly analysisId: string;
  readonly rootCauseId: string;
  readonly flow: unknown;
}

/**
 * What the incident page shows beyond the rows: the report's narrative, a flow's packets and
 * conntrack history from the stored simulation, and windows into artifacts. Every read starts
 * from a row of the caller's team, so another team's keys are never reached.
 */
@Injectable()
export class EvidenceViewService {
  constructor(
    private readonly analyses: AnalysisRepository,
    private readonly artifacts: ArtifactRepository,
    private readonly documents: StoredDocumentReader,
  ) {}

  async reportFinding(actor: Actor, finding: FindingRef): Promise<StoredReportFinding | null> {
    const analysis = await this.analyses.findInTeam(actor.teamId, finding.analysisId);
    if (!analysis?.reportKey) return null;
    const report = await this.documents.report(analysis.reportKey);
    const flow = finding.flow as { client?: string; server?: string } | null;
    return (
      report.findings.find(
        (candidate) =>
          candidate.rootCause === finding.rootCauseId &&
          candidate.flow?.client === flow?.client &&
          candidate.flow?.server === flow?.server,
      ) ?? null
    );
  }

  async flowTrace(
    actor: Actor,
    analysisId: string,
    flow: FlowEndpoints,
    limit: number,
  ): Promise<FlowTrace> {
    const key = await this.simulationKey(actor, analysisId);
    if (key === null) return { available: false, packets: [], totalPackets: 0, events: [] };
    const filter = new FlowTraceFilter(flow);
    const trace: FlowTrace = { available: true, packets: [], totalPackets: 0, events: [] };
    await this.documents.scanSimulation(key, (section, item) => {
      if (section === 'packets') {
        const verdict = filter.packet(item);
        if (verdict === null) return;
        trace.totalPackets++;
        if (trace.packets.length < limit)
          trace.packets.push(compactPacket(toSimulatedPacket(verdict)));
      } else {
        const event = filter.event(item);
        if (event !== null) trace.events.push(toTimelineEvent(event));
      }
    });
    return trace;
  }

  async capturePackets(
    actor: Actor,
    analysisId: string,
    capture: string,
    first: number,
    last: number,
  ): Promise<CapturePacketWindow> {
    const key = await this.simulationKey(actor, analysisId);
    if (key === null) return { available: false, packets: [] };
    const needle = `"capture":${JSON.stringify(capture)}`;
    const packets: SimulatedPacket[] = [];
    await this.documents.scanSimulation(key, (section, item) => {
      // The timeline follows the packets: nothing more to find.
      if (section !== 'packets') return false;
      if (!item.includes(needle)) return true;
      const index = Number(INDEX.exec(item)?.[1]);
      if (index < first || index > last) return true;
      const verdict = JSON.parse(item) as StoredPacketVerdict;
      if (verdict.capture === capture) packets.push(toSimulatedPacket(verdict));
      return true;
    });
    packets.sort((a, b) => a.index - b.index || a.timeUs - b.timeUs);
    return { available: true, packets };
  }

  async artifactText(
    actor: Actor,
    bundleId: string,
    path: string,
    first: number,
    last: number,
  ): Promise<ArtifactTextWindow> {
    const artifact = (await this.artifacts.listByBundleInTeam(actor.teamId, bundleId)).find(
      (row) => row.path === path,
    );
    if (!artifact) throw notFound('artifact', `${bundleId}/${path}`);
    const source = await this.documents.open(artifact.storageKey);
    try {
      const window = await readLineWindow(source, first, last, MAX_LINE_CHARS);
      return { path, lines: [...window.lines], endOfFile: window.endOfFile };
    } finally {
      source.destroy();
    }
  }

  private async simulationKey(actor: Actor, analysisId: string): Promise<string | null> {
    const analysis = await this.analyses.findInTeam(actor.teamId, analysisId);
    if (!analysis) throw notFound('analysis', analysisId);
    return analysis.simulationKey;
  }
}
