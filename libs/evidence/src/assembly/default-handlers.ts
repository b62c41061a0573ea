import type { EvidenceSet, Flow } from '@netmortem/domain';
import {
  conntrackEventsParser,
  conntrackStatsParser,
  conntrackTableParser,
} from '../parsers/conntrack/index.js';
import { netCountersParser, sysctlParser, unameParser } from '../parsers/host/index.js';
import {
  appLogParser,
  dmesgParser,
  envoyAccessLogParser,
  envoyDebugLogParser,
  straceParser,
} from '../parsers/logs/index.js';
import { manifestParser } from '../parsers/manifest/index.js';
import { iptablesSaveParser, nftRulesetParser } from '../parsers/rulesets/index.js';
import { netstatParser, ssParser } from '../parsers/sockets/index.js';
import type { ArtifactHandler } from './artifact-handler.js';
import { CaptureArtifactHandler } from './capture-artifact.handler.js';
import { EvidenceCollector } from './evidence-collector.js';
import { textArtifactHandler } from './text-artifact.handler.js';

// `nft -j` rulesets and JSON manifests arrive as one long line.
const WHOLE_DOCUMENT_LINE_BYTES = 16 * 1024 * 1024;

/** Every artifact kind netmortem reads, and where its result goes in the evidence. */
export function defaultArtifactHandlers(
  captures = new CaptureArtifactHandler(),
): ArtifactHandler[] {
  return [
    captures,
    textArtifactHandler(ssParser, (sockets, evidence) => appendAll(evidence.sockets, sockets)),
    textArtifactHandler(netstatParser, (sockets, evidence) => appendAll(evidence.sockets, sockets)),
    textArtifactHandler(conntrackTableParser, (entries, evidence) =>
      appendAll(evidence.conntrackEntries, entries),
    ),
    textArtifactHandler(conntrackEventsParser, (events, evidence) =>
      appendAll(evidence.conntrackEvents, events),
    ),
    textArtifactHandler(conntrackStatsParser, (stats, evidence) =>
      evidence.conntrackStats.push(stats),
    ),
    textArtifactHandler(sysctlParser, (set, evidence) => evidence.sysctls.push(set)),
    textArtifactHandler(unameParser, (kernel, evidence) => kernel && evidence.kernels.push(kernel)),
    textArtifactHandler(netCountersParser, (counters, evidence) =>
      evidence.counters.push(counters),
    ),
    textArtifactHandler(iptablesSaveParser, (ruleset, evidence) => evidence.rulesets.push(ruleset)),
    textArtifactHandler(nftRulesetParser, (ruleset, evidence) => evidence.rulesets.push(ruleset), {
      maxLineBytes: WHOLE_DOCUMENT_LINE_BYTES,
    }),
    textArtifactHandler(dmesgParser, (events, evidence) => appendAll(evidence.logEvents, events)),
    textArtifactHandler(envoyAccessLogParser, (events, evidence) =>
      appendAll(evidence.logEvents, events),
    ),
    textArtifactHandler(envoyDebugLogParser, (events, evidence) =>
      appendAll(evidence.logEvents, events),
    ),
    textArtifactHandler(appLogParser, (events, evidence) => appendAll(evidence.logEvents, events)),
    textArtifactHandler(straceParser, (trace, evidence) =>
      // Only epoch times line up with other evidence; time-of-day and relative clocks do not.
      appendAll(
        evidence.syscalls,
        trace.clock === 'epoch'
          ? trace.events
          : trace.events.map(({ timeUs: _dropped, ...event }) => event),
      ),
    ),
    textArtifactHandler(manifestParser, (manifest, evidence) => evidence.manifests.push(manifest), {
      maxLineBytes: WHOLE_DOCUMENT_LINE_BYTES,
    }),
  ];
}

export interface EvidenceCollectorSettings {
  /** False when the input cannot hold two captures to correlate (a single capture file). */
  readonly correlateCaptures?: boolean;
  /** Receive flows as they complete instead of in the evidence (implies no correlation). */
  readonly onFlow?: (flow: Flow) => void;
}

/** A collector with every handler, correlating flows across captures at the end. */
export function createEvidenceCollector(
  settings: EvidenceCollectorSettings = {},
): EvidenceCollector {
  const captures = new CaptureArtifactHandler({
    ...(settings.correlateCaptures === false ? { tracePackets: 0 } : {}),
    ...(settings.onFlow ? { onFlow: settings.onFlow } : {}),
  });
  return new EvidenceCollector({
    handlers: defaultArtifactHandlers(captures),
    finishers: [(evidence: EvidenceSet) => captures.correlate(evidence)],
  });
}

/** push(...items) overflows the call stack for very large arrays. */
function appendAll<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}
