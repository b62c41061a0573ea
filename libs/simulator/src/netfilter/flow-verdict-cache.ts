import type {
  ChainResult,
  ConntrackView,
  Hook,
  PacketHeaders,
  TableName,
} from './netfilter-types.js';

/**
 * Match modules whose outcome is a function of the run's inputs alone (the packet headers, the
 * conntrack view, the host's address set): no random draw, no counter, no clock, no socket
 * table, no per-packet length. A chain built only from these gives the same ChainResult for
 * the same inputs, which is what makes caching it exact. `conntrack` is listed, but a rule
 * using its `--ctexpire` option (time left on the entry) is not flow-stable.
 */
const FLOW_STABLE_MODULES: ReadonlySet<string> = new Set([
  'ip',
  'tcp',
  'udp',
  'udplite',
  'sctp',
  'dccp',
  '6',
  '17',
  'multiport',
  'icmp',
  'icmp6',
  'ipv6-icmp',
  'icmpv6',
  'iprange',
  'addrtype',
  'pkttype',
  'physdev',
  'owner',
  'conntrack',
  'state',
  'mark',
  'connmark',
  'comment',
]);

/**
 * Inputs a flow-stable chain may or may not read, so that a flow's cache key leaves out what
 * no rule looks at: TCP flags change from packet to packet, conntrack status bits during the
 * handshake, and keying on them would make every flow miss until it is nearly over.
 */
export const FlowReads = {
  /** `packet.tcpFlags`: tcp --syn/--tcp-flags, and REJECT (no reset answers a RST). */
  TcpFlags: 1,
  /** `ct.assured`, `ct.seenReply`, `ct.confirmed`: conntrack --ctstatus. */
  CtStatus: 2,
} as const;

const PORT_ONLY_OPTIONS: ReadonlySet<string> = new Set([
  'sport',
  'source-port',
  'dport',
  'destination-port',
]);
const TCP_MODULES: ReadonlySet<string> = new Set(['tcp', '6']);

/** Which optional inputs (FlowReads bits) a rule's matches read (REJECT: see flowStableReads). */
export function flowReadsOf(
  matches: readonly {
    readonly module: string;
    readonly options: Readonly<Record<string, string>>;
  }[],
): number {
  let reads = 0;
  for (const match of matches) {
    if (TCP_MODULES.has(match.module)) {
      for (const option of Object.keys(match.options))
        if (!PORT_ONLY_OPTIONS.has(option)) reads |= FlowReads.TcpFlags;
    } else if (match.module === 'conntrack' && match.options.ctstatus !== undefined) {
      reads |= FlowReads.CtStatus;
    }
  }
  return reads;
}

/** Whether one rule's matches read only per-flow inputs (see FLOW_STABLE_MODULES). */
export function isFlowStableRule(
  matches: readonly {
    readonly module: string;
    readonly options: Readonly<Record<string, string>>;
  }[],
): boolean {
  for (const match of matches) {
    if (!FLOW_STABLE_MODULES.has(match.module)) return false;
    if (match.module === 'conntrack' && match.options.ctexpire !== undefined) return false;
  }
  return true;
}

/** One remembered run: every input a flow-stable chain can read, and what it gave. */
interface CachedRun {
  readonly table: TableName;
  readonly hook: Hook;
  readonly reads: number;
  /** A verdict-only result has no trace: never the answer to a caller wanting one. */
  readonly detail: string;
  readonly localCount: number;
  // Packet headers.
  readonly family: number;
  readonly protocol: number;
  readonly src: string;
  readonly dst: string;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly tcpFlags: number;
  readonly inIface: string | undefined;
  readonly outIface: string | undefined;
  readonly mark: number | undefined;
  readonly uid: number | undefined;
  readonly gid: number | undefined;
  readonly socketless: boolean | undefined;
  readonly icmpType: number | undefined;
  readonly icmpCode: number | undefined;
  readonly fragment: boolean | undefined;
  readonly bridged: boolean | undefined;
  readonly physInIface: string | undefined;
  readonly physOutIface: string | undefined;
  // Conntrack view.
  readonly ctinfo: string;
  readonly direction: string | undefined;
  readonly assured: boolean;
  readonly seenReply: boolean;
  readonly dnat: boolean;
  readonly snat: boolean;
  readonly ctmark: number;
  readonly original: object | undefined;
  readonly reply: object | undefined;
  readonly confirmed: boolean | undefined;
  readonly result: ChainResult;
}

/** A flow meets few combinations (a couple of flag classes per direction, one or two ctstates). */
const MAX_CACHED_RUNS = 8;

/**
 * The chain results one flow (one conntrack entry) got, keyed by every input a flow-stable
 * chain reads: the netfilter analogue of flow offload. Packets of an established connection
 * repeat the same headers and conntrack view in each direction, so after the first few the
 * filter and mangle chains need not be walked again.
 *
 * Exact by construction: a hit requires every field a match, target or the reject decision can
 * read to be equal (tuples by identity: an entry's tuples are fixed once confirmed; TCP flags
 * and conntrack status bits only when a reachable rule reads them, see FlowReads), and the
 * evaluator only consults the cache for chains whose every reachable rule is flow-stable. The
 * stored result is the object the full walk returned, so a hit is indistinguishable from a
 * walk (callers must treat ChainResult as read-only, as they do).
 *
 * Not exact for callers that put per-packet data in fields a flow-stable match reads without
 * saying so: none exists (`-m length` and the like make a chain unstable instead).
 */
export class FlowVerdictCache {
  private runs: CachedRun[] = [];
  private next = 0;

  find(
    table: TableName,
    hook: Hook,
    packet: PacketHeaders,
    ct: ConntrackView,
    localCount: number,
    reads: number,
    detail = 'trace',
  ): ChainResult | undefined {
    const runs = this.runs;
    for (let i = 0; i < runs.length; i++) {
      const r = runs[i] as CachedRun;
      if (
        r.table === table &&
        r.hook === hook &&
        r.reads === reads &&
        r.detail === detail &&
        ((reads & FlowReads.TcpFlags) === 0 || r.tcpFlags === packet.tcpFlags) &&
        r.ctinfo === ct.ctinfo &&
        r.direction === ct.direction &&
        ((reads & FlowReads.CtStatus) === 0 ||
          (r.assured === ct.assured &&
            r.seenReply === ct.seenReply &&
            r.confirmed === ct.confirmed)) &&
        r.dnat === ct.dnat &&
        r.snat === ct.snat &&
        r.ctmark === ct.mark &&
        r.original === ct.original &&
        r.reply === ct.reply &&
        r.localCount === localCount &&
        r.src === packet.src &&
        r.dst === packet.dst &&
        r.srcPort === packet.srcPort &&
        r.dstPort === packet.dstPort &&
        r.protocol === packet.protocol &&
        r.family === packet.family &&
        r.inIface === packet.inIface &&
        r.outIface === packet.outIface &&
        r.mark === packet.mark &&
        r.uid === packet.uid &&
        r.gid === packet.gid &&
        r.socketless === packet.socketless &&
        r.icmpType === packet.icmpType &&
        r.icmpCode === packet.icmpCode &&
        r.fragment === packet.fragment &&
        r.bridged === packet.bridged &&
        r.physInIface === packet.physInIface &&
        r.physOutIface === packet.physOutIface
      )
        return r.result;
    }
    return undefined;
  }

  store(
    table: TableName,
    hook: Hook,
    packet: PacketHeaders,
    ct: ConntrackView,
    localCount: number,
    reads: number,
    result: ChainResult,
    detail = 'trace',
  ): void {
    const run: CachedRun = {
      table,
      hook,
      reads,
      detail,
      localCount,
      family: packet.family,
      protocol: packet.protocol,
      src: packet.src,
      dst: packet.dst,
      srcPort: packet.srcPort,
      dstPort: packet.dstPort,
      tcpFlags: packet.tcpFlags,
      inIface: packet.inIface,
      outIface: packet.outIface,
      mark: packet.mark,
      uid: packet.uid,
      gid: packet.gid,
      socketless: packet.socketless,
      icmpType: packet.icmpType,
      icmpCode: packet.icmpCode,
      fragment: packet.fragment,
      bridged: packet.bridged,
      physInIface: packet.physInIface,
      physOutIface: packet.physOutIface,
      ctinfo: ct.ctinfo,
      direction: ct.direction,
      assured: ct.assured,
      seenReply: ct.seenReply,
      dnat: ct.dnat,
      snat: ct.snat,
      ctmark: ct.mark,
      original: ct.original,
      reply: ct.reply,
      confirmed: ct.confirmed,
      result,
    };
    // Round robin once full: a flow that keeps changing inputs just keeps walking.
    if (this.runs.length < MAX_CACHED_RUNS) this.runs.push(run);
    else {
      this.runs[this.next] = run;
      this.next = (this.next + 1) % MAX_CACHED_RUNS;
    }
  }

  get size(): number {
    return this.runs.length;
  }
}
