import type { Flow, FlowAnomaly, SocketSnapshot } from '@netmortem/domain';
import { TcpFlag } from '@netmortem/domain';
import type { MatchContext } from '../context/match-context.js';
import { durationText, packetPointer, pointerAt, timeText } from '../context/pointers.js';
import type { NarrativeStep } from '../report/analysis-report.js';
import { Weighing } from '../scoring/weighing.js';
import type { Candidate, Detector } from './detector.js';
import {
  anomalies,
  eachTcpFlow,
  flowPackets,
  flowRef,
  fromClient,
  hasFlag,
  seconds,
} from './flow-signals.js';

const ID = 'ephemeral-port-collision-challenge-ack';

/** A retried SYN answered with a SYN-ACK this soon after the client's RST: the collision healed. */
const HEALED_WITHIN_US = 1_500_000;

/**
 * A new connection reuses the 4-tuple of a socket the server side still holds (typically a
 * leaked FIN-WAIT-2): its SYN draws a challenge ACK, the client answers RST. Before 6.2
 * conntrack judged that RST INVALID (and it was often dropped), so the old socket lived on and
 * the SYN retried until connect() timed out; from 6.2 the RST is accepted and the retry
 * succeeds within milliseconds.
 */
export const ephemeralPortCollisionDetector: Detector = {
  rootCause: ID,
  detect(context) {
    return eachTcpFlow(context, fromCapture);
  },
};

function fromCapture(context: MatchContext, flow: Flow): Candidate | undefined {
  const challenge = anomalies(flow, 'challenge-ack')[0] ?? challengeSeenElsewhere(context, flow);
  if (!challenge) return undefined;
  const w = new Weighing();
  const narrative: NarrativeStep[] = [];
  const challengeIndex = challenge.locator.packet ?? 0;
  const synIndex = challenge.relatedPacket ?? flow.handshake.synPacket ?? flow.firstPacket;
  w.for('strong', packetPointer(flow.capture, challengeIndex, challenge.note));
  narrative.push({
    time: timeText(flow.firstUs),
    text: `${flowRef(flow).client} opens a connection to ${flowRef(flow).server} from a source port the server side still associates with an older connection`,
    evidence: packetPointer(flow.capture, synIndex, 'SYN'),
  });
  narrative.push({
    time: timeText(challenge.timeUs),
    text: 'the SYN is answered with a challenge ACK instead of a SYN-ACK',
    evidence: packetPointer(flow.capture, challengeIndex, 'challenge ACK'),
  });

  const packets = flowPackets(context, flow);
  const after = packets.filter((p) => (p.locator.packet ?? 0) > challengeIndex);
  const clientRst = after.find((p) => fromClient(flow, p) && hasFlag(p, TcpFlag.RST));
  // NAT may show the answers with another source than the SYN's destination: any SYN-ACK
  // to the client's port counts.
  const synAck = context.packets.find(
    (p) =>
      p.locator.artifact === flow.capture &&
      (p.locator.packet ?? 0) > challengeIndex &&
      p.dst === flow.client.ip &&
      p.dstPort === flow.client.port &&
      hasFlag(p, TcpFlag.SYN) &&
      hasFlag(p, TcpFlag.ACK),
  );
  const retries = anomalies(flow, 'syn-retransmission');
  if (clientRst) {
    const i = clientRst.locator.packet ?? 0;
    w.for('moderate', packetPointer(flow.capture, i, "the client's RST to the challenge ACK"));
    narrative.push({
      time: timeText(clientRst.timeUs),
      text: "the client's kernel answers the unexpected ACK with a RST",
      evidence: packetPointer(flow.capture, i, 'RST'),
    });
    const verdict = context.verdict(flow.capture, i);
    if (verdict?.ctinfo === 'INVALID')
      w.for(
        'decisive',
        packetPointer(
          flow.capture,
          i,
          `replay (${context.settings.profile.label}): conntrack marks this RST INVALID${verdict.invalidReason ? ` (${verdict.invalidReason})` : ''}, so the stale socket is not cleared`,
        ),
      );
  }
  const healed =
    synAck !== undefined &&
    clientRst !== undefined &&
    synAck.timeUs - clientRst.timeUs <= HEALED_WITHIN_US;
  const notes: string[] = [];
  const fixedKernel = context.settings.profile.challengeAckRstAccepted;
  if (healed && synAck) {
    notes.push(
      `the collision healed ${durationText(seconds(synAck.timeUs - flow.firstUs))} after the first SYN: ${fixedKernel ? `this kernel (${context.settings.profile.label}) accepts the RST to a challenge ACK (6.2 change)` : 'the RST got through'}, so the cost is one SYN retry. The leak that left the old socket behind (see sidecar-halfclose-leak) is what to fix.`,
    );
    narrative.push({
      time: timeText(synAck.timeUs),
      text: 'the retried SYN gets a SYN-ACK: the old socket was reset and the collision healed',
      evidence: packetPointer(flow.capture, synAck.locator.packet ?? 0, 'SYN-ACK'),
    });
    w.against(
      'moderate',
      packetPointer(
        flow.capture,
        synAck.locator.packet ?? 0,
        'the retried SYN succeeded within milliseconds: no lasting failure',
      ),
    );
  } else if (retries.length > 0 || flow.close.kind === 'unanswered') {
    const last = retries[retries.length - 1];
    w.for(
      'strong',
      packetPointer(
        flow.capture,
        last?.locator.packet ?? synIndex,
        `${retries.length} SYN retransmission(s) without a SYN-ACK: connect() hangs`,
      ),
    );
    narrative.push({
      time: timeText(last?.timeUs),
      text: `the SYN is retried ${retries.length} time(s) and never accepted: connect() times out`,
      ...(last
        ? { evidence: packetPointer(flow.capture, last.locator.packet ?? 0, last.note) }
        : {}),
    });
    if (fixedKernel && context.settings.kernel)
      notes.push(
        `this kernel (${context.settings.profile.label}) accepts the RST to a challenge ACK, so something else (an INVALID drop, nf_conntrack_tcp_ignore_invalid_rst, a middlebox) kept the RST from clearing the stale socket`,
      );
  }
  for (const s of holdingSockets(context, flow)) {
    w.for(
      'strong',
      pointerAt(
        s.locator,
        `${s.state} socket ${s.local.ip}:${s.local.port} ↔ ${s.peer?.ip}:${s.peer?.port}${s.processes?.[0] ? ` held by ${s.processes[0].name}` : ''}: the older connection on this 4-tuple`,
      ),
    );
    break;
  }
  return {
    rootCause: ID,
    flow: flowRef(flow),
    weighing: w,
    summary: `The new connection ${flowRef(flow).client} → ${flowRef(flow).server} reused a 4-tuple still held by an older socket: its SYN drew a challenge ACK${healed ? ' and the retry succeeded after the RST' : ' and the SYN kept being retried'}.`,
    narrative,
    notes,
    ...(clientRst
      ? {
          failure: {
            capture: flow.capture,
            index: clientRst.locator.packet ?? 0,
            what: 'the stale socket surviving the RST',
          },
        }
      : {}),
    nextEvidence: [
      'ss -tanoie on the server side (or the proxy) during the hang: a FIN-WAIT-2 socket with the client’s address and port',
      'uname -r of the node: kernels from 6.2 accept the RST to a challenge ACK',
    ],
  };
}

/** ss rows holding the flow's 4-tuple (from either side) in a state other than LISTEN. */
function holdingSockets(context: MatchContext, flow: Flow): SocketSnapshot[] {
  return context.evidence.sockets.filter((s) => {
    if (!s.peer || s.state === 'LISTEN') return false;
    const forward =
      s.local.port === flow.server.port &&
      s.peer.port === flow.client.port &&
      s.peer.ip === flow.client.ip;
    const backward = s.local.port === flow.client.port && s.peer.port === flow.server.port;
    return forward || backward;
  });
}

/**
 * The challenge ACK when the capture shows the SYN and its answer with different addresses
 * (a REDIRECT or DNAT between them, seen half-translated on `any`): a bare ACK to the
 * client's port whose acknowledgement number the client's RST then echoes, while the SYN is
 * still unanswered.
 */
function challengeSeenElsewhere(context: MatchContext, flow: Flow): FlowAnomaly | undefined {
  if (flow.handshake.complete && flow.handshake.synAckPacket !== undefined) {
    const synAck = context.packet(flow.capture, flow.handshake.synAckPacket);
    if (synAck && synAck.timeUs < (flow.close.events[0]?.timeUs ?? Infinity)) return undefined;
  }
  const packets = flowPackets(context, flow);
  const syn = packets.find((p) => fromClient(flow, p) && hasFlag(p, TcpFlag.SYN));
  const rst = packets.find(
    (p) => fromClient(flow, p) && hasFlag(p, TcpFlag.RST) && syn && p.timeUs >= syn.timeUs,
  );
  if (!syn?.tcp || !rst?.tcp) return undefined;
  const ack = context.packets.find(
    (p) =>
      p.locator.artifact === flow.capture &&
      p.timeUs >= syn.timeUs &&
      p.timeUs <= rst.timeUs &&
      p.dst === flow.client.ip &&
      p.dstPort === flow.client.port &&
      p.tcp !== undefined &&
      hasFlag(p, TcpFlag.ACK) &&
      !hasFlag(p, TcpFlag.SYN) &&
      !hasFlag(p, TcpFlag.RST) &&
      p.payloadLength === 0 &&
      p.tcp.ack === rst.tcp!.seq,
  );
  if (!ack) return undefined;
  return {
    kind: 'challenge-ack',
    direction: 'server-to-client',
    locator: ack.locator,
    timeUs: ack.timeUs,
    relatedPacket: syn.locator.packet,
    note: `the client's SYN (#${syn.locator.packet}) is answered with a bare ACK from ${ack.src}:${ack.srcPort} (ack ${ack.tcp!.ack >>> 0}) that the client's RST echoes: an older connection still holds this 4-tuple (challenge ACK)`,
  };
}
