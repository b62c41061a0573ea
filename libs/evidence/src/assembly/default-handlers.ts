import type { EvidenceSet, Flow } from '@netmortem/domain';
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
  const sockets = () => import('../parsers/sockets/index.js');
  const conntrack = () => import('../parsers/conntrack/index.js');
  const host = () => import('../parsers/host/index.js');
  const rulesets = () => import('../parsers/rulesets/index.js');
  const logs = () => import('../parsers/logs/index.js');
  return [
    captures,
    textArtifactHandler(
      ['ss'],
      async () => (await sockets()).ssParser,
      (found, evidence) => appendAll(evidence.sockets, found),
    ),
    textArtifactHandler(
      ['netstat'],
      async () => (await sockets()).netstatParser,
      (found, evidence) => appendAll(evidence.sockets, found),
    ),
    textArtifactHandler(
      ['conntrack-table'],
      async () => (await conntrack()).conntrackTableParser,
      (entries, evidence) => appendAll(evidence.conntrackEntries, entries),
    ),
    textArtifactHandler(
      ['conntrack-events'],
      async () => (await conntrack()).conntrackEventsParser,
      (events, evidence) => appendAll(evidence.conntrackEvents, events),
    ),
    textArtifactHandler(
      ['conntrack-stats'],
      async () => (await conntrack()).conntrackStatsParser,
      (stats, evidence) => evidence.conntrackStats.push(stats),
    ),
    textArtifactHandler(
      ['sysctl'],
      async () => (await host()).sysctlParser,
      (set, evidence) => evidence.sysctls.push(set),
    ),
    textArtifactHandler(
      ['uname'],
      async () => (await host()).unameParser,
      (kernel, evidence) => {
        if (kernel) evidence.kernels.push(kernel);
      },
    ),
    textArtifactHandler(
      ['net-counters'],
      async () => (await host()).netCountersParser,
      (counters, evidence) => evidence.counters.push(counters),
    ),
    textArtifactHandler(
      ['iptables-save'],
      async () => (await rulesets()).iptablesSaveParser,
      (ruleset, evidence) => evidence.rulesets.push(ruleset),
    ),
    textArtifactHandler(
      ['nft-ruleset'],
      async () => (await rulesets()).nftRulesetParser,
      (ruleset, evidence) => evidence.rulesets.push(ruleset),
      {
        maxLineBytes: WHOLE_DOCUMENT_LINE_BYTES,
      },
    ),
    textArtifactHandler(
      ['dmesg'],
      async () => (await logs()).dmesgParser,
      (events, evidence) => appendAll(evidence.logEvents, events),
    ),
    textArtifactHandler(
      ['envoy-access-log'],
      async () => (await logs()).envoyAccessLogParser,
      (events, evidence) => appendAll(evidence.logEvents, events),
    ),
    textArtifactHandler(
      ['envoy-debug-log'],
      async () => (await logs()).envoyDebugLogParser,
      (events, evidence) => appendAll(evidence.logEvents, events),
    ),
    textArtifactHandler(
      ['app-log'],
      async () => (await logs()).appLogParser,
      (events, evidence) => appendAll(evidence.logEvents, events),
    ),
    textArtifactHandler(
      ['strace'],
      async () => (await logs()).straceParser,
      (trace, evidence) =>
        // Only epoch times line up with other evidence; time-of-day and relative clocks do not.
        appendAll(
          evidence.syscalls,
          trace.clock === 'epoch'
            ? trace.events
            : trace.events.map(({ timeUs: _dropped, ...event }) => event),
        ),
    ),
    textArtifactHandler(
      ['manifest'],
      async () => (await import('../parsers/manifest/index.js')).manifestParser,
      (manifest, evidence) => evidence.manifests.push(manifest),
      {
        maxLineBytes: WHOLE_DOCUMENT_LINE_BYTES,
      },
    ),
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
