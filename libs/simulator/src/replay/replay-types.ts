import type {
  ConntrackEntry,
  ConntrackEvent,
  KernelInfo,
  Packet,
  Ruleset,
  SocketSnapshot,
  SysctlSet,
} from '@netmortem/domain';
import type { CtInfo, TcpConntrackState } from '../model/index.js';

/**
 * What a replay reads: the parts of an EvidenceSet the simulator needs, plus the decoded
 * packets themselves (an EvidenceSet keeps flows, not packets). Every part is optional:
 * partial evidence is the norm.
 */
export interface ReplayEvidence {
  /** Packets of one or more captures, in any order; `locator.artifact` names the capture. */
  readonly packets: readonly Packet[];
  readonly rulesets?: readonly Ruleset[];
  readonly sysctls?: readonly SysctlSet[];
  readonly kernels?: readonly KernelInfo[];
  /** `conntrack -L` snapshots: NAT bindings and states to compare the replay with. */
  readonly conntrackEntries?: readonly ConntrackEntry[];
  /** `conntrack -E` events: timed anchors (seeds before the capture, flushes, comparisons). */
  readonly conntrackEvents?: readonly ConntrackEvent[];
  /** `ss` sockets: listeners and connections of the host's endpoints. */
  readonly sockets?: readonly SocketSnapshot[];
}

/** A TCP keepalive the what-if synthesises: probes every `intervalSec` from one side of a flow. */
export interface KeepaliveOverride {
  /** Which side sends the probes: the connection's client (SYN sender) or server. */
  readonly side: 'client' | 'server';
  /** Idle seconds before a probe is sent (tcp_keepalive_time / the socket option). */
  readonly everySec: number;
  /** Only flows with this endpoint (`ip:port`) on either side; all TCP flows when absent. */
  readonly endpoint?: string;
}

export interface ReplayOptions {
  /** A kernel profile id (`pre-5.14`, `5.14-6.1`, `6.2+`) or a release (`5.15.0-91-generic`). */
  readonly kernel?: string;
  /** sysctl overrides, keyed like `net.netfilter.nf_conntrack_tcp_be_liberal`. */
  readonly settings?: Readonly<Record<string, string>>;
  /** The host's own addresses; inferred from the evidence when absent. */
  readonly localAddresses?: readonly string[];
  /** Seed of the random number generator used for guessed statistic NAT picks. */
  readonly seed?: number;
  /** Keepalive probes to synthesise (what-if). */
  readonly keepalive?: readonly KeepaliveOverride[];
  /** Window in which a packet seen again on another interface or capture counts as the same packet (µs). */
  readonly duplicateWindowUs?: number;
}

/** One packet's journey through the modelled host, as `netmortem simulate --format json` prints it. */
export interface PacketVerdict {
  readonly capture: string;
  /** 1-based packet number in that capture (0 for packets the what-if synthesised). */
  readonly index: number;
  /** ISO time with microseconds. */
  readonly time: string;
  readonly timeUs: number;
  /** Where the host met it: received (`in`), sent by a local socket (`out`), or a copy. */
  readonly path: 'in' | 'out' | 'forward' | 'duplicate';
  readonly summary: string;
  readonly ctinfo: CtInfo | null;
  readonly ctStateBefore: TcpConntrackState | null;
  readonly ctStateAfter: TcpConntrackState | null;
  readonly entryId: number | null;
  readonly invalidReason?: string;
  readonly nat: {
    readonly applied: boolean;
    readonly kind?: string;
    readonly rule?: string;
    readonly translated?: TupleJson;
    readonly skippedBecause?: string;
    /** A statistic pick no evidence confirmed: the seeded random choice. */
    readonly guessed?: boolean;
    /** What decided a statistic pick: `conntrack anchor <locator>`, `capture after NAT <locator>`. */
    readonly chosenBy?: string;
  };
  readonly filter: { readonly verdict: string; readonly rule?: string; readonly chain?: string };
  readonly delivery: DeliveryJson | null;
  readonly response: ResponseJson | null;
  readonly observedResponse?: {
    readonly capture: string;
    readonly index: number;
    readonly flags: string;
    readonly matches: boolean;
  };
  /** For `path: duplicate`: the first observation of the same packet. */
  readonly sameAs?: {
    readonly capture: string;
    readonly index: number;
    readonly interface?: string;
  };
  readonly synthetic?: string;
  readonly notes?: readonly string[];
}

export interface TupleJson {
  readonly protocol: number;
  readonly src: string;
  readonly srcPort: number;
  readonly dst: string;
  readonly dstPort: number;
}

export interface DeliveryJson {
  readonly socket: string;
  readonly local: string;
  readonly stateBefore?: string;
  readonly stateAfter?: string;
  readonly note?: string;
}

export interface ResponseJson {
  readonly kind: string;
  readonly flags: string;
  readonly from: string;
  readonly to: string;
  readonly seq: number;
  readonly ack: number;
  readonly reason: string;
}

export type TimelineKind =
  | 'created'
  | 'updated'
  | 'expired'
  | 'destroyed'
  | 'renatted'
  | 'seeded'
  | 'flushed'
  | 'anchor-disagrees'
  | 'socket-timer';

/** One change of hidden state. */
export interface TimelineEvent {
  readonly time: string;
  readonly timeUs: number;
  readonly kind: TimelineKind;
  readonly entryId: number | null;
  readonly original?: TupleJson;
  readonly reply?: TupleJson;
  readonly from?: string;
  readonly to?: string;
  /** The timer that ran out (`ESTABLISHED`, `UNACKNOWLEDGED`…). */
  readonly timer?: string;
  /** The packet that caused it. */
  readonly packet?: { readonly capture: string; readonly index: number };
  /** The evidence line it came from or disagrees with. */
  readonly anchor?: string;
  readonly note: string;
}

export interface ReplayInputSummary {
  readonly packets: number;
  readonly captures: readonly string[];
  readonly duplicates: number;
  readonly localAddresses: readonly string[];
  readonly localAddressSources: readonly string[];
  readonly kernelProfile: string;
  readonly kernelFrom: string;
  readonly settingsOverridden: readonly string[];
  readonly rulesets: number;
  readonly seed: number;
}

/** The result of a replay; packets are materialised on demand (see ReplayRun). */
export interface ReplayReport {
  readonly input: ReplayInputSummary;
  readonly packets: readonly PacketVerdict[];
  readonly timeline: readonly TimelineEvent[];
}
