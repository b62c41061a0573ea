import type { ConntrackTuple, Flow, SocketSnapshot } from '@netmortem/domain';
import { tupleEndpoint } from '../context/conntrack-history.js';
import type { NarrativeStep } from '../report/analysis-report.js';
import { TcpFlag } from '@netmortem/domain';
import type { MatchContext } from '../context/match-context.js';
import { durationText, packetPointer, pointerAt, timeText } from '../context/pointers.js';
import { coincidingTimer, describeTimer } from '../context/timer-coincidence.js';
import { Weighing } from '../scoring/weighing.js';
import type { Candidate, Detector } from './detector.js';
import { eachTcpFlow, flowPackets, flowRef, fromClient, hasFlag, seconds } from './flow-signals.js';

const ID = 'sidecar-halfclose-leak';
const CLOSE_WAIT = 'net.netfilter.nf_conntrack_tcp_timeout_close_wait';

/**
 * A proxy half-closes toward the application; the application closes only after conntrack's
 * close_wait timer has dropped the entry, so its FIN is no longer translated back to the
 * proxy's socket, which stays in FIN-WAIT-2 until the proxy's idle timeout: a leak.
 */
export const sidecarHalfcloseLeakDetector: Detector = {
  rootCause: ID,
  detect(context) {
    const out = eachTcpFlow(context, fromCapture);
    if (out.length === 0) {
      const c = fromEvents(context) ?? fromSockets(context);
      if (c) out.push(c);
    }
    return out;
  },
};

function fromCapture(context: MatchContext, flow: Flow): Candidate | undefined {
  const packets = flowPackets(context, flow);
  const firstFin = packets.find((p) => hasFlag(p, TcpFlag.FIN));
  if (!firstFin) return undefined;
  const finSideIsClient = fromClient(flow, firstFin);
  const lateFin = packets.find(
    (p) =>
      hasFlag(p, TcpFlag.FIN) &&
      fromClient(flow, p) !== finSideIsClient &&
      p.timeUs > firstFin.timeUs,
  );
  if (!lateFin) return undefined;
  const waited = seconds(lateFin.timeUs - firstFin.timeUs);
  const timer = coincidingTimer(waited, [CLOSE_WAIT], context.settings, true);
  if (!timer) return undefined;
  // The late FIN must have gone wrong: retransmitted, reset, or never acknowledged.
  const lateIndex = lateFin.locator.packet ?? 0;
  const afterLate = packets.filter((p) => p.timeUs > lateFin.timeUs);
  const finRetries = afterLate.filter(
    (p) => hasFlag(p, TcpFlag.FIN) && fromClient(flow, p) === fromClient(flow, lateFin),
  );
  const ackedBy = afterLate.find(
    (p) =>
      fromClient(flow, p) === finSideIsClient &&
      !hasFlag(p, TcpFlag.RST) &&
      p.tcp &&
      lateFin.tcp &&
      p.tcp.ack === (lateFin.tcp.seq + lateFin.payloadLength + 1) >>> 0,
  );
  const reset = afterLate.find((p) => hasFlag(p, TcpFlag.RST));
  if (ackedBy && finRetries.length === 0) return undefined;

  const w = new Weighing();
  const firstIndex = firstFin.locator.packet ?? 0;
  const halfCloser = finSideIsClient ? 'client (proxy) side' : 'server side';
  w.for(
    'moderate',
    packetPointer(
      flow.capture,
      firstIndex,
      `the ${halfCloser} half-closes: conntrack moves the entry to CLOSE_WAIT`,
    ),
  );
  w.for(
    'strong',
    packetPointer(
      flow.capture,
      lateIndex,
      `the other side's FIN comes ${describeTimer(timer, waited)}: the entry is gone by then`,
    ),
  );
  if (timer.pointer) w.for('weak', timer.pointer);
  if (finRetries.length > 0)
    w.for(
      'strong',
      packetPointer(
        flow.capture,
        finRetries[0]!.locator.packet ?? 0,
        `the late FIN is retransmitted ${finRetries.length} time(s): it never reaches the socket that half-closed`,
      ),
    );
  if (reset)
    w.for(
      'moderate',
      packetPointer(
        flow.capture,
        reset.locator.packet ?? 0,
        'a RST answers the late FIN: it reached a socket that does not know the connection',
      ),
    );
  const verdict = context.verdict(flow.capture, lateIndex);
  if (
    verdict &&
    (verdict.ctinfo === 'NEW' || verdict.ctinfo === 'INVALID') &&
    !verdict.nat.applied
  ) {
    w.for(
      'decisive',
      packetPointer(
        flow.capture,
        lateIndex,
        `replay: the late FIN is ${verdict.ctinfo} to conntrack and is not translated back${verdict.nat.skippedBecause ? ` (${verdict.nat.skippedBecause})` : ''}`,
      ),
    );
  }
  const held = finWait2Held(context);
  if (held[0])
    w.for(
      'strong',
      pointerAt(
        held[0].locator,
        `${held.length} FIN-WAIT-2 socket(s) still held by ${held[0].processes?.[0]?.name ?? 'a process'}`,
      ),
    );
  return {
    rootCause: ID,
    flow: flowRef(flow),
    weighing: w,
    summary: `On ${flowRef(flow).client} → ${flowRef(flow).server} the ${halfCloser} half-closed at packet ${firstIndex}; the peer's FIN came ${durationText(waited)} later, after nf_conntrack_tcp_timeout_close_wait (${timer.seconds} s) had removed the entry, so it was not translated back and the half-closed socket was left in FIN-WAIT-2.`,
    narrative: [
      {
        time: timeText(firstFin.timeUs),
        text: `the ${halfCloser} sends FIN but keeps reading (half-close); conntrack: CLOSE_WAIT`,
        evidence: packetPointer(flow.capture, firstIndex, 'FIN'),
      },
      {
        time: timeText(firstFin.timeUs + timer.seconds * 1e6),
        text: `conntrack's close_wait timer (${timer.seconds} s) expires the entry`,
      },
      {
        time: timeText(lateFin.timeUs),
        text: 'the other side finally closes; its FIN finds no entry and is not translated back',
        evidence: packetPointer(flow.capture, lateIndex, 'late FIN'),
      },
      {
        text: 'the half-closed socket waits in FIN-WAIT-2 for a FIN that never arrives, until the proxy’s idle timeout',
      },
    ],
    failure: { capture: flow.capture, index: lateIndex, what: 'the late FIN missing its socket' },
    nextEvidence: [
      'ss -tanoie in the pod: FIN-WAIT-2 sockets of the proxy with ages beyond nf_conntrack_tcp_timeout_close_wait',
      '`conntrack -E -o timestamp` in the pod: DESTROY in CLOSE_WAIT before the application’s FIN',
    ],
  };
}

/** No capture: FIN-WAIT-2 sockets a process still holds whose local peer socket is gone. */
function fromSockets(context: MatchContext): Candidate | undefined {
  const held = finWait2Held(context);
  const orphanedPeers = held.filter(
    (s) =>
      !context.evidence.sockets.some(
        (o) => o.peer && o.local.port === s.peer!.port && o.peer.port === s.local.port,
      ),
  );
  if (held.length === 0) return undefined;
  const w = new Weighing(-3);
  w.for(
    'moderate',
    pointerAt(
      held[0]!.locator,
      `${held.length} FIN-WAIT-2 socket(s) held open by ${held[0]!.processes?.[0]?.name ?? 'a process'} (not orphaned, so tcp_fin_timeout does not apply)`,
    ),
  );
  if (orphanedPeers.length > 0 && orphanedPeers.length === held.length)
    w.for(
      'moderate',
      pointerAt(
        orphanedPeers[0]!.locator,
        'their peer sockets no longer exist: the peers closed and their FIN never arrived',
      ),
    );
  if (held.length >= 10)
    w.for(
      'moderate',
      pointerAt(held[0]!.locator, `${held.length} of them: a leak, not a moment in a close`),
    );
  return {
    rootCause: ID,
    weighing: w,
    summary: `${held.length} socket(s) are held in FIN-WAIT-2 by a process: the peer's FIN never reached them, the mark of a half-close whose conntrack entry expired before the peer closed.`,
    narrative: [],
    nextEvidence: [
      'a capture in the pod around a connection close, and `conntrack -E -o timestamp`, to see the late FIN miss its entry',
    ],
  };
}

/**
 * FIN-WAIT-2 sockets an application still holds: an orphaned one (closed by its owner) runs
 * the tcp_fin_timeout timer, which ss prints as `timer:(timewait,…)`; a held one has none.
 */
function finWait2Held(context: MatchContext): SocketSnapshot[] {
  return context.evidence.sockets.filter(
    (s) =>
      s.state === 'FIN-WAIT-2' &&
      s.peer !== null &&
      ((s.processes?.length ?? 0) > 0 || s.timer === undefined || s.timer.name !== 'timewait'),
  );
}

/**
 * Without a capture: conntrack destroyed an entry in CLOSE_WAIT (its close_wait timer ran
 * out during a half-close) and a socket of that connection is still held in FIN-WAIT-2, or
 * the other side's late packet created a fresh entry instead of finding the old one.
 */
function fromEvents(context: MatchContext): Candidate | undefined {
  const held = finWait2Held(context);
  let best:
    | { w: Weighing; flow: { client: string; server: string }; narrative: NarrativeStep[] }
    | undefined;
  for (const history of context.histories) {
    const death = history.events.find((e) => e.type === 'DESTROY' && e.tcpState === 'CLOSE_WAIT');
    if (!death) continue;
    const o = history.original;
    const w = new Weighing();
    const narrative: NarrativeStep[] = [];
    const halfClosed = history.events.find(
      (e) => e.type === 'UPDATE' && e.tcpState === 'CLOSE_WAIT',
    );
    w.for(
      'moderate',
      pointerAt(
        death.locator,
        'the entry is destroyed in CLOSE_WAIT: the connection stayed half-closed longer than the close_wait timer',
      ),
    );
    if (halfClosed)
      narrative.push({
        time: timeText(halfClosed.timeUs),
        text: 'one side half-closes; conntrack: CLOSE_WAIT',
        evidence: pointerAt(halfClosed.locator, 'CLOSE_WAIT'),
      });
    if (halfClosed?.timeUs !== undefined && death.timeUs !== undefined) {
      const waited = seconds(death.timeUs - halfClosed.timeUs);
      const timer = coincidingTimer(waited, [CLOSE_WAIT], context.settings);
      if (timer) w.for('moderate', pointerAt(death.locator, describeTimer(timer, waited)));
    }
    narrative.push({
      time: timeText(death.timeUs),
      text: "conntrack's close_wait timer removes the entry while the connection is still half-open",
      evidence: pointerAt(death.locator, 'DESTROY'),
    });
    const ports = new Set([o.dstPort, history.events[0]?.reply.srcPort]);
    const socket = held.find(
      (s) => s.peer!.ip === o.src && s.peer!.port === o.srcPort && ports.has(s.local.port),
    );
    if (socket) {
      w.for(
        'strong',
        pointerAt(
          socket.locator,
          `FIN-WAIT-2 ${socketText(socket)}: the half-closed side still waits for a FIN that will not reach it`,
        ),
      );
      narrative.push({
        text: 'the half-closed socket stays in FIN-WAIT-2 until its owner’s idle timeout',
        evidence: pointerAt(socket.locator, 'FIN-WAIT-2'),
      });
    }
    const deathLine = death.locator.line ?? 0;
    const late = context.histories
      .filter((h) => h !== history && sameEndpoints(h.original, history.events[0]!.reply, o))
      .flatMap((h) => h.events)
      .find((e) => e.type === 'NEW' && (e.locator.line ?? 0) > deathLine);
    if (late) {
      w.for(
        'strong',
        pointerAt(
          late.locator,
          'the other side’s late packet creates a new entry instead of finding the old one: it is not translated back',
        ),
      );
      narrative.push({
        time: timeText(late.timeUs),
        text: 'the other side finally closes; its packet finds no entry and starts a new one',
        evidence: pointerAt(late.locator, 'NEW'),
      });
    }
    const flow = {
      client: tupleEndpoint(o.src, o.srcPort),
      server: tupleEndpoint(o.dst, o.dstPort),
    };
    if (!best || w.confidence > best.w.confidence) best = { w, flow, narrative };
  }
  if (!best) return undefined;
  return {
    rootCause: ID,
    flow: best.flow,
    weighing: best.w,
    summary: `${best.flow.client} → ${best.flow.server} stayed half-closed longer than nf_conntrack_tcp_timeout_close_wait; conntrack dropped its entry, so the other side's close no longer reached the half-closed socket, which is left in FIN-WAIT-2.`,
    narrative: best.narrative,
    nextEvidence: ['a capture in the pod around the close: the late FIN and where it went'],
  };
}

function socketText(socket: SocketSnapshot): string {
  return `${socket.local.ip}:${socket.local.port} ↔ ${socket.peer?.ip}:${socket.peer?.port}`;
}

/** A tuple between the same two endpoints as either direction of the connection (NAT aside). */
function sameEndpoints(
  t: ConntrackTuple,
  reply: ConntrackTuple,
  original: ConntrackTuple,
): boolean {
  const ends = (x: ConntrackTuple) =>
    [`${x.src}:${x.srcPort}`, `${x.dst}:${x.dstPort}`].sort().join('|');
  return ends(t) === ends(reply) || ends(t) === ends(original);
}
