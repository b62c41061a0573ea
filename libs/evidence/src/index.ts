export { DETECTION_HEAD_BYTES, type KindDetection } from './detection/kind-detection.js';
export { detectArtifactKind } from './detection/artifact-kind.detector.js';
