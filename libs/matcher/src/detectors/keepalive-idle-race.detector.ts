import type { Flow, Packet } from '@netmortem/domain';
import { TcpFlag } from '@netmortem/domain';
import type { MatchContext } from '../context/match-context.js';
import { durationText, packetPointer, timeText } from '../context/pointers.js';
import { WELL_KNOWN_IDLE_TIMEOUTS } from '../context/timer-coincidence.js';
import { Weighing } from '../scoring/weighing.js';
import type { Candidate, Detector } from './detector.js';
import { flowPackets, flowRef, fromClient, hasFlag, seconds } from './flow-signals.js';
import { resetLogs } from './shared-evidence.js';

const ID = 'keepalive-idle-race';
/** Data sent this close to (or after) the server's FIN was in flight before the client could know. */
const RACE_WINDOW_US = 1_000_000;
/** Below this, a connection was not idle: the server closed it for another reason. */
const MIN_IDLE_US = 200_000;

interface Race {
  readonly flow: Flow;
  readonly idleUs: number;
  readonly fin: Packet;
  readonly request: Packet;
  readonly reset?: Packet;
}

/**
 * The server closes a pooled keep-alive connection at its idle timeout while the client sends
 * a new request on it: the request meets a closed socket and the client gets a RST or EOF.
 */
export const keepaliveIdleRaceDetector: Detector = {
  rootCause: ID,
  detect(context) {
    const races: Race[] = [];
    for (const flow of context.tcpFlows) {
      const race = findRace(context, flow);
      if (race) races.push(race);
    }
    // Idle timeouts are a server setting: closes after the same idle time on several flows say so.
    const idles = races.map((r) => r.idleUs);
    return races.map((race) => candidate(context, race, idles));
  },
};

function findRace(context: MatchContext, flow: Flow): Race | undefined {
  const packets = flowPackets(context, flow);
  for (let i = 1; i < packets.length; i++) {
    const fin = packets[i]!;
    if (fromClient(flow, fin) || !hasFlag(fin, TcpFlag.FIN)) continue;
    const before = packets[i - 1]!;
    const idleUs = fin.timeUs - before.timeUs;
    if (idleUs < MIN_IDLE_US) continue;
    // The client's request around the FIN: sent after it, or so shortly before that it crossed it.
    const request = packets.find(
      (p) =>
        fromClient(flow, p) &&
        p.payloadLength > 0 &&
        !hasFlag(p, TcpFlag.RST) &&
        p.timeUs >= before.timeUs &&
        Math.abs(p.timeUs - fin.timeUs) <= RACE_WINDOW_US &&
        p !== before,
    );
    if (!request) continue;
    const reset = packets.find(
      (p) => !fromClient(flow, p) && hasFlag(p, TcpFlag.RST) && p.timeUs >= request.timeUs,
    );
    return { flow, idleUs, fin, request, ...(reset ? { reset } : {}) };
  }
  return undefined;
}

function candidate(context: MatchContext, race: Race, allIdles: readonly number[]): Candidate {
  const { flow, fin, request, reset, idleUs } = race;
  const w = new Weighing();
  const finIndex = fin.locator.packet ?? 0;
  const requestIndex = request.locator.packet ?? 0;
  w.for(
    'moderate',
    packetPointer(
      flow.capture,
      finIndex,
      `the server closes the connection after ${durationText(seconds(idleUs))} idle`,
    ),
  );
  w.for(
    'strong',
    packetPointer(
      flow.capture,
      requestIndex,
      `the client sends ${request.payloadLength} bytes on it ${request.timeUs >= fin.timeUs ? `${durationText(seconds(request.timeUs - fin.timeUs))} after` : `${durationText(seconds(fin.timeUs - request.timeUs))} before`} the FIN`,
    ),
  );
  if (reset)
    w.for(
      'strong',
      packetPointer(
        flow.capture,
        reset.locator.packet ?? 0,
        'the closed socket answers the request with RST',
      ),
    );
  const similar = allIdles.filter(
    (t) => Math.abs(t - idleUs) <= Math.max(200_000, idleUs * 0.05),
  ).length;
  if (similar >= 2)
    w.for(
      'moderate',
      packetPointer(
        flow.capture,
        finIndex,
        `${similar} connections were closed after the same idle time: a server idle timeout`,
      ),
    );
  const known = WELL_KNOWN_IDLE_TIMEOUTS.find(
    (t) => Math.abs(seconds(idleUs) - t.seconds) <= Math.max(0.3, t.seconds * 0.05),
  );
  if (known)
    w.for(
      'weak',
      packetPointer(
        flow.capture,
        finIndex,
        `${durationText(seconds(idleUs))} is ${known.name} (${known.seconds} s)`,
      ),
    );
  for (const log of resetLogs(context, flow).slice(0, 2)) w.for('weak', log);
  return {
    rootCause: ID,
    flow: flowRef(flow),
    weighing: w,
    summary: `The server closed the idle keep-alive connection ${flowRef(flow).client} → ${flowRef(flow).server} after ${durationText(seconds(idleUs))} just as the client reused it: the request at packet ${requestIndex} met a closed socket${reset ? ` and was answered with RST (packet ${reset.locator.packet})` : ''}.`,
    narrative: [
      { time: timeText(fin.timeUs - idleUs), text: 'the pooled connection goes idle' },
      {
        time: timeText(fin.timeUs),
        text: `the server's idle timeout closes it (FIN)`,
        evidence: packetPointer(flow.capture, finIndex, 'FIN'),
      },
      {
        time: timeText(request.timeUs),
        text: 'the client, not yet aware, sends a request on it',
        evidence: packetPointer(flow.capture, requestIndex, `${request.payloadLength} bytes`),
      },
      ...(reset
        ? [
            {
              time: timeText(reset.timeUs),
              text: 'the server answers RST: the client sees ECONNRESET / "socket hang up"',
              evidence: packetPointer(flow.capture, reset.locator.packet ?? 0, 'RST'),
            },
          ]
        : []),
    ],
    nextEvidence: [
      'the server’s keep-alive idle timeout and the client pool’s idle timeout: the client’s must be shorter',
      'client logs with timestamps around the reset (ECONNRESET, "socket hang up", Envoy UC/URX)',
    ],
  };
}
