import type {
  ConntrackEvent,
  Flow,
  LogErrorKind,
  LogEvent,
  SocketSnapshot,
} from '@netmortem/domain';
import { tupleEndpoint } from '../context/conntrack-history.js';
import type { MatchContext } from '../context/match-context.js';
import {
  durationText,
  endpointText,
  packetPointer,
  pointerAt,
  timeText,
} from '../context/pointers.js';
import type { FlowRef, NarrativeStep } from '../report/analysis-report.js';
import { Weighing } from '../scoring/weighing.js';
import {
  connectFailureEvents,
  connectFailureLogs,
  flowFromLogs,
  MAX_WEIGHED_ATTEMPTS,
  synScheduleText,
  troubledConnects,
  type ConnectAttempt,
} from './connect-failures.js';
import { counted, counting, netCounter, type CounterReading } from './counter-readings.js';
import type { Candidate, Detector } from './detector.js';
import { anomalies, flowRef } from './flow-signals.js';

const ID = 'listen-queue-overflow';
const ABORT = 'net.ipv4.tcp_abort_on_overflow';
/** What clients of an overflowing listener report: timeouts, and resets when it aborts. */
const CLIENT_FAILURES: readonly LogErrorKind[] = [
  'ETIMEDOUT',
  'UPSTREAM_CONNECT_FAILURE',
  'ECONNRESET',
  'EPIPE',
];
/** A server RST this soon after the handshake, before any answer, is the listener refusing it. */
const ABORT_WITHIN_US = 1_000_000;

/** What the server host says about its listeners, independent of any one flow. */
interface QueueSigns {
  readonly overflows?: CounterReading;
  readonly drops?: CounterReading;
  /** SYN-queue pressure: cookies sent, requests dropped with the SYN queue full. */
  readonly synQueue: readonly CounterReading[];
  /** LISTEN sockets whose accept queue (Recv-Q) had reached its backlog (Send-Q). */
  readonly fullListeners: readonly SocketSnapshot[];
  readonly synFloodLogs: readonly LogEvent[];
}

/**
 * The application does not accept() fast enough: the listener's accept queue is full, so the
 * kernel drops SYNs and handshake-completing ACKs (or resets them with tcp_abort_on_overflow),
 * counting TcpExtListenOverflows/ListenDrops; clients see slow or failed connects and SYN-ACKs
 * repeated after they thought they were connected.
 */
export const listenQueueOverflowDetector: Detector = {
  rootCause: ID,
  detect(context) {
    const signs = queueSigns(context);
    const anySign =
      counted(signs.overflows) || signs.fullListeners.length > 0 || signs.synFloodLogs.length > 0;
    if (!anySign) return [];
    const candidates: Candidate[] = [];
    const attempts = troubledConnects(context)
      .sort((a, b) => rank(a) - rank(b) || a.flow.firstUs - b.flow.firstUs)
      .slice(0, MAX_WEIGHED_ATTEMPTS);
    for (const attempt of attempts) {
      const c = fromAttempt(context, signs, attempt);
      if (c) candidates.push(c);
    }
    for (const flow of context.tcpFlows) {
      const c = fromAbort(context, signs, flow);
      if (c) candidates.push(c);
    }
    const moving = (signs.overflows?.growth ?? 0) > 0 || (signs.drops?.growth ?? 0) > 0;
    if (
      candidates.length === 0 &&
      (moving || connectFailureEvents(context, CLIENT_FAILURES).length > 0)
    )
      candidates.push(withoutCapture(context, signs));
    return candidates;
  },
};

/** The client's ACK went unheeded (strongest), then SYNs never answered, then late connects. */
function rank(a: ConnectAttempt): number {
  if (ackIgnored(a)) return 0;
  return a.unanswered ? 1 : a.completed ? 3 : 2;
}

function queueSigns(context: MatchContext): QueueSigns {
  const overflows = netCounter(context, 'TcpExtListenOverflows');
  const drops = netCounter(context, 'TcpExtListenDrops');
  const synQueue = [
    'TcpExtTCPReqQFullDrop',
    'TcpExtTCPReqQFullDoCookies',
    'TcpExtSyncookiesSent',
  ].flatMap((name) => counting(netCounter(context, name)) ?? []);
  const fullListeners = context.evidence.sockets.filter(
    (s) => s.protocol === 'tcp' && s.state === 'LISTEN' && s.sendQ > 0 && s.recvQ >= s.sendQ,
  );
  const synFloodLogs = context.evidence.logEvents.filter(
    (e) => e.source === 'kernel' && e.fields?.['event'] === 'syn-flood',
  );
  return {
    ...(overflows ? { overflows } : {}),
    ...(drops ? { drops } : {}),
    synQueue,
    fullListeners,
    synFloodLogs,
  };
}

/** The host evidence, weighed; `port` is the listening port of the flow, when there is one. */
function weighHost(context: MatchContext, signs: QueueSigns, port?: number): Weighing {
  const w = new Weighing();
  const overflows = counting(signs.overflows);
  if (overflows) {
    const moving = (overflows.growth ?? 0) > 0;
    w.for(moving ? 'strong' : 'moderate', {
      ...overflows.pointer,
      note: `${overflows.pointer.note}: connections found a listener's accept queue full${moving ? ' during the collection' : ' (since boot: not necessarily now)'}`,
    });
  } else if (signs.overflows) {
    w.against('strong', {
      ...signs.overflows.pointer,
      note: `${signs.overflows.pointer.note}: no accept queue ever overflowed`,
    });
  }
  const listener =
    signs.fullListeners.find((s) => port === undefined || s.local.port === port) ??
    signs.fullListeners[0];
  if (listener) {
    const ours = port !== undefined && listener.local.port === port;
    w.for(
      'strong',
      pointerAt(
        listener.locator,
        `LISTEN ${endpointText(listener.local)}: Recv-Q ${listener.recvQ} (connections waiting for accept) reached Send-Q ${listener.sendQ} (its backlog)`,
      ),
    );
    if (ours)
      w.for('moderate', pointerAt(listener.locator, `it is the port this connection dialled`));
  }
  const flood =
    signs.synFloodLogs.find((e) => port === undefined || e.fields?.['port'] === port) ??
    signs.synFloodLogs[0];
  if (flood) w.for('moderate', pointerAt(flood.locator, `kernel: ${flood.message.slice(0, 140)}`));
  if (signs.synQueue[0])
    w.for('weak', {
      ...signs.synQueue[0].pointer,
      note: `${signs.synQueue[0].pointer.note}: the SYN queue was under pressure too`,
    });

  const tableFull = context.logs(['CONNTRACK_TABLE_FULL'])[0];
  if (tableFull)
    w.against(
      'moderate',
      pointerAt(
        tableFull.locator,
        `conntrack's table was full, which also drops SYNs: ${tableFull.message.slice(0, 100)}`,
      ),
    );
  return w;
}

/** The client completed the handshake, yet the server repeated its SYN-ACK: the ACK found no room. */
function ackIgnored(a: ConnectAttempt): { retry: number; ack: number } | undefined {
  const ack = a.flow.handshake.ackPacket;
  if (ack === undefined) return undefined;
  const retry = a.synAckRetries.find((r) => (r.locator.packet ?? 0) > ack);
  return retry ? { retry: retry.locator.packet ?? 0, ack } : undefined;
}

function fromAttempt(
  context: MatchContext,
  signs: QueueSigns,
  attempt: ConnectAttempt,
): Candidate | undefined {
  const { flow } = attempt;
  const ref = flowRef(flow);
  const w = weighHost(context, signs, flow.server.port);
  const syn = flow.handshake.synPacket!;
  const narrative: NarrativeStep[] = [
    {
      time: timeText(flow.firstUs),
      text: `${ref.client} sends a SYN to ${ref.server}`,
      evidence: packetPointer(flow.capture, syn, 'SYN'),
    },
  ];
  const ignored = ackIgnored(attempt);
  let what: string;
  if (ignored) {
    const ackTime = context.packet(flow.capture, ignored.ack)?.timeUs;
    w.for(
      'strong',
      packetPointer(
        flow.capture,
        ignored.retry,
        `the server repeats its SYN-ACK after the client's ACK (packet ${ignored.ack}): it could not move the connection into a full accept queue`,
      ),
    );
    const stalled = anomalies(flow, 'retransmission').find(
      (r) => r.direction === 'client-to-server',
    );
    if (stalled)
      w.for(
        'moderate',
        packetPointer(
          flow.capture,
          stalled.locator.packet ?? 0,
          `the client's data is retransmitted unanswered: the server never created its socket`,
        ),
      );
    narrative.push(
      {
        time: timeText(ackTime),
        text: 'the client completes the handshake and believes it is connected',
        evidence: packetPointer(flow.capture, ignored.ack, 'ACK'),
      },
      {
        text: 'the accept queue is full: the kernel drops the ACK (tcp_abort_on_overflow=0) and keeps the request in the SYN queue',
      },
      {
        time: timeText(context.packet(flow.capture, ignored.retry)?.timeUs),
        text: `the server retransmits its SYN-ACK (${attempt.synAckRetries.length} time(s)); the client's request waits`,
        evidence: packetPointer(flow.capture, ignored.retry, 'SYN-ACK retransmission'),
      },
    );
    what = `completed the handshake at packet ${ignored.ack}, but the server repeated its SYN-ACK ${attempt.synAckRetries.length} time(s): the accept queue had no room for the connection`;
  } else if (attempt.synRetries.length > 0 || attempt.unanswered) {
    if (attempt.synAckRetries.length > 0) return undefined;
    const schedule = synScheduleText(attempt, context.settings);
    if (attempt.unanswered)
      w.for(
        'moderate',
        packetPointer(flow.capture, syn, `never answered: ${attempt.unanswered.note}`),
      );
    else
      w.for(
        attempt.completed ? 'weak' : 'moderate',
        packetPointer(flow.capture, syn, `SYNs repeated: ${schedule}`),
      );
    const crowd = simultaneousAttempts(context, flow);
    if (crowd >= 3)
      w.for(
        'weak',
        packetPointer(
          flow.capture,
          syn,
          `${crowd} connections to ${ref.server} started within a second: a burst on one listener`,
        ),
      );
    narrative.push({
      text: 'the accept queue is full, so the listener drops the SYN without answering',
    });
    const last = attempt.synRetries[attempt.synRetries.length - 1];
    if (last)
      narrative.push({
        time: timeText(last.timeUs),
        text: `the client retries (${schedule})`,
        evidence: packetPointer(flow.capture, last.locator.packet ?? syn, last.note),
      });
    if (attempt.completed && flow.handshake.synAckPacket !== undefined)
      narrative.push({
        text: 'once the application accepts again, a retry is answered and the connection starts late',
        evidence: packetPointer(flow.capture, flow.handshake.synAckPacket, 'SYN-ACK'),
      });
    what = attempt.completed
      ? `connected only after ${schedule}`
      : `got no answer to its SYNs (${schedule})`;
  } else {
    return undefined;
  }
  for (const log of connectFailureLogs(context, ref, CLIENT_FAILURES).slice(0, 2))
    w.for('weak', log);
  return {
    rootCause: ID,
    flow: ref,
    weighing: w,
    summary: `${ref.client} → ${ref.server} ${what}${queueText(signs)}.`,
    narrative,
    notes: settingNotes(context, signs),
    nextEvidence: nextEvidence(signs),
  };
}

/** tcp_abort_on_overflow=1: the listener answers the handshake-completing ACK with a RST. */
function fromAbort(context: MatchContext, signs: QueueSigns, flow: Flow): Candidate | undefined {
  if (!flow.handshake.complete || flow.toClient.payloadBytes > 0) return undefined;
  const ack = flow.handshake.ackPacket;
  const ackTime = ack === undefined ? undefined : context.packet(flow.capture, ack)?.timeUs;
  if (ackTime === undefined) return undefined;
  const reset = anomalies(flow, 'rst', 'rst-ack').find(
    (r) =>
      r.direction === 'server-to-client' &&
      r.timeUs >= ackTime &&
      r.timeUs - ackTime <= ABORT_WITHIN_US,
  );
  if (!reset) return undefined;
  const ref = flowRef(flow);
  const w = weighHost(context, signs, flow.server.port);
  const rstPacket = reset.locator.packet ?? 0;
  w.for(
    'moderate',
    packetPointer(
      flow.capture,
      rstPacket,
      `the server resets the connection ${durationText((reset.timeUs - ackTime) / 1e6)} after the handshake, before answering anything: ${reset.note}`,
    ),
  );
  const abort = context.settings.get(ABORT);
  if (abort?.observed && abort.value === '1' && abort.pointer)
    w.for('moderate', {
      ...abort.pointer,
      note: `${abort.pointer.note}: a full accept queue answers the handshake's ACK with RST`,
    });
  else if (abort?.observed && abort.value === '0' && abort.pointer)
    w.against('moderate', {
      ...abort.pointer,
      note: `${abort.pointer.note}: an overflowing listener drops, it does not reset`,
    });
  for (const log of connectFailureLogs(context, ref, CLIENT_FAILURES).slice(0, 2))
    w.for('weak', log);
  return {
    rootCause: ID,
    flow: ref,
    weighing: w,
    summary: `${ref.client} → ${ref.server} was reset right after its handshake${queueText(signs)}: with tcp_abort_on_overflow=1 the listener resets connections its full accept queue cannot take.`,
    narrative: [
      {
        time: timeText(flow.firstUs),
        text: `${ref.client} connects to ${ref.server}`,
        evidence: packetPointer(flow.capture, flow.handshake.synPacket ?? flow.firstPacket, 'SYN'),
      },
      {
        time: timeText(ackTime),
        text: 'the client completes the handshake',
        evidence: packetPointer(flow.capture, ack!, 'ACK'),
      },
      {
        time: timeText(reset.timeUs),
        text: 'the accept queue is full and tcp_abort_on_overflow=1: the server answers with RST',
        evidence: packetPointer(flow.capture, rstPacket, reset.note),
      },
    ],
    notes: settingNotes(context, signs),
    nextEvidence: nextEvidence(signs),
  };
}

function withoutCapture(context: MatchContext, signs: QueueSigns): Candidate {
  const w = weighHost(context, signs);
  const events = connectFailureEvents(context, CLIENT_FAILURES);
  const stuck = handshakesLeftPending(context);
  const fromLogs = flowFromLogs(events);
  const proof = stuck.find((p) => !fromLogs || p.flow.client === fromLogs.client) ?? stuck[0];
  const earlier = fromLogs || !proof?.established ? undefined : earlierHungSibling(context, proof);
  const flow: FlowRef | undefined = fromLogs ?? earlier?.flow ?? proof?.flow;
  if (earlier)
    w.for(
      'weak',
      pointerAt(
        earlier.event.locator,
        `${earlier.flow.client} reached ESTABLISHED in the same burst and never closed either: the first connection left hanging`,
      ),
    );
  if (proof?.established)
    w.for(
      'strong',
      pointerAt(
        proof.established.locator,
        `conntrack saw ${proof.flow.client} complete the handshake (ESTABLISHED), yet the server still holds it in SYN-RECV: the listener dropped the final ACK`,
      ),
    );
  if (proof)
    w.for(
      proof.established ? 'weak' : 'moderate',
      pointerAt(
        proof.socket.locator,
        `SYN-RECV ${proof.flow.server} ← ${proof.flow.client}: a handshake the server has not completed`,
      ),
    );
  for (const log of connectFailureLogs(context, flow, CLIENT_FAILURES).slice(0, 2))
    w.for('weak', log);
  const listener = signs.fullListeners[0];
  const narrative: NarrativeStep[] = [];
  if (listener)
    narrative.push({
      text: `the listener ${endpointText(listener.local)} holds ${listener.recvQ} connections nobody accepted, its backlog being ${listener.sendQ}`,
      evidence: pointerAt(listener.locator, 'LISTEN'),
    });
  for (const e of events.slice(0, 1))
    narrative.push({
      ...(e.timeUs !== undefined ? { time: timeText(e.timeUs) } : {}),
      text: `a client fails: ${e.message.slice(0, 120)}`,
      evidence: pointerAt(e.locator, e.errorKind ?? ''),
    });
  return {
    rootCause: ID,
    ...(flow ? { flow } : {}),
    weighing: w,
    summary: `A listener's accept queue overflowed${queueText(signs)}, so handshakes were dropped${flow ? `; ${flow.client} → ${flow.server} failed` : ''}. No capture shows the dropped packets.`,
    narrative,
    notes: settingNotes(context, signs),
    nextEvidence: [
      'capture on the server during a failure: SYNs without SYN-ACK, or SYN-ACKs repeated after the client’s ACK, tie the drops to connections',
      ...nextEvidence(signs),
    ],
  };
}

interface PendingHandshake {
  readonly flow: FlowRef;
  readonly socket: SocketSnapshot;
  /** The conntrack event that saw the client's final ACK, on a host the flow crossed. */
  readonly established?: ConntrackEvent;
}

/**
 * Request sockets (ss SYN-RECV) on a listening port: handshakes the server has not finished.
 * When conntrack on the way saw the same connection reach ESTABLISHED, the client's final ACK
 * was sent and got past the network: the listener itself threw it away.
 */
function handshakesLeftPending(context: MatchContext): PendingHandshake[] {
  const out: PendingHandshake[] = [];
  for (const socket of context.evidence.sockets) {
    if (socket.state !== 'SYN-RECV' || !socket.peer) continue;
    const flow = { client: endpointText(socket.peer), server: endpointText(socket.local) };
    const history = context.histories.find(
      (h) =>
        h.original.src === socket.peer!.ip &&
        h.original.srcPort === socket.peer!.port &&
        (h.original.dstPort === socket.local.port ||
          h.events.some((e) => e.reply.srcPort === socket.local.port)),
    );
    const established = history?.events.find((e) => e.tcpState === 'ESTABLISHED');
    out.push({ flow, socket, ...(established ? { established } : {}) });
  }
  return out.sort(
    (a, b) => Number(b.established !== undefined) - Number(a.established !== undefined),
  );
}

/** Conntrack states a connection passes through once either side closes it. */
const CLOSING = new Set(['FIN_WAIT', 'CLOSE_WAIT', 'LAST_ACK', 'TIME_WAIT', 'CLOSE']);
/** Handshakes completed this close together met the same full queue. */
const SAME_BURST_US = 1_000_000;

/**
 * Connections to the same listener that conntrack saw established shortly before the proven
 * one and that never closed: they hung the same way. The earliest is the first failure.
 */
function earlierHungSibling(
  context: MatchContext,
  proof: PendingHandshake,
): { flow: FlowRef; event: ConntrackEvent } | undefined {
  const at = proof.established?.timeUs;
  if (at === undefined) return undefined;
  const port = proof.socket.local.port;
  for (const h of context.histories) {
    const established = h.events.find((e) => e.tcpState === 'ESTABLISHED');
    if (!established?.timeUs || established.timeUs >= at || at - established.timeUs > SAME_BURST_US)
      continue;
    const toListener =
      h.original.dstPort === port || h.events.some((e) => e.reply.srcPort === port);
    const closed = h.events.some(
      (e) => e.type === 'DESTROY' || (e.tcpState !== undefined && CLOSING.has(e.tcpState)),
    );
    if (!toListener || closed) continue;
    const client = tupleEndpoint(h.original.src, h.original.srcPort);
    return {
      flow: { client, server: tupleEndpoint(h.original.dst, h.original.dstPort) },
      event: established,
    };
  }
  return undefined;
}

function simultaneousAttempts(context: MatchContext, flow: Flow): number {
  return context.tcpFlows.filter(
    (f) =>
      f.capture === flow.capture &&
      f.server.port === flow.server.port &&
      f.server.ip === flow.server.ip &&
      Math.abs(f.firstUs - flow.firstUs) <= 1_000_000,
  ).length;
}

function queueText(signs: QueueSigns): string {
  const parts: string[] = [];
  const overflows = counting(signs.overflows);
  if (overflows)
    parts.push(
      `ListenOverflows ${overflows.growth !== undefined ? `+${overflows.growth}` : `= ${overflows.value}`}`,
    );
  const l = signs.fullListeners[0];
  if (l) parts.push(`${endpointText(l.local)} Recv-Q ${l.recvQ} / backlog ${l.sendQ}`);
  return parts.length > 0 ? ` (${parts.join('; ')})` : '';
}

function settingNotes(context: MatchContext, signs: QueueSigns): string[] {
  const notes: string[] = [];
  const somaxconn = context.settings.get('net.core.somaxconn');
  const l = signs.fullListeners[0];
  if (l && somaxconn?.observed && Number(somaxconn.value) > l.sendQ)
    notes.push(
      `the backlog ${l.sendQ} is the application's listen() argument, below net.core.somaxconn = ${somaxconn.value}: raise it in the application`,
    );
  else if (l && somaxconn?.observed)
    notes.push(`the backlog is capped by net.core.somaxconn = ${somaxconn.value}`);
  const abort = context.settings.get(ABORT);
  if (abort?.observed)
    notes.push(
      abort.value === '1'
        ? 'tcp_abort_on_overflow=1: clients get a reset instead of a hang when the queue is full'
        : 'tcp_abort_on_overflow=0: the handshake-completing ACK is dropped and the SYN-ACK repeated, so clients believe they are connected while their request waits',
    );
  return notes;
}

function nextEvidence(signs: QueueSigns): string[] {
  const out: string[] = [];
  if (signs.overflows?.growth === undefined)
    out.push(
      '`nstat -az TcpExtListenOverflows TcpExtListenDrops` before and after a burst of failures: a rising count confirms it',
    );
  if (signs.fullListeners.length === 0)
    out.push(
      '`ss -ltn` on the server during the failures: Recv-Q at or above Send-Q on the listening port',
    );
  return out;
}
