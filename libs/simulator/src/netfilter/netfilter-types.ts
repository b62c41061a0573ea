import type { Locator } from '@netmortem/domain';
import type { CtDirection, CtInfo, Tuple } from '../model/index.js';

/** The netfilter hooks iptables chains attach to. */
export type Hook = 'PREROUTING' | 'INPUT' | 'FORWARD' | 'OUTPUT' | 'POSTROUTING';

/** The iptables tables the simulator evaluates (security is not modelled). */
export type TableName = 'raw' | 'mangle' | 'nat' | 'filter';

/** Which rule of which dump: enough to cite it as evidence. */
export interface RuleRef {
  readonly table: TableName;
  readonly chain: string;
  /** 1-based position in its chain, as `iptables -L --line-numbers` counts. */
  readonly index: number;
  readonly raw: string;
  readonly locator: Locator;
  readonly comment?: string;
}

/** The headers a rule can look at, as they are when the packet reaches the hook. */
export interface PacketHeaders {
  readonly family: 4 | 6;
  /** IP protocol number: 6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6. */
  readonly protocol: number;
  readonly src: string;
  readonly dst: string;
  readonly srcPort: number;
  readonly dstPort: number;
  /** TCP flag bits as in `TcpFlag` (FIN 0x01 … CWR 0x80); 0 for other protocols. */
  readonly tcpFlags: number;
  /** Incoming interface (PREROUTING, INPUT, FORWARD); absent on locally generated packets. */
  readonly inIface?: string;
  /** Outgoing interface (FORWARD, OUTPUT, POSTROUTING). */
  readonly outIface?: string;
  /** Whole IP packet length in bytes (`-m length`). */
  readonly length?: number;
  /** skb mark the packet arrives with (0 when absent). */
  readonly mark?: number;
  /** Owner of the sending socket, for `-m owner` on OUTPUT/POSTROUTING. Unknown: see `owner` match. */
  readonly uid?: number;
  readonly gid?: number;
  /** A locally generated packet without a socket (e.g. a kernel RST): `-m owner` never matches. */
  readonly socketless?: boolean;
  readonly icmpType?: number;
  readonly icmpCode?: number;
  /** A non-first fragment (`-f`). */
  readonly fragment?: boolean;
  /** Bridge ports, for `-m physdev` (only for bridged packets). */
  readonly bridged?: boolean;
  readonly physInIface?: string;
  readonly physOutIface?: string;
}

/** What the conntrack entry (if any) tells the rules. */
export interface ConntrackView {
  readonly ctinfo: CtInfo;
  readonly direction?: CtDirection;
  readonly assured: boolean;
  readonly seenReply: boolean;
  /** IPS_DST_NAT / IPS_SRC_NAT: a NAT binding exists (`--ctstate DNAT/SNAT`). */
  readonly dnat: boolean;
  readonly snat: boolean;
  readonly mark: number;
  readonly original?: Tuple;
  readonly reply?: Tuple;
  /** The entry is in the hash table already (false for the first packet of a connection). */
  readonly confirmed?: boolean;
  /** Seconds left on the entry's timer, for `--ctexpire`. */
  readonly expiresInSec?: number;
}

/** An address/port range a NAT target names, before one value is chosen. */
export interface NatRange {
  readonly minAddress?: string;
  readonly maxAddress?: string;
  readonly minPort?: number;
  readonly maxPort?: number;
}

export interface NatAlternative {
  readonly rule: RuleRef;
  /** Probability that a NEW connection takes this rule, through the statistic-random branches. */
  readonly probability: number;
  readonly to: { readonly address?: string; readonly port?: number };
}

export interface NatDecision {
  /** TPROXY is reported as REDIRECT with `tproxy: true`. */
  readonly kind: 'DNAT' | 'REDIRECT' | 'SNAT' | 'MASQUERADE';
  readonly rule: RuleRef;
  /** The translated destination (DNAT/REDIRECT) or source (SNAT/MASQUERADE); undefined parts stay. */
  readonly to: { readonly address?: string; readonly port?: number };
  /**
   * Every NAT rule the packet could have reached through `statistic --mode random` branches,
   * with its effective probability (kube-proxy's 1/3, 1/2, 1 chain gives 1/3 each). The chosen
   * rule is among them. Probabilities summing to less than 1 leave the rest to "no NAT".
   */
  readonly alternatives?: NatAlternative[];
  /** The range the target allows, when it is wider than one value. */
  readonly range?: NatRange;
  /** --random, --random-fully, --persistent as written. */
  readonly flags?: readonly string[];
  /** Why `to` is only one plausible choice (ranges: the kernel hashes the tuple). */
  readonly approximate?: string;
  readonly tproxy?: boolean;
}

export interface RejectDecision {
  /** The --reject-with value as written (or the family default). */
  readonly with: string;
  readonly icmpType?: number;
  readonly icmpCode?: number;
  readonly tcpReset?: boolean;
  /** False when the kernel sends nothing (tcp-reset to a non-TCP or RST packet, ICMP about an ICMP error). */
  readonly sent: boolean;
}

export interface UnsupportedNote {
  readonly rule: RuleRef;
  readonly what: string;
}

export interface ChainResult {
  /** NONE: table or hook chain not present, so no decision. */
  readonly verdict: 'ACCEPT' | 'DROP' | 'REJECT' | 'NONE';
  /** The rule that decided; undefined when the chain policy did. */
  readonly rule?: RuleRef;
  readonly policy?: boolean;
  readonly reject?: RejectDecision;
  readonly nat?: NatDecision;
  /** CT --notrack / NOTRACK matched: the packet will be UNTRACKED. */
  readonly notrack?: boolean;
  /** The packet mark after MARK/CONNMARK --restore-mark, when a rule changed it. */
  readonly setMark?: number;
  /** The conntrack mark after CONNMARK, when a rule changed it. */
  readonly setConnmark?: number;
  /** Every rule whose matches held, in traversal order (a trace). */
  readonly matched: RuleRef[];
  /** Matches/targets not modelled, and what was assumed. */
  readonly unsupported: UnsupportedNote[];
}

/** A socket found for `-m socket`. */
export interface SocketLookupResult {
  readonly transparent: boolean;
  /** A listener bound to a wildcard address (excluded by --nowildcard). */
  readonly wildcard: boolean;
  readonly mark?: number;
}

export interface EvaluationEnvironment {
  /** Addresses of this host: `--dst-type LOCAL`, `--src-type LOCAL`. */
  readonly localAddresses: ReadonlySet<string>;
  /** Primary address of an interface: REDIRECT in PREROUTING, MASQUERADE. */
  readonly interfaceAddress?: (iface: string, family: 4 | 6) => string | undefined;
  /** Seeded random number in [0, 1): statistic --mode random. */
  readonly random: () => number;
  /** Socket lookup for `-m socket`; without it the match is reported and assumed false. */
  readonly findSocket?: (packet: PacketHeaders) => SocketLookupResult | undefined;
}
