export { DETECTION_HEAD_BYTES, type KindDetection } from './detection/kind-detection.js';
export { detectArtifactKind } from './detection/artifact-kind.detector.js';
export { IssueCollector } from './text/issue-collector.js';
export {
  readLines,
  readTextLines,
  type LineConsumer,
  type LineReadOptions,
} from './text/line-reader.js';
export * from './parsers/text-artifact-parser.js';
export type { ArtifactHandler, ArtifactInput, HandlerResult } from './assembly/artifact-handler.js';
export { EvidenceCollector, type EvidenceCollectorOptions } from './assembly/evidence-collector.js';
export { textArtifactHandler } from './assembly/text-artifact.handler.js';
export {
  createEvidenceCollector,
  defaultArtifactHandlers,
  type EvidenceCollectorSettings,
} from './assembly/default-handlers.js';
export {
  CaptureArtifactHandler,
  type CaptureHandlerOptions,
} from './assembly/capture-artifact.handler.js';
export { peekHead } from './assembly/peek-head.js';
export * from './layouts/index.js';
export * from './capture/index.js';
export * from './flows/index.js';
export { collectBundleEvidence, type BundleArtifact } from './assembly/bundle-evidence.js';
export * from './redaction/index.js';
