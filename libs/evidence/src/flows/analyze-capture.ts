import type { Flow } from '@netmortem/domain';
import { readCapture } from '../capture/capture.reader.js';
import type { CaptureSummary, ReadCaptureOptions } from '../capture/capture-summary.js';
import type { IssueCollector } from '../text/issue-collector.js';
import { FlowAnalyzer, type FlowAnalysisSummary, type FlowCallback } from './flow-analyzer.js';
import type { FlowAnalyzerOptions } from './flow-options.js';
import type { FlowTrace } from './packet-trace.js';

export interface CaptureFlows {
  readonly capture: CaptureSummary;
  readonly analysis: FlowAnalysisSummary;
}

/**
 * Reads a capture and analyses its flows in one streaming pass; each flow goes to `onFlow`
 * as soon as it is done, so nothing grows with the capture (see FlowAnalyzer).
 */
export async function analyzeCapture(
  source: AsyncIterable<Uint8Array>,
  artifact: string,
  onFlow: FlowCallback,
  issues: IssueCollector,
  options: FlowAnalyzerOptions & ReadCaptureOptions = {},
): Promise<CaptureFlows> {
  const analyzer = new FlowAnalyzer(artifact, onFlow, options);
  const capture = await readCapture(
    source,
    artifact,
    (view) => analyzer.add(view),
    issues,
    options,
  );
  return { capture, analysis: analyzer.finish() };
}

/** The same, collecting the flows (sorted by first packet) with their traces: for tests and small captures. */
export async function collectFlows(
  source: AsyncIterable<Uint8Array>,
  artifact: string,
  issues: IssueCollector,
  options: FlowAnalyzerOptions & ReadCaptureOptions = {},
): Promise<CaptureFlows & { flows: { flow: Flow; trace?: FlowTrace }[] }> {
  const flows: { flow: Flow; trace?: FlowTrace }[] = [];
  const result = await analyzeCapture(
    source,
    artifact,
    (flow, trace) => flows.push(trace === undefined ? { flow } : { flow, trace }),
    issues,
    options,
  );
  flows.sort((a, b) => a.flow.firstPacket - b.flow.firstPacket);
  return { ...result, flows };
}
