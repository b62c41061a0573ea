import type { ArtifactKind } from '../artifact/artifact-kind.js';
import type { ConntrackEntry, ConntrackEvent, ConntrackStats } from './conntrack.js';
import type { Flow, FlowCorrelation } from './flow.js';
import type { BundleManifest, CounterSet, KernelInfo, SysctlSet } from './host-facts.js';
import type { LogEvent, SyscallEvent } from './log-event.js';
import type { ParseIssue, ParseStatus } from './parse-issue.js';
import type { Ruleset } from './ruleset.js';
import type { SocketSnapshot } from './socket-snapshot.js';

/** What happened to one artifact: its kind, whether it parsed, and where it went wrong. */
export interface ArtifactReport {
  readonly path: string;
  readonly kind: ArtifactKind;
  readonly sizeBytes: number;
  /** `skipped`: a kind nothing reads (yet), e.g. unknown files. */
  readonly status: ParseStatus | 'skipped';
  /** The first problem, in words, when there was one. */
  readonly error?: string;
  /** Where that problem is: `path:line` or `path#packet N`. */
  readonly errorLocator?: string;
  readonly issues: readonly ParseIssue[];
  /** Lines or packets read. */
  readonly unitsRead: number;
}

/** A capture's envelope: format, time span, packet count. */
export interface CaptureInfo {
  readonly artifact: string;
  readonly format: 'pcap' | 'pcapng' | 'unknown';
  readonly linkTypes: readonly number[];
  readonly packets: number;
  readonly firstUs?: number;
  readonly lastUs?: number;
  readonly snaplen?: number;
}

/**
 * Everything read from a bundle, normalised: the input of the simulator and the matcher,
 * and what `netmortem inspect` prints. Every item carries its locator.
 */
export interface EvidenceSet {
  readonly artifacts: ArtifactReport[];
  readonly captures: CaptureInfo[];
  readonly flows: Flow[];
  readonly correlations: FlowCorrelation[];
  readonly sockets: SocketSnapshot[];
  readonly conntrackEntries: ConntrackEntry[];
  readonly conntrackEvents: ConntrackEvent[];
  readonly conntrackStats: ConntrackStats[];
  readonly rulesets: Ruleset[];
  readonly sysctls: SysctlSet[];
  readonly kernels: KernelInfo[];
  readonly counters: CounterSet[];
  readonly logEvents: LogEvent[];
  readonly syscalls: SyscallEvent[];
  readonly manifests: BundleManifest[];
}

export function emptyEvidenceSet(): EvidenceSet {
  return {
    artifacts: [],
    captures: [],
    flows: [],
    correlations: [],
    sockets: [],
    conntrackEntries: [],
    conntrackEvents: [],
    conntrackStats: [],
    rulesets: [],
    sysctls: [],
    kernels: [],
    counters: [],
    logEvents: [],
    syscalls: [],
    manifests: [],
  };
}
