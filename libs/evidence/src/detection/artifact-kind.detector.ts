import type { ArtifactKind } from '@netmortem/domain';
import { profileBytes } from './byte-profile.js';
import { detectAppLog } from './detectors/app-log.detector.js';
import { detectCapture } from './detectors/capture.detector.js';
import { detectConntrack } from './detectors/conntrack.detector.js';
import { detectEnvoy } from './detectors/envoy.detector.js';
import { detectFirewall } from './detectors/firewall.detector.js';
import { detectKernelLog } from './detectors/kernel-log.detector.js';
import { detectManifest } from './detectors/manifest.detector.js';
import { detectPackedData } from './detectors/packed-data.detector.js';
import { detectSocketTable } from './detectors/socket-table.detector.js';
import { detectStrace } from './detectors/strace.detector.js';
import { detectSysctl } from './detectors/sysctl.detector.js';
import type { DetectorFamily } from './detectors/text-detector.js';
import { detectUname } from './detectors/uname.detector.js';
import { DETECTION_HEAD_BYTES, type KindDetection } from './kind-detection.js';
import { kindsSuggestedByName, looksLikeLogName } from './path-hint.js';
import { sampleText } from './text-sample.js';

// Cheap, specific families first: once one of them is sure, the costlier catch-alls whose
// ceiling cannot beat it are skipped. On equal confidence the earlier family wins.
export const DETECTOR_FAMILIES: readonly DetectorFamily[] = [
  { name: 'manifest', detect: detectManifest, ceiling: 0.98 },
  { name: 'uname', detect: detectUname, ceiling: 0.97 },
  { name: 'conntrack', detect: detectConntrack, ceiling: 0.98 },
  { name: 'firewall', detect: detectFirewall, ceiling: 0.98 },
  { name: 'socket-table', detect: detectSocketTable, ceiling: 0.98 },
  { name: 'sysctl', detect: detectSysctl, ceiling: 0.97 },
  { name: 'strace', detect: detectStrace, ceiling: 0.97 },
  { name: 'envoy', detect: detectEnvoy, ceiling: 0.97 },
  { name: 'kernel-log', detect: detectKernelLog, ceiling: 0.96 },
  { name: 'app-log', detect: detectAppLog, ceiling: 0.85 },
];

/** A content match this strong is final: the file name is not consulted. */
const CLEAR_CONTENT = 0.6;
/** Weak candidates this close to the best one are a tie that the file name may break. */
const TIE_MARGIN = 0.1;
/** Weaker candidates are reported only when the file name agrees with them. */
const MIN_UNASSISTED = 0.3;
const LOG_NAME_FALLBACK = 0.2;
const NO_MATCH = 0.3;
/** Paths are only hints; a pathological one must not cost time. */
const MAX_PATH_CHARS = 1024;

/**
 * Says what kind of evidence a file holds, from its first bytes (up to DETECTION_HEAD_BYTES;
 * more are ignored) and, only to settle weak or tied content, its path in the bundle.
 * Pure and total: any bytes give a verdict, never an exception.
 */
export function detectArtifactKind(head: Uint8Array, path: string): KindDetection {
  const bytes = head.length > DETECTION_HEAD_BYTES ? head.subarray(0, DETECTION_HEAD_BYTES) : head;
  if (bytes.length === 0) return { kind: 'unknown', confidence: 0.95, reason: 'empty file' };
  const capture = detectCapture(bytes);
  if (capture) return capture;
  const profile = profileBytes(bytes);
  if (!profile.isText) {
    return (
      detectPackedData(bytes) ?? {
        kind: 'unknown',
        confidence: 0.9,
        reason: `binary data: ${profile.oddBytes} of ${profile.length} bytes are not text`,
      }
    );
  }
  const sample = sampleText(bytes);
  if (sample.lines.length === 0)
    return { kind: 'unknown', confidence: 0.95, reason: 'only whitespace' };
  const candidates: KindDetection[] = [];
  let best = 0;
  for (const family of DETECTOR_FAMILIES) {
    if (family.ceiling <= best) continue;
    const candidate = family.detect(sample);
    if (!candidate || candidate.confidence <= 0) continue;
    candidates.push(candidate);
    best = Math.max(best, candidate.confidence);
  }
  return choose(candidates, path.length > MAX_PATH_CHARS ? path.slice(-MAX_PATH_CHARS) : path);
}

function choose(candidates: readonly KindDetection[], path: string): KindDetection {
  const ranked = [...candidates].sort((a, b) => b.confidence - a.confidence);
  const best = ranked[0];
  if (best && best.confidence >= CLEAR_CONTENT) return best;

  const named = namedKinds(path);
  if (best) {
    const tied = ranked.filter((candidate) => candidate.confidence >= best.confidence - TIE_MARGIN);
    const agreed = tied.find((candidate) => named.includes(candidate.kind));
    if (agreed) return { ...agreed, reason: `${agreed.reason}; the file name agrees` };
    if (best.confidence >= MIN_UNASSISTED) return best;
  }
  if (named.includes('app-log')) {
    return {
      kind: 'app-log',
      confidence: LOG_NAME_FALLBACK,
      reason: 'text in no recognised format; the name suggests a log',
    };
  }
  const guess = best ? ` (closest: ${best.kind}, ${best.reason})` : '';
  return { kind: 'unknown', confidence: NO_MATCH, reason: `text in no recognised format${guess}` };
}

function namedKinds(path: string): readonly ArtifactKind[] {
  const kinds = kindsSuggestedByName(path);
  return looksLikeLogName(path) ? [...kinds, 'app-log'] : kinds;
}
