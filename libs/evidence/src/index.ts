export { DETECTION_HEAD_BYTES, type KindDetection } from './detection/kind-detection.js';
export { detectArtifactKind } from './detection/artifact-kind.detector.js';
export { IssueCollector } from './text/issue-collector.js';
export {
  readLines,
  readTextLines,
  type LineConsumer,
  type LineReadOptions,
} from './text/line-reader.js';
