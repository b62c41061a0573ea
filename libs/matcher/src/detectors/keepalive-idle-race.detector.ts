import type { Flow, Packet } from '@netmortem/domain';
import { TcpFlag } from '@netmortem/domain';
import type { MatchContext } from '../context/match-context.js';
import { findRenats, tupleEndpoint } from '../context/conntrack-history.js';
import { durationText, packetPointer, pointerAt, timeText } from '../context/pointers.js';
import type { NarrativeStep } from '../report/analysis-report.js';
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
    const found = races.map((race) => candidate(context, race, idles));
    if (found.length === 0 && context.packets.length === 0)
      found.push(...fromLogsAndEvents(context));
    return found;
  },
};

function findRace(context: MatchContext, flow: Flow): Race | undefined {
  const packets = flowPackets(context, flow);
  for (let i = 1; i < packets.length; i++) {
    const fin = packets[i]!;
    if (fromClient(flow, fin) || !hasFlag(fin, TcpFlag.FIN)) continue;
    // Idle since the last segment that carried something: pure ACKs (keepalive probes
    // and their answers) do not count as use of a pooled connection.
    let before: Packet | undefined;
    for (let j = i - 1; j >= 0; j--) {
      const p = packets[j]!;
      if (p.payloadLength > 0 || hasFlag(p, TcpFlag.SYN)) {
        before = p;
        break;
      }
    }
    if (!before) continue;
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
  for (const log of resetLogs(context, flow, {
    what: `the server's close of the idle connection (packet ${finIndex})`,
    timeUs: fin.timeUs,
  }).slice(0, 2))
    w.for('weak', log);
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

/**
 * How HTTP clients word a request that died on a pooled connection the server had closed:
 * Go ("server closed idle connection"), Python urllib3 ("Remote end closed connection
 * without response"), Apache HttpClient ("failed to respond"), Node ("socket hang up"), and
 * loggers that say the connection was reused.
 */
const REUSED_CONNECTION_FAILURE =
  /server closed idle connection|remote end closed connection without response|failed to respond|socket hang up|reused connection|stale connection|keep-?alive connection/i;

/**
 * No capture: a client log blames a reused connection, and conntrack shows that connection's
 * entry idle since its last update and then closed (CLOSE after a RST, or FIN states) at the
 * moment of the failed request.
 */
function fromLogsAndEvents(context: MatchContext): Candidate[] {
  const out: Candidate[] = [];
  for (const log of context.logs(['ECONNRESET', 'EOF', 'UPSTREAM_RESET'])) {
    if (!REUSED_CONNECTION_FAILURE.test(log.message) || log.timeUs === undefined) continue;
    const named = log.client ? [log.client] : [];
    const history = context.histories.find((h) =>
      named.some((n) => h.original.src === n.ip && h.original.srcPort === n.port),
    );
    const w = new Weighing();
    w.for(
      'moderate',
      pointerAt(log.locator, `the client blames a reused connection: ${log.message.slice(0, 140)}`),
    );
    const narrative: NarrativeStep[] = [];
    let flow: { client: string; server: string } | undefined;
    if (history) {
      const o = history.original;
      flow = { client: tupleEndpoint(o.src, o.srcPort), server: tupleEndpoint(o.dst, o.dstPort) };
      const closing = history.events.find(
        (e) =>
          e.timeUs !== undefined &&
          (e.tcpState === 'CLOSE' ||
            e.tcpState === 'FIN_WAIT' ||
            e.tcpState === 'TIME_WAIT' ||
            e.type === 'DESTROY') &&
          Math.abs(e.timeUs - log.timeUs!) <= 1_000_000,
      );
      const i = closing ? history.events.indexOf(closing) : -1;
      const previous = i > 0 ? history.events[i - 1] : undefined;
      if (closing?.timeUs !== undefined && previous?.timeUs !== undefined) {
        const idleUs = closing.timeUs - previous.timeUs;
        if (idleUs >= MIN_IDLE_US) {
          w.for(
            'strong',
            pointerAt(
              closing.locator,
              `the connection sat idle ${durationText(seconds(idleUs))} in conntrack, then closed (${closing.tcpState ?? closing.type}) at the moment of the failed request`,
            ),
          );
          narrative.push(
            {
              time: timeText(previous.timeUs),
              text: 'the pooled connection goes idle',
              evidence: pointerAt(previous.locator, previous.tcpState ?? previous.type),
            },
            {
              time: timeText(closing.timeUs),
              text: 'the server side closes it just as the client reuses it',
              evidence: pointerAt(closing.locator, closing.tcpState ?? closing.type),
            },
          );
        }
      }
      if (findRenats([history]).length > 0)
        w.against(
          'strong',
          pointerAt(
            history.events[0]!.locator,
            'the entry was re-NATed: see conntrack-expiry-rebalance',
          ),
        );
    }
    narrative.push({
      time: timeText(log.timeUs),
      text: 'the request on the reused connection fails',
      evidence: pointerAt(log.locator, log.errorKind ?? ''),
    });
    out.push({
      rootCause: ID,
      ...(flow ? { flow } : {}),
      weighing: w,
      summary: `A request on a reused keep-alive connection${flow ? ` (${flow.client} → ${flow.server})` : ''} failed as the server side closed that idle connection.`,
      narrative,
      nextEvidence: [
        'a capture on the client during the next failure: the server’s FIN (or RST) crossing the request proves the race',
        'the server’s keep-alive idle timeout and the client pool’s idle timeout: the client’s must be shorter',
      ],
    });
  }
  return out;
}
