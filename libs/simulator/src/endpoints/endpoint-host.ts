import { TcpFlag, type SocketSnapshot } from '@netmortem/domain';
import { ChallengeAckBudget } from './ack-rate-limits.js';
import { processFullSocket, toTimeWait, type FullOutcome } from './connection.processor.js';
import {
  canonicalAddress,
  connectionKey,
  formatSocketEndpoint,
  isLoopback,
  listenerScore,
  type SocketEndpoint,
} from './endpoint-address.js';
import type { EndpointKernelProfile } from './endpoint-kernel.js';
import type { EndpointSettings, KeepaliveSettings } from './endpoint-settings.js';
import { DeadlineHeap } from './deadline-heap.js';
import { keepaliveSchedule, nextKeepaliveEvent } from './keepalive-schedule.js';
import { processListener, processRequest, requestLifetimeUs } from './listener.processor.js';
import {
  ackFrom,
  activeResetFrom,
  finFrom,
  noResponse,
  resetFor,
  type SegmentResponse,
} from './segment-response.js';
import { seedFromSnapshot } from './socket-snapshot.seed.js';
import type { ProcessContext } from './socket-replies.js';
import { hasFlag, segmentEnd, TCP_PROTOCOL, type EndpointSegment } from './tcp-segment.js';
import { seqAdd, seqAfter } from './tcp-sequence.js';
import {
  ASSUMED_RECEIVE_WINDOW,
  entryState,
  type FullSocket,
  type ListenerSocket,
  type RequestSocket,
  type SocketEntry,
  type TcpSocketState,
  type TimeWaitSocket,
} from './tcp-socket.js';
import { processTimeWait } from './time-wait.processor.js';

export interface EndpointHostOptions {
  /** Addresses of this network namespace (loopback is always local). */
  readonly addresses: ReadonlySet<string>;
  readonly settings: EndpointSettings;
  /** Only used to explain answers; defaults that depend on it live in the settings. */
  readonly profile?: EndpointKernelProfile;
  /** Seeded randomness for the per-second challenge ACK budget (its mean without it). */
  readonly random?: () => number;
  /** ISN for SYN-ACKs this host sends; without it their sequence is reported unknown. */
  readonly initialSequence?: (
    local: SocketEndpoint,
    remote: SocketEndpoint,
    nowUs: number,
  ) => number;
  /**
   * What an outgoing FIN seen in a capture means: `close` (the default: the application
   * closed, an orphan whose FIN-WAIT-2 times out) or `shutdown` (a half-close: the socket
   * stays in FIN-WAIT-2 as long as the application holds it).
   */
  readonly finMeans?: 'close' | 'shutdown';
  /** What-if: keepalive on every connection of this host (SO_KEEPALIVE with these values). */
  readonly keepaliveOnAll?: KeepaliveSettings;
}

export type DeliveredTo = 'listener' | 'connection' | 'time-wait' | 'none';

export interface Delivery {
  readonly socket: DeliveredTo;
  readonly stateBefore?: TcpSocketState;
  readonly stateAfter?: TcpSocketState;
  readonly response: SegmentResponse;
  readonly note?: string;
  /** Timers that ran out between the previous call and this segment, in order. */
  readonly timersFired?: readonly TimerEvent[];
}

export interface TimerEvent {
  readonly atUs: number;
  readonly what:
    | 'time-wait-end'
    | 'fin-wait-2-end'
    | 'fin-wait-2-shrunk'
    | 'syn-recv-timeout'
    | 'keepalive-probe'
    | 'keepalive-reset';
  readonly local: string;
  readonly remote: string;
  /** What the socket sent when the timer fired (keepalive probe, reset), if anything. */
  readonly response?: SegmentResponse;
}

export interface PendingTimer {
  readonly atUs: number;
  readonly what: TimerEvent['what'];
  readonly local: string;
  readonly remote: string;
  readonly overdue: boolean;
}

/** A read-only look at one socket, for timelines and tests. */
export interface SocketView {
  readonly local: string;
  readonly remote: string;
  readonly form: SocketEntry['kind'];
  readonly state: TcpSocketState;
  readonly orphan: boolean;
  readonly sndUna?: number;
  readonly sndNxt?: number;
  readonly rcvNxt?: number;
  readonly receivedBytes?: number;
  readonly keepalive: boolean;
}

/**
 * The Linux TCP stack of one network namespace, as the answers its sockets give: which
 * socket a segment reaches after NAT and what that socket sends back. Deterministic:
 * time is passed in, randomness too.
 */
export class EndpointHost {
  private readonly addresses: Set<string>;
  private readonly listeners = new Map<string, ListenerSocket>();
  private readonly entries = new Map<string, SocketEntry>();
  private readonly budget: ChallengeAckBudget;
  private readonly settings: EndpointSettings;
  private readonly deadlines = new DeadlineHeap();

  constructor(private readonly options: EndpointHostOptions) {
    this.addresses = new Set([...options.addresses].map(canonicalAddress));
    this.settings = options.settings;
    this.budget = new ChallengeAckBudget(options.settings.challengeAckLimit, options.random);
  }

  /** '0.0.0.0' = any IPv4 address; '::' = any address, IPv4 too unless `v6only`. */
  addListener(
    address: string,
    port: number,
    options: { v6only?: boolean; backlogFull?: boolean } = {},
  ): void {
    const canonical = canonicalAddress(address === '*' ? '::' : address);
    const key = `${canonical}|${port}`;
    this.listeners.set(key, {
      key,
      address: canonical,
      port,
      v6only: options.v6only ?? false,
      backlogFull: options.backlogFull ?? false,
    });
  }

  removeListener(address: string, port: number): boolean {
    return this.listeners.delete(`${canonicalAddress(address)}|${port}`);
  }

  /** Marks a listener's accept queue full (or not): SYNs and handshake ACKs are dropped. */
  setBacklogFull(address: string, port: number, full: boolean): void {
    const listener = this.listeners.get(`${canonicalAddress(address)}|${port}`);
    if (listener) listener.backlogFull = full;
  }

  owns(address: string): boolean {
    return isLoopback(address) || this.addresses.has(canonicalAddress(address));
  }

  /**
   * Anchors the model on an `ss`/`netstat` row, as of `nowUs`; returns why a row was not
   * used. `provisional`: the listing was taken after `nowUs` (typically after the capture),
   * so a connection it shows may not exist yet: until a packet confirms it, a handshake
   * SYN on its four-tuple replaces it instead of meeting it.
   */
  seed(
    snapshot: SocketSnapshot,
    nowUs = 0,
    options: { provisional?: boolean } = {},
  ): string | undefined {
    const seeded = seedFromSnapshot(snapshot, nowUs, this.settings);
    if (seeded.kind === 'socket' && seeded.socket.kind === 'full' && options.provisional === true) {
      seeded.socket.provisional = true;
    }
    switch (seeded.kind) {
      case 'listener':
        this.addListener(seeded.address, seeded.port, {
          v6only: seeded.v6only,
          backlogFull: seeded.backlogFull,
        });
        return undefined;
      case 'socket':
        if (seeded.socket.kind === 'full' && this.options.keepaliveOnAll) {
          seeded.socket.keepalive ??= this.options.keepaliveOnAll;
        }
        this.entries.set(seeded.socket.key, seeded.socket);
        this.schedule(seeded.socket.key);
        return undefined;
      case 'skipped':
        return seeded.why;
    }
  }

  /** A segment reaches this host (headers after NAT). What does the stack do and answer? */
  deliver(segment: EndpointSegment, nowUs: number): Delivery {
    const fired = this.advance(nowUs);
    let delivery: Delivery;
    if (segment.protocol === TCP_PROTOCOL) {
      const key = this.keyOf(segment, 'in');
      delivery = this.route(segment, key, nowUs);
      this.schedule(key);
    } else {
      delivery = { socket: 'none', response: noResponse('not TCP: outside the endpoint model') };
    }
    // The delivery was built just now for this call: attaching the fired timers is safe.
    if (fired.length > 0) (delivery as { timersFired?: TimerEvent[] }).timersFired = fired;
    return delivery;
  }

  private route(segment: EndpointSegment, key: string, nowUs: number): Delivery {
    const ctx = this.context(nowUs);
    let entry = this.entries.get(key);
    let note: string | undefined;
    if (entry?.kind === 'full' && entry.provisional === true) {
      if (isOpeningSyn(segment)) {
        note = `the ${entry.state} socket from the listing belongs to a later connection: this SYN opens it`;
        this.entries.delete(key);
        entry = undefined;
      } else {
        delete entry.provisional;
      }
    }
    if (entry) {
      switch (entry.kind) {
        case 'full':
          return this.toFull(entry, segment, ctx);
        case 'time-wait':
          return this.toTimeWait(entry, segment, ctx);
        case 'request':
          return this.toRequest(entry, segment, ctx);
      }
    }
    const listener = this.findListener(segment.dst, segment.dstPort);
    if (listener) {
      const delivery = this.toListener(listener, segment, ctx, undefined);
      return note ? { ...delivery, note } : delivery;
    }
    if (!this.owns(segment.dst)) {
      return {
        socket: 'none',
        response: noResponse('destination is not an address of this host: no socket lookup'),
      };
    }
    return {
      socket: 'none',
      response: resetFor(segment, 'no socket for this address and port: RST'),
    };
  }

  private toFull(socket: FullSocket, segment: EndpointSegment, ctx: ProcessContext): Delivery {
    const before = socket.state;
    const outcome = processFullSocket(socket, segment, ctx);
    const after = this.applyFull(socket, outcome);
    return this.delivery('connection', before, after, outcome.response, outcome.notes);
  }

  private applyFull(socket: FullSocket, outcome: FullOutcome): TcpSocketState {
    switch (outcome.transition.kind) {
      case 'keep':
        return socket.state;
      case 'remove':
        this.entries.delete(socket.key);
        return 'CLOSED';
      case 'time-wait':
        this.entries.set(socket.key, outcome.transition.socket);
        return outcome.transition.socket.substate;
    }
  }

  private toTimeWait(tw: TimeWaitSocket, segment: EndpointSegment, ctx: ProcessContext): Delivery {
    const before = tw.substate;
    const outcome = processTimeWait(tw, segment, ctx);
    const notes = outcome.note ? [outcome.note] : [];
    if (outcome.transition === 'reopen') {
      const listener = this.findListener(segment.dst, segment.dstPort);
      if (listener) {
        this.entries.delete(tw.key);
        const isn = outcome.isn ?? this.isnFor(segment, ctx.nowUs);
        const opened = this.toListener(listener, segment, ctx, isn);
        notes.push('TIME-WAIT socket replaced: the listener takes the new SYN');
        return this.delivery('time-wait', before, opened.stateAfter, opened.response, notes);
      }
      return this.delivery('time-wait', before, tw.substate, outcome.response, notes);
    }
    if (outcome.transition === 'remove') {
      this.entries.delete(tw.key);
      return this.delivery('time-wait', before, 'CLOSED', outcome.response, notes);
    }
    return this.delivery('time-wait', before, tw.substate, outcome.response, notes);
  }

  private toRequest(
    request: RequestSocket,
    segment: EndpointSegment,
    ctx: ProcessContext,
  ): Delivery {
    const listener = this.listeners.get(request.listenerKey);
    const outcome = processRequest(request, listener, segment, ctx);
    const notes = [...outcome.notes];
    if (outcome.transition === 'remove') {
      this.entries.delete(request.key);
      return this.delivery('connection', 'SYN_RECV', 'CLOSED', outcome.response, notes);
    }
    if (outcome.transition === 'child' && outcome.child) {
      this.entries.set(outcome.child.key, outcome.child);
      if (this.options.keepaliveOnAll) outcome.child.keepalive = this.options.keepaliveOnAll;
      const continued = processFullSocket(outcome.child, segment, ctx);
      const after = this.applyFull(outcome.child, continued);
      return this.delivery('connection', 'SYN_RECV', after, continued.response, [
        ...notes,
        ...continued.notes,
      ]);
    }
    return this.delivery('connection', 'SYN_RECV', 'SYN_RECV', outcome.response, notes);
  }

  private toListener(
    listener: ListenerSocket,
    segment: EndpointSegment,
    ctx: ProcessContext,
    isn: number | undefined,
  ): Delivery {
    const outcome = processListener(listener, segment, ctx, isn ?? this.isnFor(segment, ctx.nowUs));
    if (outcome.request) {
      this.entries.set(outcome.request.key, outcome.request);
      return this.delivery('listener', 'LISTEN', 'SYN_RECV', outcome.response, []);
    }
    return this.delivery('listener', 'LISTEN', 'LISTEN', outcome.response, []);
  }

  /**
   * A segment this host sent (seen in a capture): the model learns sequence numbers,
   * windows and the state changes the application caused (connect, close, reset).
   */
  observeOutgoing(
    segment: EndpointSegment,
    nowUs: number,
  ): { stateBefore?: TcpSocketState; stateAfter?: TcpSocketState } {
    this.advance(nowUs);
    if (segment.protocol !== TCP_PROTOCOL) return {};
    // One key for the lookup and the rescheduling: it is a string built per segment.
    const key = this.keyOf(segment, 'out');
    const seen = this.learnFromOutgoing(segment, key, nowUs);
    this.schedule(key);
    return seen;
  }

  private learnFromOutgoing(
    segment: EndpointSegment,
    key: string,
    nowUs: number,
  ): { stateBefore?: TcpSocketState; stateAfter?: TcpSocketState } {
    const entry = this.entries.get(key);
    const syn = hasFlag(segment, TcpFlag.SYN);
    const ack = hasFlag(segment, TcpFlag.ACK);
    const rst = hasFlag(segment, TcpFlag.RST);
    const replaced =
      entry !== undefined &&
      syn &&
      !ack &&
      (entry.kind === 'time-wait' || (entry.kind === 'full' && entry.provisional === true));
    if (!entry || replaced) {
      if (rst) return {};
      const created = this.pickUp(segment, nowUs);
      if (created) this.entries.set(created.key, created);
      return created ? { stateAfter: entryState(created) } : {};
    }
    if (entry.kind === 'full') delete entry.provisional;
    const before = entryState(entry);
    if (rst) {
      this.entries.delete(key);
      return { stateBefore: before, stateAfter: 'CLOSED' };
    }
    if (entry.kind === 'request') {
      if (syn && ack) entry.iss = segment.seq;
      return { stateBefore: before, stateAfter: before };
    }
    if (entry.kind === 'time-wait') {
      entry.sndNxt ??= segment.seq;
      if (ack) entry.rcvNxt ??= segment.ack;
      return { stateBefore: before, stateAfter: before };
    }
    this.learnOutgoing(entry, segment);
    return { stateBefore: before, stateAfter: entry.state };
  }

  private pickUp(segment: EndpointSegment, nowUs: number): SocketEntry | undefined {
    const local = { address: canonicalAddress(segment.src), port: segment.srcPort };
    const remote = { address: canonicalAddress(segment.dst), port: segment.dstPort };
    const key = connectionKey(local, remote);
    const syn = hasFlag(segment, TcpFlag.SYN);
    const ack = hasFlag(segment, TcpFlag.ACK);
    if (syn && ack) {
      const listener = this.findListener(segment.src, segment.srcPort);
      if (!listener) return undefined;
      return {
        kind: 'request',
        key,
        local,
        remote,
        listenerKey: listener.key,
        irs: seqAdd(segment.ack, -1),
        iss: segment.seq,
        rcvWindow: 65535,
        createdUs: nowUs,
        expiresUs: nowUs + requestLifetimeUs(this.settings.synAckRetries),
      };
    }
    const socket: FullSocket = {
      kind: 'full',
      key,
      local,
      remote,
      state: syn ? 'SYN_SENT' : 'ESTABLISHED',
      orphan: false,
      finQueued: false,
      rcvWindow: ASSUMED_RECEIVE_WINDOW,
      rcvWindowAssumed: true,
      receivedBytes: 0,
      createdUs: nowUs,
      lastReceivedUs: nowUs,
      keepaliveProbesOut: 0,
      sndUna: segment.seq,
      sndNxt: segment.seq,
      sndKnowledge: 'observed',
    };
    if (syn) socket.iss = segment.seq;
    if (this.options.keepaliveOnAll) socket.keepalive = this.options.keepaliveOnAll;
    this.learnOutgoing(socket, segment);
    return socket;
  }

  private learnOutgoing(socket: FullSocket, segment: EndpointSegment): void {
    const syn = hasFlag(segment, TcpFlag.SYN);
    const fin = hasFlag(segment, TcpFlag.FIN);
    const end = segmentEnd(segment);
    if (socket.sndNxt === undefined || seqAfter(end, socket.sndNxt)) socket.sndNxt = end;
    socket.sndUna ??= segment.seq;
    socket.sndKnowledge = 'observed';
    if (syn) {
      socket.iss = segment.seq;
      if (segment.windowScale !== undefined) socket.rcvWscale = segment.windowScale;
      socket.rcvWindow = segment.window;
      socket.rcvWindowAssumed = false;
    } else if (socket.rcvWscale !== undefined || !socket.rcvWindowAssumed) {
      socket.rcvWindow = segment.window * 2 ** (socket.rcvWscale ?? 0);
      socket.rcvWindowAssumed = false;
    }
    if (
      hasFlag(segment, TcpFlag.ACK) &&
      (socket.rcvNxt === undefined || seqAfter(segment.ack, socket.rcvNxt))
    ) {
      socket.rcvNxt = segment.ack;
      socket.rcvKnowledge = 'inferred';
    }
    if (fin && !socket.finQueued) {
      socket.finQueued = true;
      socket.finSeq = seqAdd(end, -1);
      const closing = (this.options.finMeans ?? 'close') === 'close';
      if (socket.state === 'ESTABLISHED' || socket.state === 'SYN_RECV') socket.state = 'FIN_WAIT1';
      else if (socket.state === 'CLOSE_WAIT') socket.state = 'LAST_ACK';
      socket.orphan = closing;
    }
  }

  /**
   * The application calls close(). With bytes still unread in the receive queue (or
   * SO_LINGER 0) Linux sends RST instead of FIN and drops the connection at once (RFC
   * 2525 2.17); otherwise FIN, and the socket becomes an orphan.
   */
  close(
    local: SocketEndpoint,
    remote: SocketEndpoint,
    opts: { unreadBytes: number; lingerZero?: boolean },
    nowUs: number,
  ): SegmentResponse {
    this.advance(nowUs);
    const response = this.closeNow(local, remote, opts, nowUs);
    this.schedule(connectionKey(local, remote));
    return response;
  }

  private closeNow(
    local: SocketEndpoint,
    remote: SocketEndpoint,
    opts: { unreadBytes: number; lingerZero?: boolean },
    nowUs: number,
  ): SegmentResponse {
    const entry = this.entries.get(connectionKey(local, remote));
    if (!entry) return noResponse('no such socket');
    if (entry.kind !== 'full')
      return noResponse(`close() on a ${entryState(entry)} socket the application no longer holds`);
    const socket = entry;
    if (socket.state === 'SYN_SENT') {
      this.entries.delete(socket.key);
      return noResponse('close() during connect: the attempt is abandoned, nothing sent');
    }
    if (opts.unreadBytes > 0 || opts.lingerZero === true) {
      this.entries.delete(socket.key);
      const why =
        opts.unreadBytes > 0
          ? `close() with ${opts.unreadBytes} unread bytes: RST instead of FIN, connection dropped`
          : 'close() with SO_LINGER 0: RST, connection dropped';
      return activeResetFrom(socket.sndNxt, socket.rcvNxt, why);
    }
    socket.orphan = true;
    if (socket.state === 'FIN_WAIT2') {
      this.orphanFinWait2Now(socket, nowUs);
      return noResponse('close() after shutdown: FIN already sent, the FIN-WAIT-2 timeout starts');
    }
    return this.sendFin(socket, 'close()');
  }

  /** shutdown(SHUT_WR): a half-close. The FIN goes out; the application keeps the socket. */
  shutdownWrite(local: SocketEndpoint, remote: SocketEndpoint, nowUs: number): SegmentResponse {
    this.advance(nowUs);
    const entry = this.entries.get(connectionKey(local, remote));
    if (!entry || entry.kind !== 'full') return noResponse('no connection to shut down');
    const response = this.sendFin(entry, 'shutdown(SHUT_WR)');
    this.schedule(entry.key);
    return response;
  }

  private sendFin(socket: FullSocket, why: string): SegmentResponse {
    if (socket.finQueued) return noResponse(`${why}: FIN already sent`);
    const next: Partial<Record<TcpSocketState, TcpSocketState>> = {
      ESTABLISHED: 'FIN_WAIT1',
      SYN_RECV: 'FIN_WAIT1',
      CLOSE_WAIT: 'LAST_ACK',
    };
    const after = next[socket.state];
    if (!after) return noResponse(`${why} in ${socket.state}: nothing to send`);
    socket.finQueued = true;
    const seq = socket.sndNxt;
    if (seq !== undefined) {
      socket.finSeq = seq;
      socket.sndNxt = seqAdd(seq, 1);
    }
    socket.state = after;
    return finFrom(seq, socket.rcvNxt, `${why}: FIN, ${after}`);
  }

  private orphanFinWait2Now(socket: FullSocket, nowUs: number): void {
    const timeoutUs = Math.max(this.settings.finTimeoutSec * 1_000_000, 700_000);
    const timeWaitUs = this.settings.timeWaitSec * 1_000_000;
    if (timeoutUs > timeWaitUs) {
      socket.fullUntilUs = nowUs + timeoutUs - timeWaitUs;
      socket.orphanDeadlineUs = socket.fullUntilUs + (timeoutUs - timeWaitUs);
      return;
    }
    this.entries.set(socket.key, toTimeWait(socket, 'FIN_WAIT2', nowUs + timeoutUs));
  }

  /** Turns keepalive on (values) or off (undefined) for one connection. */
  setKeepalive(
    local: SocketEndpoint,
    remote: SocketEndpoint,
    keepalive: KeepaliveSettings | undefined,
  ): boolean {
    const entry = this.entries.get(connectionKey(local, remote));
    if (!entry || entry.kind !== 'full') return false;
    if (keepalive) entry.keepalive = keepalive;
    else delete entry.keepalive;
    this.schedule(entry.key);
    return true;
  }

  /** Runs every timer due at or before `nowUs`, in time order; returns what fired. */
  advance(nowUs: number): TimerEvent[] {
    const fired: TimerEvent[] = [];
    for (
      let top = this.deadlines.peek();
      top !== undefined && top <= nowUs;
      top = this.deadlines.peek()
    ) {
      const { atUs, key } = this.deadlines.pop()!;
      const entry = this.entries.get(key);
      // A deadline that moved since it was pushed surfaces again under its new time.
      if (!entry || nextDeadline(entry) !== atUs) continue;
      this.fireEntryTimers(entry, nowUs, fired);
      this.schedule(key);
    }
    return fired.length > 1 ? fired.sort((x, y) => x.atUs - y.atUs) : fired;
  }

  private schedule(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    const atUs = nextDeadline(entry);
    if (atUs !== undefined) this.deadlines.push(atUs, key);
  }

  private fireEntryTimers(entry: SocketEntry, nowUs: number, fired: TimerEvent[]): void {
    const local = formatSocketEndpoint(entry.local);
    const remote = formatSocketEndpoint(entry.remote);
    if (entry.kind === 'time-wait') {
      if (entry.expiresUs <= nowUs) {
        this.entries.delete(entry.key);
        const what = entry.substate === 'TIME_WAIT' ? 'time-wait-end' : 'fin-wait-2-end';
        fired.push({ atUs: entry.expiresUs, what, local, remote });
      }
      return;
    }
    if (entry.kind === 'request') {
      if (entry.expiresUs <= nowUs) {
        this.entries.delete(entry.key);
        fired.push({ atUs: entry.expiresUs, what: 'syn-recv-timeout', local, remote });
      }
      return;
    }
    if (entry.state === 'FIN_WAIT2' && entry.orphan) {
      if (entry.fullUntilUs !== undefined && entry.fullUntilUs <= nowUs) {
        const tw = toTimeWait(entry, 'FIN_WAIT2', entry.orphanDeadlineUs ?? entry.fullUntilUs);
        this.entries.set(entry.key, tw);
        fired.push({ atUs: entry.fullUntilUs, what: 'fin-wait-2-shrunk', local, remote });
        this.fireEntryTimers(tw, nowUs, fired);
        return;
      }
      if (
        entry.fullUntilUs === undefined &&
        entry.orphanDeadlineUs !== undefined &&
        entry.orphanDeadlineUs <= nowUs
      ) {
        this.entries.delete(entry.key);
        fired.push({ atUs: entry.orphanDeadlineUs, what: 'fin-wait-2-end', local, remote });
        return;
      }
    }
    this.fireKeepalive(entry, nowUs, fired, local, remote);
  }

  private fireKeepalive(
    socket: FullSocket,
    nowUs: number,
    fired: TimerEvent[],
    local: string,
    remote: string,
  ): void {
    const keepalive = socket.keepalive;
    if (!keepalive || socket.state === 'SYN_SENT' || socket.state === 'SYN_RECV') return;
    for (const event of keepaliveSchedule(
      keepalive,
      socket.lastReceivedUs,
      socket.keepaliveProbesOut,
    )) {
      if (event.atUs > nowUs) return;
      if (event.what === 'keepalive-probe') {
        socket.keepaliveProbesOut += 1;
        const probeSeq = socket.sndUna === undefined ? undefined : seqAdd(socket.sndUna, -1);
        fired.push({
          atUs: event.atUs,
          what: 'keepalive-probe',
          local,
          remote,
          response: ackFrom(
            'ACK',
            probeSeq,
            socket.rcvNxt,
            `keepalive probe ${event.probe ?? ''} (SND.UNA-1, no data)`,
          ),
        });
        continue;
      }
      this.entries.delete(socket.key);
      socket.state = 'CLOSED';
      fired.push({
        atUs: event.atUs,
        what: 'keepalive-reset',
        local,
        remote,
        response: activeResetFrom(
          socket.sndNxt,
          socket.rcvNxt,
          `${keepalive.probes} keepalive probes unanswered: connection reset`,
        ),
      });
      return;
    }
  }

  /** Every timer still pending, earliest first; `overdue` ones will fire on the next call. */
  timers(nowUs: number): PendingTimer[] {
    const pending: PendingTimer[] = [];
    const add = (entry: SocketEntry, atUs: number, what: TimerEvent['what']) =>
      pending.push({
        atUs,
        what,
        local: formatSocketEndpoint(entry.local),
        remote: formatSocketEndpoint(entry.remote),
        overdue: atUs <= nowUs,
      });
    for (const entry of this.entries.values()) {
      if (entry.kind === 'time-wait') {
        add(
          entry,
          entry.expiresUs,
          entry.substate === 'TIME_WAIT' ? 'time-wait-end' : 'fin-wait-2-end',
        );
      } else if (entry.kind === 'request') {
        add(entry, entry.expiresUs, 'syn-recv-timeout');
      } else {
        if (entry.state === 'FIN_WAIT2' && entry.orphan) {
          if (entry.fullUntilUs !== undefined) add(entry, entry.fullUntilUs, 'fin-wait-2-shrunk');
          if (entry.orphanDeadlineUs !== undefined)
            add(entry, entry.orphanDeadlineUs, 'fin-wait-2-end');
        }
        if (entry.keepalive && entry.state !== 'SYN_SENT' && entry.state !== 'SYN_RECV') {
          for (const event of keepaliveSchedule(
            entry.keepalive,
            entry.lastReceivedUs,
            entry.keepaliveProbesOut,
          )) {
            add(entry, event.atUs, event.what);
          }
        }
      }
    }
    return pending.sort((a, b) => a.atUs - b.atUs);
  }

  /** The socket of a connection, if the model holds one. */
  lookup(local: SocketEndpoint, remote: SocketEndpoint): SocketView | undefined {
    const entry = this.entries.get(connectionKey(local, remote));
    return entry ? viewOf(entry) : undefined;
  }

  sockets(): SocketView[] {
    return [...this.entries.values()].map(viewOf);
  }

  listenerCount(): number {
    return this.listeners.size;
  }

  private findListener(address: string, port: number): ListenerSocket | undefined {
    let best: ListenerSocket | undefined;
    let bestScore = -1;
    for (const listener of this.listeners.values()) {
      const score = listenerScore(listener, address, port);
      if (score !== undefined && score > bestScore) {
        best = listener;
        bestScore = score;
      }
    }
    return best;
  }

  private keyOf(segment: EndpointSegment, direction: 'in' | 'out'): string {
    const src = canonicalAddress(segment.src);
    const dst = canonicalAddress(segment.dst);
    // Same layout as connectionKey(local, remote), without the intermediate objects.
    return direction === 'in'
      ? `${dst}|${segment.dstPort}|${src}|${segment.srcPort}`
      : `${src}|${segment.srcPort}|${dst}|${segment.dstPort}`;
  }

  private isnFor(segment: EndpointSegment, nowUs: number): number | undefined {
    const pick = this.options.initialSequence;
    if (!pick) return undefined;
    return (
      pick(
        { address: segment.dst, port: segment.dstPort },
        { address: segment.src, port: segment.srcPort },
        nowUs,
      ) >>> 0
    );
  }

  private context(nowUs: number): ProcessContext {
    return { settings: this.settings, challengeBudget: this.budget, nowUs };
  }

  private delivery(
    socket: DeliveredTo,
    stateBefore: TcpSocketState | undefined,
    stateAfter: TcpSocketState | undefined,
    response: SegmentResponse,
    notes: readonly string[],
  ): Delivery {
    const delivery: {
      socket: DeliveredTo;
      response: SegmentResponse;
      stateBefore?: TcpSocketState;
      stateAfter?: TcpSocketState;
      note?: string;
    } = { socket, response };
    if (stateBefore) delivery.stateBefore = stateBefore;
    if (stateAfter) delivery.stateAfter = stateAfter;
    if (notes.length > 0) delivery.note = notes.join('; ');
    return delivery;
  }
}

/** The earliest moment a timer of this socket acts, if it has one. */
function nextDeadline(entry: SocketEntry): number | undefined {
  if (entry.kind !== 'full') return entry.expiresUs;
  let at: number | undefined;
  if (entry.state === 'FIN_WAIT2' && entry.orphan) at = entry.fullUntilUs ?? entry.orphanDeadlineUs;
  const keepalive = entry.keepalive;
  if (keepalive && entry.state !== 'SYN_SENT' && entry.state !== 'SYN_RECV') {
    const next = nextKeepaliveEvent(keepalive, entry.lastReceivedUs, entry.keepaliveProbesOut).atUs;
    at = at === undefined ? next : Math.min(at, next);
  }
  return at;
}

/** A SYN without ACK: the first segment of a handshake. */
function isOpeningSyn(segment: EndpointSegment): boolean {
  return (segment.tcpFlags & (TcpFlag.SYN | TcpFlag.ACK | TcpFlag.RST)) === TcpFlag.SYN;
}

function viewOf(entry: SocketEntry): SocketView {
  const base = {
    local: formatSocketEndpoint(entry.local),
    remote: formatSocketEndpoint(entry.remote),
    form: entry.kind,
    state: entryState(entry),
  };
  switch (entry.kind) {
    case 'full':
      return {
        ...base,
        orphan: entry.orphan,
        keepalive: entry.keepalive !== undefined,
        receivedBytes: entry.receivedBytes,
        ...(entry.sndUna !== undefined ? { sndUna: entry.sndUna } : {}),
        ...(entry.sndNxt !== undefined ? { sndNxt: entry.sndNxt } : {}),
        ...(entry.rcvNxt !== undefined ? { rcvNxt: entry.rcvNxt } : {}),
      };
    case 'time-wait':
      return {
        ...base,
        orphan: true,
        keepalive: false,
        ...(entry.sndNxt !== undefined ? { sndNxt: entry.sndNxt } : {}),
        ...(entry.rcvNxt !== undefined ? { rcvNxt: entry.rcvNxt } : {}),
      };
    case 'request':
      return { ...base, orphan: false, keepalive: false, rcvNxt: seqAdd(entry.irs, 1) };
  }
}
