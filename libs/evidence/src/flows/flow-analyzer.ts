import type { Flow } from '@netmortem/domain';
import { isIcmpError } from '../capture/icmp-names.js';
import type { PacketView } from '../capture/packet-view.js';
import { ActivityList } from './flow-list.js';
import {
  resolveFlowOptions,
  type FlowAnalyzerOptions,
  type ResolvedFlowOptions,
} from './flow-options.js';
import { FlowTable } from './flow-table.js';
import type { FlowTrace } from './packet-trace.js';
import type { FlowEndpoints } from './flow-endpoints.js';
import { TcpFlowState } from './tcp-flow.state.js';
import { UdpFlowState } from './udp-flow.state.js';

const SYN = 0x02;
const RST = 0x04;
const ACK = 0x10;
const OPEN_LIST = 1;
const CLOSED_LIST = 2;
const UDP_LIST = 3;
/** Expiry is checked every this many packets (and the heads only: O(1) each time). */
const SWEEP_EVERY = 1024;
/** Finished flow states kept for reuse (beyond this, they are left to the GC). */
const MAX_SPARE_STATES = 4096;

/** Receives each flow once, when it leaves the table (closed and quiet, idle, evicted or at the end). */
export type FlowCallback = (flow: Flow, trace?: FlowTrace) => void;

export interface FlowAnalysisSummary {
  readonly tcpFlows: number;
  readonly udpFlows: number;
  /** Flows finalised early because the table was full (`maxActiveFlows`). */
  readonly evicted: number;
  /** Largest number of flows held at once. */
  readonly peakActiveFlows: number;
  /** TCP segments whose header the capture cut off (snaplen), not analysed. */
  readonly truncatedSegments: number;
  /** ICMP errors quoting a packet of no known flow. */
  readonly unmatchedIcmpErrors: number;
}

/**
 * Reconstructs TCP and UDP flows from packet views in capture order and reports each one,
 * with its anomalies, when it is done.
 *
 * Memory bound. Per-flow state is a fixed set of numbers whatever the flow's length: two
 * TcpHalf summaries (sequence edges, last ack and window, the last hole, a 4-entry ring of
 * recent segments), up to 8 close events, up to `maxAnomaliesPerFlow` listed anomalies
 * (8 numbers each; only rare kinds carry a note string before the report) and, when
 * asked, 2 x `tracePackets` packet digests. That is about 1.5 KB per TCP flow (up to ~2 KB
 * more with a full anomaly list). At most `maxActiveFlows` flows are held (default 65536:
 * about 100 MiB in the worst case; the bench's captures peak at ~2,200 at once): closed flows
 * leave `closedLingerUs` after their last packet, open TCP flows after `tcpIdleTimeoutUs`
 * of silence, UDP flows after `udpIdleTimeoutUs`, and when the table is full the least
 * recently active flow is finalised first. Finished TCP states are reused (up to 4096
 * kept), so a capture of many short connections does not churn the heap. The bound is
 * maxActiveFlows x per-flow size plus the table (48 bytes a slot), independent of the
 * capture's length.
 */
export class FlowAnalyzer {
  private readonly options: ResolvedFlowOptions;
  private readonly tcp = new FlowTable<TcpFlowState>();
  private readonly udp = new FlowTable<UdpFlowState>();
  private readonly open = new ActivityList<TcpFlowState>(OPEN_LIST);
  private readonly closed = new ActivityList<TcpFlowState>(CLOSED_LIST);
  private readonly udpList = new ActivityList<UdpFlowState>(UDP_LIST);
  private nextId = 1;
  private nowUs = -0;
  private untilSweep = SWEEP_EVERY;
  private tcpFlows = 0;
  private udpFlows = 0;
  private evicted = 0;
  private peak = 0;
  private truncated = 0;
  private unmatchedIcmp = 0;

  constructor(
    private readonly capture: string,
    private readonly onFlow: FlowCallback,
    options: FlowAnalyzerOptions = {},
  ) {
    this.options = resolveFlowOptions(options);
  }

  /** One packet; the view is read during the call only. */
  add(view: PacketView): void {
    if (view.ipVersion === 0) return;
    if (view.timeUs > this.nowUs) this.nowUs = view.timeUs;
    const protocol = view.protocol;
    if (protocol === 6) {
      if (view.tcpFlags >= 0) this.addTcp(view);
      else if (view.fragmentOffset === 0) this.truncated += 1;
    } else if (protocol === 17) {
      if (view.srcPort >= 0) this.addUdp(view);
    } else if (protocol === 1 || protocol === 58) {
      if (
        view.quotedVersion !== 0 &&
        view.quotedSrcPort >= 0 &&
        isIcmpError(view.ipVersion, view.icmpType)
      )
        this.addIcmpError(view);
    }
    if (--this.untilSweep === 0) {
      this.untilSweep = SWEEP_EVERY;
      this.sweep();
    }
  }

  /** Reports every flow still held (in the order they started) and returns the totals. */
  finish(): FlowAnalysisSummary {
    const remaining: (TcpFlowState | UdpFlowState)[] = [...this.tcp.values(), ...this.udp.values()];
    remaining.sort((a, b) => a.firstPacket - b.firstPacket);
    for (const flow of remaining) {
      if (flow instanceof TcpFlowState) this.finaliseTcp(flow);
      else this.finaliseUdp(flow);
    }
    return {
      tcpFlows: this.tcpFlows,
      udpFlows: this.udpFlows,
      evicted: this.evicted,
      peakActiveFlows: this.peak,
      truncatedSegments: this.truncated,
      unmatchedIcmpErrors: this.unmatchedIcmp,
    };
  }

  private addTcp(view: PacketView): void {
    // Packets of one connection often come in runs (a burst of segments, its ACKs): the
    // previous packet's flow is checked before hashing.
    let flow: TcpFlowState | undefined = this.lastTcp ?? undefined;
    let direction = flow === undefined ? 0 : flow.endpoints.match(view);
    if (direction === 0) {
      flow = this.tcp.find(
        view.ipVersion,
        6,
        view.src0,
        view.src1,
        view.src2,
        view.src3,
        view.srcPort,
        view.dst0,
        view.dst1,
        view.dst2,
        view.dst3,
        view.dstPort,
      );
      direction = this.tcp.direction;
    }
    let fromClient = direction === 1;
    const flags = view.tcpFlags;
    let previous: { id: string; state: string; last: number } | undefined;
    if (flow !== undefined && (flags & (SYN | ACK | RST)) === SYN) {
      const half = fromClient ? flow.toServer : flow.toClient;
      if (!(half.synSeen && half.isn === view.seq)) {
        // Not a retransmission: a new connection on a 4-tuple still in the table.
        previous = { id: flow.id, state: flow.describeState(view.timeUs), last: flow.lastPacket };
        this.finaliseTcp(flow);
        flow = undefined;
      }
    }
    if (flow === undefined) {
      flow = this.createTcp(view);
      fromClient = this.createdFromClient;
      if (previous !== undefined)
        flow.recordPortReuse(view, previous.id, previous.state, previous.last);
    }
    this.lastTcp = flow;
    flow.onSegment(view, fromClient);
    // List upkeep only when the state changes; activity is read lazily (see ActivityList).
    if (flow.closed) {
      if (flow.list !== CLOSED_LIST) {
        this.open.remove(flow);
        flow.listedUs = view.timeUs;
        this.closed.touch(flow);
      }
    } else if (flow.list !== OPEN_LIST) {
      this.closed.remove(flow);
      flow.listedUs = view.timeUs;
      this.open.touch(flow);
    }
  }

  private createdFromClient = true;
  private readonly spare: TcpFlowState[] = [];
  private lastTcp: TcpFlowState | null = null;

  private createTcp(view: PacketView): TcpFlowState {
    const flags = view.tcpFlags;
    let clientIsSource: boolean;
    let inferred = false;
    if ((flags & SYN) !== 0) clientIsSource = (flags & ACK) === 0;
    else {
      // Picked up mid-stream: the ephemeral (higher) port is most likely the client's.
      inferred = true;
      clientIsSource = view.srcPort >= view.dstPort;
    }
    const flow = this.spare.pop() ?? new TcpFlowState(this.options);
    flow.start(this.nextId++, this.capture, view, clientIsSource, inferred);
    this.insert(this.tcp, flow, 6, flow.endpoints);
    this.tcpFlows += 1;
    this.createdFromClient = clientIsSource;
    return flow;
  }

  private addUdp(view: PacketView): void {
    let flow = this.udp.find(
      view.ipVersion,
      17,
      view.src0,
      view.src1,
      view.src2,
      view.src3,
      view.srcPort,
      view.dst0,
      view.dst1,
      view.dst2,
      view.dst3,
      view.dstPort,
    );
    let fromClient = this.udp.direction === 1;
    if (flow === undefined) {
      // Well-known port on one side only: that side serves. Otherwise the first sender asks.
      const clientIsSource = !(view.srcPort < 1024 && view.dstPort >= 1024);
      flow = new UdpFlowState(
        `${this.capture}#${this.nextId++}`,
        this.capture,
        view,
        clientIsSource,
        this.options,
      );
      this.insert(this.udp, flow, 17, flow.endpoints);
      this.udpFlows += 1;
      fromClient = clientIsSource;
      flow.listedUs = view.timeUs;
      this.udpList.touch(flow);
    }
    flow.onDatagram(view, fromClient);
    if (flow.list !== UDP_LIST) {
      flow.listedUs = view.timeUs;
      this.udpList.touch(flow);
    }
  }

  private addIcmpError(view: PacketView): void {
    const protocol = view.quotedProtocol;
    const args = [
      view.quotedVersion,
      protocol,
      view.quotedSrc0,
      view.quotedSrc1,
      view.quotedSrc2,
      view.quotedSrc3,
      view.quotedSrcPort,
      view.quotedDst0,
      view.quotedDst1,
      view.quotedDst2,
      view.quotedDst3,
      view.quotedDstPort,
    ] as const;
    if (protocol === 6) {
      const flow = this.tcp.find(...args);
      if (flow !== undefined) return flow.onIcmpError(view, this.tcp.direction === 1);
    } else if (protocol === 17) {
      const flow = this.udp.find(...args);
      if (flow !== undefined) return flow.onIcmpError(view, this.udp.direction === 1);
    }
    this.unmatchedIcmp += 1;
  }

  private insert<T extends TcpFlowState | UdpFlowState>(
    table: FlowTable<T>,
    flow: T,
    protocol: number,
    e: FlowEndpoints,
  ): void {
    if (this.tcp.size + this.udp.size >= this.options.maxActiveFlows) this.evictOne();
    table.insert(
      flow,
      e.version,
      protocol,
      e.c0,
      e.c1,
      e.c2,
      e.c3,
      e.clientPort,
      e.s0,
      e.s1,
      e.s2,
      e.s3,
      e.serverPort,
    );
    const active = this.tcp.size + this.udp.size;
    if (active > this.peak) this.peak = active;
  }

  /** The table is full: finalise the flow least likely to matter, closed ones first. */
  private evictOne(): void {
    this.evicted += 1;
    const closed = this.closed.head;
    if (closed !== null) return this.finaliseTcp(closed);
    const udp = this.udpList.head;
    const open = this.open.head;
    if (udp !== null && (open === null || udp.lastUs <= open.lastUs)) return this.finaliseUdp(udp);
    if (open !== null) this.finaliseTcp(open);
  }

  private sweep(): void {
    const now = this.nowUs;
    const o = this.options;
    for (
      let f = this.closed.head;
      f !== null && now - f.lastUs > o.closedLingerUs;
      f = this.closed.head
    )
      this.finaliseTcp(f);
    for (
      let f = this.open.head;
      f !== null && now - f.lastUs > o.tcpIdleTimeoutUs;
      f = this.open.head
    )
      this.finaliseTcp(f);
    for (
      let f = this.udpList.head;
      f !== null && now - f.lastUs > o.udpIdleTimeoutUs;
      f = this.udpList.head
    )
      this.finaliseUdp(f);
  }

  private finaliseTcp(flow: TcpFlowState): void {
    if (this.lastTcp === flow) this.lastTcp = null;
    this.tcp.remove(flow);
    if (flow.list === OPEN_LIST) this.open.remove(flow);
    else if (flow.list === CLOSED_LIST) this.closed.remove(flow);
    const trace = flow.trace?.toTrace();
    this.onFlow(flow.toFlow(), trace);
    if (this.spare.length < MAX_SPARE_STATES) this.spare.push(flow);
  }

  private finaliseUdp(flow: UdpFlowState): void {
    this.udp.remove(flow);
    this.udpList.remove(flow);
    const trace = flow.trace?.toTrace();
    this.onFlow(flow.toFlow(), trace);
  }
}
