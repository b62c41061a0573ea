import type { Flow, SocketSnapshot } from '@netmortem/domain';
import { TcpFlag } from '@netmortem/domain';
import type { MatchContext } from '../context/match-context.js';
import { durationText, packetPointer, pointerAt, timeText } from '../context/pointers.js';
import { coincidingTimer, describeTimer } from '../context/timer-coincidence.js';
import { Weighing } from '../scoring/weighing.js';
import type { Candidate, Detector } from './detector.js';
import { flowPackets, flowRef, fromClient, hasFlag, seconds } from './flow-signals.js';

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
    const out: Candidate[] = [];
    for (const flow of context.tcpFlows) {
      const c = fromCapture(context, flow);
      if (c) out.push(c);
    }
    if (out.length === 0) {
      const c = fromSockets(context);
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

function finWait2Held(context: MatchContext): SocketSnapshot[] {
  return context.evidence.sockets.filter(
    (s) =>
      s.state === 'FIN-WAIT-2' && (s.processes?.length ?? 0) > 0 && s.timer?.name !== 'timewait',
  );
}
