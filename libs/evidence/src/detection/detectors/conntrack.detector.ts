import { roundConfidence, sampledLines, shareConfidence } from '../confidence.js';
import type { KindDetection } from '../kind-detection.js';
import type { TextSample } from '../text-sample.js';

/**
 * conntrack-tools output and its /proc equivalents.
 *
 * - Table (`conntrack -L`, `/proc/net/nf_conntrack`, `-o extended`): one entry per line, protocol,
 *   timeout, state, then the original and reply tuples (`src= dst= sport= dport=` twice).
 *   The proc file and `-o extended` put the layer-3 name and number first (`ipv4     2 tcp ...`).
 * - Events (`conntrack -E`): the same tuples behind `[NEW]`, `[UPDATE]` or `[DESTROY]`, which
 *   are right-aligned (most lines start with spaces); `-o timestamp` adds an epoch stamp
 *   `[1700000000.123456]` in front. Older tools print DESTROY lines without the timeout column.
 * - Statistics (`conntrack -S`: `cpu=0 found=... insert_failed=... drop=...`, and the hex table of
 *   `/proc/net/stat/nf_conntrack`).
 *
 * When stderr is captured too, the tool's closing line ("N flow entries have been shown." or
 * "N flow events have been shown.") tells table and events apart even with no entries at all.
 */

const ENTRY =
  /^(?:\[\d{9,11}\.\d{1,9}\])?\s*(?:\[(NEW|UPDATE|DESTROY)\]\s+)?(?:ipv[46]\s+\d+\s+)?[a-z][a-z0-9]*\s+\d+\s+(?:\d+\s+)?(?:[A-Z_]+\s+)?src=\S+ dst=\S+ /;
const TOOL_SUMMARY =
  /^conntrack v\d+\.\d+\.\d+ \(conntrack-tools\): \d+ flow (entries|events) have been shown\.$/;
const STATS_CPU_ROW = /^cpu=\d+\s+(?:[a-z_]+=\d+\s*)+$/;
const STATS_KEY = /\b(?:found|invalid|insert_failed|drop|early_drop|search_restart)=\d+/;
const PROC_STATS_HEADER = /^entries\s+(?:\w+\s+)*?found\s+new\s+invalid\b/;
const PROC_STATS_ROW = /^[0-9a-f]{8}(?:\s+[0-9a-f]{8})+$/;

export function detectConntrack(sample: TextSample): KindDetection | undefined {
  return entries(sample) ?? statistics(sample);
}

function entries(sample: TextSample): KindDetection | undefined {
  const { lines } = sample;
  let tableLines = 0;
  let eventLines = 0;
  let summary: 'entries' | 'events' | undefined;
  for (const line of lines) {
    const entry = ENTRY.exec(line);
    if (entry) {
      if (entry[1] === undefined) tableLines++;
      else eventLines++;
      continue;
    }
    const closing = TOOL_SUMMARY.exec(line);
    if (closing) summary = closing[1] === 'events' ? 'events' : 'entries';
  }
  const tuples = tableLines + eventLines;
  if (tuples === 0) {
    if (summary === undefined) return undefined;
    return {
      kind: summary === 'events' ? 'conntrack-events' : 'conntrack-table',
      confidence: 0.9,
      reason: `conntrack-tools "flow ${summary} have been shown" line, no ${summary}`,
    };
  }
  const isEvents = summary === 'events' || (summary === undefined && eventLines >= tableLines);
  const kind = isEvents ? 'conntrack-events' : 'conntrack-table';
  const matching = isEvents ? eventLines : tableLines;
  const what = isEvents ? 'are conntrack -E events' : 'are conntrack table entries';
  const supported = matching + (summary === undefined ? 0 : 1);
  // Tuples are unmistakable, so a majority of them is a structural match; a few tuples inside
  // other text (a pasted excerpt in a log) only count as a weak hint.
  const share = supported / lines.length;
  const confidence =
    share >= 0.5
      ? roundConfidence(0.9 + 0.08 * share)
      : shareConfidence(supported, lines.length, 0.3, 0.6);
  return { kind, confidence, reason: sampledLines(matching, lines.length, what) };
}

function statistics(sample: TextSample): KindDetection | undefined {
  const { lines } = sample;
  if (lines.length > 0 && PROC_STATS_HEADER.test(lines[0]!)) {
    const rows = lines.slice(1).filter((line) => PROC_STATS_ROW.test(line)).length;
    if (rows === lines.length - 1) {
      return {
        kind: 'conntrack-stats',
        confidence: 0.95,
        reason: '/proc/net/stat/nf_conntrack header and per-cpu rows',
      };
    }
  }
  const cpuRows = lines.filter((line) => STATS_CPU_ROW.test(line) && STATS_KEY.test(line)).length;
  if (cpuRows === 0) return undefined;
  const share = cpuRows / lines.length;
  return {
    kind: 'conntrack-stats',
    confidence:
      share >= 0.5
        ? roundConfidence(0.9 + 0.08 * share)
        : shareConfidence(cpuRows, lines.length, 0.3, 0.6),
    reason: sampledLines(cpuRows, lines.length, 'are conntrack -S per-cpu counters'),
  };
}
