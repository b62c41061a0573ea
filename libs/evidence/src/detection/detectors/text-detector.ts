import type { KindDetection } from '../kind-detection.js';
import type { TextSample } from '../text-sample.js';

/**
 * One family of text formats. Returns its best guess with a confidence, or nothing when the
 * sample does not look like any of its formats; the caller weighs the families against each other.
 */
export type TextDetector = (sample: TextSample) => KindDetection | undefined;

export interface DetectorFamily {
  readonly name: string;
  readonly detect: TextDetector;
  /** The highest confidence `detect` ever returns: families that cannot beat a verdict are skipped. */
  readonly ceiling: number;
}
