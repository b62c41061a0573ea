export { FlowAnalyzer, type FlowAnalysisSummary, type FlowCallback } from './flow-analyzer.js';
export type { FlowAnalyzerOptions } from './flow-options.js';
export type { FlowTrace, PacketDigest } from './packet-trace.js';
export { analyzeCapture, collectFlows, type CaptureFlows } from './analyze-capture.js';
export {
  correlateFlows,
  type CorrelationInput,
  type CorrelationOptions,
} from './flow-correlation.js';
