import type { ArtifactKind } from '@netmortem/domain';

/** How much of a file detection looks at: enough for hundreds of lines or a pcap's first packets. */
export const DETECTION_HEAD_BYTES = 65536;

/**
 * The verdict on one file. For `unknown`, confidence says how sure detection is that no parser
 * applies (an empty or compressed file is a sure `unknown`; unrecognised text is not).
 */
export interface KindDetection {
  readonly kind: ArtifactKind;
  /** 0..1 */
  readonly confidence: number;
  /** Short and human: 'pcapng section header block magic', '3 of 3 sampled lines look like ...'. */
  readonly reason: string;
}
