import type {
  Flow,
  FlowAnomalyKind,
  FlowCloseEvent,
  FlowCloseKind,
  FlowHalf,
} from '@netmortem/domain';
import { icmpName } from '../capture/icmp-names.js';
import { formatAddress } from '../capture/ip-address.js';
import type { PacketView } from '../capture/packet-view.js';
import { AnomalyRecorder } from './anomaly-recorder.js';
import { FlowEndpoints } from './flow-endpoints.js';
import type { Linked } from './flow-list.js';
import type { ResolvedFlowOptions } from './flow-options.js';
import type { TableEntry } from './flow-table.js';
import { describeSegment, formatDuration } from './notes.js';
import { PacketTrace } from './packet-trace.js';
import { seqDiff, seqGe, TcpHalf } from './tcp-half.js';
import { Segment, trackSegment, type SegmentSink } from './tcp-sequence.tracker.js';

const FIN = 0x01;
const SYN = 0x02;
const RST = 0x04;
const ACK = 0x10;
const MAX_CLOSE_EVENTS = 8;
const MAX_SYN_INTERVALS = 12;
const NO_EVENTS: readonly FlowCloseEvent[] = Object.freeze([]);

/**
 * Everything known about one TCP connection while packets arrive: two TcpHalf summaries,
 * handshake, close sequence and a bounded list of anomalies. Its size does not grow with
 * the number of packets (see flow-analyzer.ts for the whole table's bound).
 */
export class TcpFlowState implements Linked, TableEntry, SegmentSink {
  prev: Linked | null = null;
  next: Linked | null = null;
  list = 0;
  listedUs = -0;
  tableHash = -0;

  readonly toServer = new TcpHalf();
  readonly toClient = new TcpHalf();
  readonly endpoints = new FlowEndpoints();
  /** The flow's number in its capture; `id` is `<capture>#<serial>`. */
  serial = 0;
  capture = '';
  clientInferred = false;
  firstPacket = 0;
  lastPacket = 0;
  firstUs = -0;
  lastUs = -0;
  packets = 0;
  ackPacket = 0;
  rttUs = -1;
  refused = false;
  /** 0 none, 1 client, 2 server: who sent the first RST. */
  firstRst = 0;
  closed = false;
  halfCloseReported = false;
  /**
   * FIN and RST events in order (at most 8), as numbers (flag and direction, packet,
   * time) until the flow is reported: nothing per flow for the GC to carry meanwhile.
   */
  private readonly events = new Float64Array(3 * MAX_CLOSE_EVENTS);
  private eventCount = 0;
  readonly anomalies: AnomalyRecorder;
  readonly trace: PacketTrace | null;
  readonly outOfOrderUs: number;
  private readonly idleGapUs: number;

  constructor(options: ResolvedFlowOptions) {
    this.anomalies = new AnomalyRecorder(options.maxAnomaliesPerFlow, options.maxAnomaliesPerKind);
    this.trace = options.tracePackets > 0 ? new PacketTrace(options.tracePackets) : null;
    this.outOfOrderUs = options.outOfOrderUs;
    this.idleGapUs = options.idleGapUs;
  }

  /**
   * (Re)starts this state for a new connection. The analyzer reuses the states of finished
   * flows: a capture with tens of thousands of connections then leaves no trail of dead
   * flow objects for the garbage collector (which would otherwise let the heap, and the
   * process's memory, grow with the capture).
   */
  start(
    serial: number,
    capture: string,
    view: PacketView,
    clientIsSource: boolean,
    clientInferred: boolean,
  ): void {
    this.serial = serial;
    this.capture = capture;
    this.clientInferred = clientInferred;
    this.endpoints.setFrom(view, clientIsSource);
    this.toServer.reset();
    this.toClient.reset();
    this.anomalies.reset();
    this.trace?.reset();
    this.firstPacket = 0;
    this.lastPacket = 0;
    this.firstUs = -0;
    this.lastUs = -0;
    this.packets = 0;
    this.ackPacket = 0;
    this.rttUs = -1;
    this.refused = false;
    this.firstRst = 0;
    this.closed = false;
    this.halfCloseReported = false;
    this.eventCount = 0;
  }

  get id(): string {
    return `${this.capture}#${this.serial}`;
  }

  wants(kind: FlowAnomalyKind): boolean {
    return this.anomalies.wants(kind);
  }

  keep(
    kind: FlowAnomalyKind,
    fromClient: boolean,
    view: PacketView,
    note: string,
    relatedPacket?: number,
    intervalUs?: number,
  ): void {
    this.anomalies.add(
      kind,
      fromClient,
      view.number,
      view.timeUs,
      note,
      relatedPacket ?? 0,
      intervalUs ?? -1,
    );
  }

  defer(
    kind: FlowAnomalyKind,
    fromClient: boolean,
    view: PacketView,
    related: number,
    intervalUs: number,
    a: number,
    b: number,
    c: number,
    d: number,
  ): void {
    this.anomalies.add(
      kind,
      fromClient,
      view.number,
      view.timeUs,
      null,
      related,
      intervalUs,
      a,
      b,
      c,
      d,
    );
  }

  /** One TCP segment of this connection, in capture order. */
  onSegment(view: PacketView, fromClient: boolean): void {
    const snd = fromClient ? this.toServer : this.toClient;
    const rcv = fromClient ? this.toClient : this.toServer;
    const flags = view.tcpFlags;
    const t = view.timeUs;
    if (this.packets === 0) {
      this.firstPacket = view.number;
      this.firstUs = t;
    } else if (t - this.lastUs >= this.idleGapUs) {
      const previous = this.lastPacket;
      const gap = t - this.lastUs;
      if (this.wants('idle-gap'))
        this.defer('idle-gap', fromClient, view, previous, gap, flags, view.payloadLength, 0, 0);
    }
    this.packets += 1;
    this.lastPacket = view.number;
    this.lastUs = t;
    snd.packets += 1;
    snd.payloadBytes += view.payloadLength;
    if (this.trace !== null) this.trace.add(view, fromClient);

    if ((flags & RST) !== 0) this.onRst(view, fromClient, snd, rcv);
    else if ((flags & SYN) !== 0) this.onSyn(view, fromClient, snd, rcv);
    else if (!fromClient && this.awaitingSynAck() && (flags & ACK) !== 0) this.onChallengeAck(view);
    else this.onData(view, fromClient, snd, rcv);

    snd.lastPacket = view.number;
    snd.lastPacketUs = t;
    snd.lastFlags = flags;
    snd.lastLength = view.payloadLength;
  }

  /** An ICMP error quoting a packet of this flow (sent by the client when `fromClient`). */
  onIcmpError(view: PacketView, fromClient: boolean): void {
    const half = fromClient ? this.toServer : this.toClient;
    const name = icmpName(view.ipVersion, view.icmpType, view.icmpCode);
    const from = formatAddress(view.ipVersion, view.src0, view.src1, view.src2, view.src3);
    const seq = view.quotedSeq;
    let related = seq >= 0 ? half.findData(seq) : 0;
    if (related === 0 && half.synSeen && seq === half.isn) related = half.synPacket;
    if (related === 0 && seq >= 0 && seq === half.lastSeq) related = half.lastPacket;
    if (this.wants('icmp-error'))
      this.keep(
        'icmp-error',
        fromClient,
        view,
        `ICMP ${name} from ${from} about the ${side(fromClient)}'s ${seq >= 0 ? `segment at ${relativeSeq(half, seq)}` : 'packet'}` +
          (view.icmpMtu >= 0 ? ` (next-hop MTU ${view.icmpMtu})` : ''),
        related,
      );
  }

  /** A new SYN replaced this flow's connection on the same 4-tuple: how it was left. */
  describeState(nowUs: number): string {
    const kind = this.closeKind();
    const idle = `last packet #${this.lastPacket} ${formatDuration(nowUs - this.lastUs)} earlier`;
    switch (kind) {
      case 'fin-both':
        return `closed by FIN both ways (${idle})`;
      case 'fin-client-only':
        return `half-closed by the client only, the server side still open (FIN-WAIT-2 / CLOSE-WAIT; ${idle})`;
      case 'fin-server-only':
        return `half-closed by the server only, the client side still open (${idle})`;
      case 'rst-by-client':
      case 'rst-by-server':
        return `reset by the ${kind === 'rst-by-client' ? 'client' : 'server'} (${idle})`;
      case 'refused':
        return `refused (${idle})`;
      case 'unanswered':
        return `a SYN still unanswered (${idle})`;
      case 'open':
        return `still established, no FIN or RST seen (${idle})`;
    }
  }

  recordPortReuse(
    view: PacketView,
    previousId: string,
    previousState: string,
    previousLast: number,
  ): void {
    if (this.wants('port-reuse'))
      this.keep(
        'port-reuse',
        true,
        view,
        `new SYN on the 4-tuple of ${previousId}, which was ${previousState}`,
        previousLast,
      );
  }

  closeKind(): FlowCloseKind {
    if (this.refused) return 'refused';
    if (this.toServer.synSeen && this.toClient.packets === 0) return 'unanswered';
    if (this.firstRst === 1) return 'rst-by-client';
    if (this.firstRst === 2) return 'rst-by-server';
    const clientFin = this.toServer.finPacket > 0;
    const serverFin = this.toClient.finPacket > 0;
    if (clientFin && serverFin) return 'fin-both';
    if (clientFin) return 'fin-client-only';
    if (serverFin) return 'fin-server-only';
    return 'open';
  }

  /** The domain view of this flow, for when it leaves the table. */
  toFlow(): Flow {
    if (this.toServer.synSeen && this.toClient.packets === 0) this.reportUnanswered();
    return {
      id: this.id,
      capture: this.capture,
      protocol: 'tcp',
      client: this.endpoints.client(),
      server: this.endpoints.server(),
      clientInferred: this.clientInferred,
      firstPacket: this.firstPacket,
      lastPacket: this.lastPacket,
      firstUs: this.firstUs,
      lastUs: this.lastUs,
      packets: this.packets,
      handshake: this.handshake(),
      toServer: halfOf(this.toServer),
      toClient: halfOf(this.toClient),
      close: { kind: this.closeKind(), events: this.closeEvents() },
      anomalies: this.anomalies.list(this.capture),
      anomalyCounts: this.anomalies.countsByKind(),
    };
  }

  // The report objects are built field by field: conditional spreads would allocate a
  // temporary object per optional field, for every one of tens of thousands of flows.
  private handshake(): Flow['handshake'] {
    const handshake: Mutable<Flow['handshake']> = {
      complete: this.toServer.synPacket > 0 && this.toClient.synPacket > 0 && this.ackPacket > 0,
    };
    if (this.toServer.synPacket > 0) handshake.synPacket = this.toServer.synPacket;
    if (this.toClient.synPacket > 0) handshake.synAckPacket = this.toClient.synPacket;
    if (this.ackPacket > 0) handshake.ackPacket = this.ackPacket;
    if (this.rttUs >= 0) handshake.rttUs = this.rttUs;
    return handshake;
  }

  private awaitingSynAck(): boolean {
    return this.toServer.synSeen && !this.toClient.synSeen;
  }

  private onData(view: PacketView, fromClient: boolean, snd: TcpHalf, rcv: TcpHalf): void {
    const flags = view.tcpFlags;
    const result = trackSegment(this, snd, rcv, view, fromClient);
    if (
      fromClient &&
      this.ackPacket === 0 &&
      this.toClient.synSeen &&
      (flags & ACK) !== 0 &&
      view.ack === (this.toClient.isn + 1) >>> 0
    ) {
      this.ackPacket = view.number;
      this.rttUs = view.timeUs - this.toServer.synUs;
    }
    if (
      view.payloadLength > 0 &&
      (result & Segment.NewData) !== 0 &&
      (rcv.finPacket > 0 || snd.finPacket > 0)
    )
      this.checkHalfClose(view, fromClient, snd, rcv);
    if ((flags & FIN) !== 0 && snd.finPacket === 0) {
      snd.finPacket = view.number;
      snd.finUs = view.timeUs;
      snd.finEnd = (view.seq + view.payloadLength + 1) >>> 0;
      this.addCloseEvent('FIN', fromClient, view);
    }
    // Closed once both FINs are in and the later one has been acknowledged.
    if (
      !this.closed &&
      this.toServer.finPacket > 0 &&
      this.toClient.finPacket > 0 &&
      (flags & ACK) !== 0 &&
      rcv.finPacket > 0 &&
      ((view.ack - rcv.finEnd) | 0) >= 0 &&
      snd.finPacket > 0
    ) {
      this.closed = true;
    }
  }

  private checkHalfClose(view: PacketView, fromClient: boolean, snd: TcpHalf, rcv: TcpHalf): void {
    if (rcv.finPacket > 0 && snd.finPacket === 0) {
      const fin = rcv.finPacket;
      const since = view.timeUs - rcv.finUs;
      if (!this.halfCloseReported) {
        this.halfCloseReported = true;
        if (this.wants('half-close'))
          this.defer('half-close', fromClient, view, fin, -1, 0, since, 0, 0);
      }
      if (this.wants('data-after-fin'))
        this.defer('data-after-fin', fromClient, view, fin, -1, view.payloadLength, since, 0, 0);
    } else if (snd.finPacket > 0 && seqGe(view.seq, snd.finEnd)) {
      const fin = snd.finPacket;
      if (this.wants('data-after-fin'))
        this.defer('data-after-fin', fromClient, view, fin, -1, view.payloadLength, 0, 1, 0);
    }
  }

  private onSyn(view: PacketView, fromClient: boolean, snd: TcpHalf, rcv: TcpHalf): void {
    const synAck = (view.tcpFlags & ACK) !== 0;
    const what = synAck ? 'SYN-ACK' : 'SYN';
    if (!snd.synSeen) {
      snd.synSeen = true;
      snd.haveSeq = true;
      snd.isn = view.seq;
      snd.nextSeq = (view.seq + 1 + view.payloadLength) >>> 0;
      snd.nextSeqUs = view.timeUs;
      snd.lastSeq = view.seq;
      snd.synPacket = view.number;
      snd.synCount = 1;
      snd.synUs = view.timeUs;
      snd.mss = view.mss;
      snd.synWindowScale = view.windowScale;
      snd.sackPermitted = view.sackPermitted;
      // Each side scales the windows it sends by the shift it announced, and only when both
      // SYNs carried the option (RFC 7323).
      if (synAck && rcv.synSeen) {
        const both = snd.synWindowScale >= 0 && rcv.synWindowScale >= 0;
        snd.setWindowScale(both ? snd.synWindowScale : 0);
        rcv.setWindowScale(both ? rcv.synWindowScale : 0);
      }
      if (synAck) {
        // A SYN-ACK also acknowledges: start the ack state with it.
        snd.haveAck = true;
        snd.lastAck = view.ack;
        snd.lastAckPacket = view.number;
        snd.lastWindow = view.window;
      }
      if (!fromClient && synAck && rcv.synSeen && this.firstRst !== 0) {
        // RSTs before the SYN-ACK belonged to the attempt (e.g. answering a challenge ACK);
        // the connection that now starts is neither refused nor reset.
        this.refused = false;
        this.firstRst = 0;
        this.closed = false;
      }
      return;
    }
    if (view.seq === snd.isn) {
      const interval = view.timeUs - snd.synUs;
      const previous = snd.lastPacket;
      snd.synCount += 1;
      snd.synUs = view.timeUs;
      if (snd.synCount <= MAX_SYN_INTERVALS + 1)
        snd.synIntervals += `${snd.synIntervals.length > 0 ? ', ' : ''}${formatDuration(interval)}`;
      const count = snd.synCount - 1;
      const schedule = snd.synIntervals;
      if (this.wants('syn-retransmission'))
        this.keep(
          'syn-retransmission',
          fromClient,
          view,
          `${what} retransmission #${count}, ${formatDuration(interval)} after the previous one (intervals so far: ${schedule})`,
          previous,
          interval,
        );
      return;
    }
    // A SYN-ACK with another ISN (the client's SYN-with-new-ISN splits flows before here).
    trackSegment(this, snd, rcv, view, fromClient);
  }

  /**
   * The server answers a SYN with a bare ACK whose number does not acknowledge it: it still
   * holds an older connection on this 4-tuple and asks the peer to prove itself (RFC 5961).
   */
  private onChallengeAck(view: PacketView): void {
    const expected = (this.toServer.isn + 1) >>> 0;
    if (view.ack === expected) return;
    const syn = this.toServer.lastPacket;
    if (this.wants('challenge-ack'))
      this.keep(
        'challenge-ack',
        false,
        view,
        `the server answers the client's SYN (#${syn}) with a bare ACK of ${view.ack >>> 0} instead of ${expected}: it still holds an older connection on this 4-tuple (challenge ACK)`,
        syn,
      );
  }

  private onRst(view: PacketView, fromClient: boolean, snd: TcpHalf, rcv: TcpHalf): void {
    const withAck = (view.tcpFlags & ACK) !== 0;
    const t = view.timeUs;
    const answered = rcv.lastPacket > 0 && rcv.lastPacket > snd.lastPacket;
    const related = rcv.lastPacket > 0 ? rcv.lastPacket : undefined;
    {
      const kind = withAck ? 'rst-ack' : 'rst';
      if (this.wants(kind))
        this.keep(
          kind,
          fromClient,
          view,
          this.rstNote(view, fromClient, snd, rcv, answered),
          related,
        );
    }
    if (
      !fromClient &&
      withAck &&
      this.awaitingSynAck() &&
      view.ack === (this.toServer.isn + 1) >>> 0
    ) {
      this.refused = true;
      const syn = this.toServer.lastPacket;
      if (this.wants('refused'))
        this.keep(
          'refused',
          false,
          view,
          `connection refused: the server answered the SYN (#${syn}) with RST+ACK after ${formatDuration(t - this.toServer.synUs)}`,
          syn,
        );
    }
    if (snd.rstPacket === 0) snd.rstPacket = view.number;
    if (this.firstRst === 0) this.firstRst = fromClient ? 1 : 2;
    this.addCloseEvent('RST', fromClient, view);
    this.closed = true;
  }

  private rstNote(
    view: PacketView,
    fromClient: boolean,
    snd: TcpHalf,
    rcv: TcpHalf,
    answered: boolean,
  ): string {
    const withAck = (view.tcpFlags & ACK) !== 0;
    const t = view.timeUs;
    let text = `${withAck ? 'RST+ACK' : 'RST (no ACK)'} from the ${side(fromClient)}`;
    if (rcv.lastPacket === 0) text += `, nothing from the ${side(!fromClient)} seen before it`;
    else if (answered)
      text += ` answering the ${side(!fromClient)}'s ${describeSegment(rcv.lastFlags, rcv.lastLength)} (#${rcv.lastPacket}) after ${formatDuration(t - rcv.lastPacketUs)}`;
    else
      text += `, not an immediate answer: ${formatDuration(t - snd.lastPacketUs)} after its own last packet (#${snd.lastPacket}); the ${side(!fromClient)} last sent ${describeSegment(rcv.lastFlags, rcv.lastLength)} (#${rcv.lastPacket}) ${formatDuration(t - rcv.lastPacketUs)} before`;
    if (rcv.finPacket > 0) text += `; the ${side(!fromClient)} had sent FIN (#${rcv.finPacket})`;
    if (snd.finPacket > 0) text += `; after its own FIN (#${snd.finPacket})`;
    if (snd.haveSeq && view.seq !== snd.nextSeq)
      text += `; its sequence number is ${seqDiff(view.seq, snd.nextSeq)} from the expected ${relativeSeq(snd, snd.nextSeq)}`;
    return text;
  }

  private reportUnanswered(): void {
    if (this.anomalies.count('unanswered-syn') > 0) return;
    const half = this.toServer;
    const span = half.synUs - this.firstUs;
    const count = half.synCount;
    const schedule = half.synIntervals;
    if (!this.anomalies.wants('unanswered-syn')) return;
    this.anomalies.add(
      'unanswered-syn',
      true,
      half.synPacket,
      this.firstUs,
      `${count} SYN(s) over ${formatDuration(span)} and no TCP answer from the server` +
        (schedule.length > 0 ? ` (retransmitted after ${schedule})` : '') +
        (this.anomalies.count('icmp-error') > 0 ? '; an ICMP error came back instead' : ''),
      0,
      span,
    );
  }

  private addCloseEvent(flag: 'FIN' | 'RST', fromClient: boolean, view: PacketView): void {
    const at = this.eventCount;
    if (at >= MAX_CLOSE_EVENTS) return;
    this.events[3 * at] = (flag === 'RST' ? 2 : 0) | (fromClient ? 1 : 0);
    this.events[3 * at + 1] = view.number;
    this.events[3 * at + 2] = view.timeUs;
    this.eventCount = at + 1;
  }

  private closeEvents(): readonly FlowCloseEvent[] {
    if (this.eventCount === 0) return NO_EVENTS;
    const out: FlowCloseEvent[] = [];
    for (let i = 0; i < this.eventCount; i++) {
      const code = this.events[3 * i] as number;
      out.push({
        flag: (code & 2) !== 0 ? 'RST' : 'FIN',
        direction: (code & 1) !== 0 ? 'client-to-server' : 'server-to-client',
        packet: this.events[3 * i + 1] as number,
        timeUs: this.events[3 * i + 2] as number,
      });
    }
    return out;
  }
}

function halfOf(half: TcpHalf): FlowHalf {
  const out: Mutable<FlowHalf> = { packets: half.packets, payloadBytes: half.payloadBytes };
  if (half.synSeen) out.initialSeq = half.isn >>> 0;
  if (half.windowScale >= 0) out.windowScale = half.windowScale;
  if (half.mss >= 0) out.mss = half.mss;
  if (half.synSeen) out.sackPermitted = half.sackPermitted;
  if (half.finPacket > 0) out.finPacket = half.finPacket;
  if (half.rstPacket > 0) out.rstPacket = half.rstPacket;
  return out;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function side(client: boolean): string {
  return client ? 'client' : 'server';
}

function relativeSeq(half: TcpHalf, seq: number): string {
  return half.synSeen ? `seq +${seqDiff(seq, half.isn)}` : `seq ${seq >>> 0}`;
}
