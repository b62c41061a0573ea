import type { CaptureInfo, EvidenceSet, Flow } from '@netmortem/domain';
import type { CaptureSummary } from '../capture/capture-summary.js';
import { analyzeCapture } from '../flows/analyze-capture.js';
import { correlateFlows } from '../flows/flow-correlation.js';
import { packTrace, unpackTrace } from '../flows/packet-trace.js';
import { IssueCollector } from '../text/issue-collector.js';
import type { ArtifactHandler, ArtifactInput, HandlerResult } from './artifact-handler.js';

export interface CaptureHandlerOptions {
  /**
   * First and last packets of each flow kept for cross-capture correlation (NAT before and
   * after); 0 when the bundle cannot hold a second capture (a single capture file).
   */
  readonly tracePackets?: number;
  /**
   * Hands each flow over as soon as it is complete instead of keeping it in the evidence
   * (no correlation then): memory stays flat however many flows a capture holds.
   */
  readonly onFlow?: (flow: Flow) => void;
}

/**
 * Reads pcap and pcapng artifacts into flows with their anomalies. Captures of the same
 * connections taken at different points (pod and node side of a NAT) are correlated once
 * every capture is in, which is why each flow's first packets are kept until then.
 */
export class CaptureArtifactHandler implements ArtifactHandler {
  readonly kinds = ['pcap', 'pcapng'] as const;
  private readonly captures: { artifact: string; flows: { flow: Flow; trace?: Float64Array }[] }[] =
    [];

  constructor(private readonly options: CaptureHandlerOptions = {}) {}

  async read(input: ArtifactInput, evidence: EvidenceSet): Promise<HandlerResult> {
    const issues = new IssueCollector(input.path);
    const flows: { flow: Flow; trace?: Float64Array }[] = [];
    const { onFlow } = this.options;
    const result = await analyzeCapture(
      input.stream,
      input.path,
      onFlow
        ? (flow) => onFlow(flow)
        : (flow, trace) =>
            flows.push(trace === undefined ? { flow } : { flow, trace: packTrace(trace) }),
      issues,
      {
        tracePackets: onFlow ? 0 : (this.options.tracePackets ?? 8),
        ...(input.onBytes ? { onProgress: input.onBytes } : {}),
      },
    );
    evidence.captures.push(captureInfo(input.path, result.capture));
    if (!onFlow) {
      flows.sort((a, b) => a.flow.firstPacket - b.flow.firstPacket);
      for (const { flow } of flows) evidence.flows.push(flow);
      this.captures.push({ artifact: input.path, flows });
    }
    const status =
      result.capture.packets === 0 && issues.count > 0
        ? 'failed'
        : issues.count > 0
          ? 'partial'
          : 'parsed';
    return { status, issues: issues.list(), unitsRead: result.capture.packets };
  }

  /** Correlates every pair of captures, then lets the traces go. */
  correlate(evidence: EvidenceSet): void {
    if (this.captures.length > 1) {
      const inputs = this.captures.map((capture) =>
        capture.flows.map(({ flow, trace }) =>
          trace === undefined ? { flow } : { flow, trace: unpackTrace(trace) },
        ),
      );
      for (let a = 0; a < inputs.length; a += 1) {
        for (let b = a + 1; b < inputs.length; b += 1) {
          for (const correlation of correlateFlows(inputs[a]!, inputs[b]!)) {
            evidence.correlations.push(correlation);
          }
        }
      }
    }
    this.captures.length = 0;
  }
}

function captureInfo(artifact: string, summary: CaptureSummary): CaptureInfo {
  const snaplens = summary.interfaces.map((face) => face.snaplen).filter((value) => value > 0);
  return {
    artifact,
    format: summary.format,
    linkTypes: [...new Set(summary.interfaces.map((face) => face.linkType))],
    packets: summary.packets,
    ...(summary.firstUs === undefined ? {} : { firstUs: summary.firstUs }),
    ...(summary.lastUs === undefined ? {} : { lastUs: summary.lastUs }),
    ...(snaplens.length > 0 ? { snaplen: Math.max(...snaplens) } : {}),
  };
}
