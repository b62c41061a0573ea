import type { Flow, Packet } from '@netmortem/domain';
import { TcpFlag } from '@netmortem/domain';
import type { SettingValue } from '../context/host-settings.js';
import type { MatchContext } from '../context/match-context.js';
import { durationText, packetPointer, timeText } from '../context/pointers.js';
import type { NarrativeStep } from '../report/analysis-report.js';
import { Weighing } from '../scoring/weighing.js';
import { connectFailureLogs } from './connect-failures.js';
import type { Candidate, Detector } from './detector.js';
import { packetsByFlow } from './flow-packet-index.js';
import { flowRef, fromClient, hasFlag } from './flow-signals.js';

const ID = 'pmtu-blackhole';
/** A segment this close to the MSS fills a packet to the MTU the two ends agreed on. */
const FULL_SIZE_RATIO = 0.9;
/** Fewer transmissions than this is ordinary loss; the blackhole repeats without end. */
const MIN_TRANSMISSIONS = 3;
const ICMP_FRAG_NEEDED = { v4: { type: 3, code: 4 }, v6: { type: 2 } } as const;

/** One direction of a flow, as the sender's segments and the receiver's acknowledgements show it. */
interface DirectionView {
  readonly sender: 'client' | 'server';
  readonly segments: readonly Packet[];
  readonly acks: readonly Packet[];
  /** The receiver's MSS option (what the sender may fill a segment with). */
  readonly mss: number;
}

/** A full-size segment that never got through, and what else the flow shows about it. */
interface LostSegment {
  readonly view: DirectionView;
  readonly seq: number;
  readonly size: number;
  /** Every transmission of it, in order. */
  readonly sends: readonly Packet[];
  /** The largest segment of the sender that was acknowledged: proof smaller ones get through. */
  readonly largestAcked: number;
  readonly largestAckedPacket?: Packet;
  /** Smaller segments sent after it that were acknowledged or SACKed. */
  readonly smallerThrough?: Packet;
  /** A full-size segment acknowledged before the loss began. */
  readonly fullSizeAcked?: Packet;
}

/**
 * The path MTU is smaller than the MTU the two ends assume, and the ICMP error that should
 * tell the sender (fragmentation needed / packet too big) never reaches it: the handshake and
 * small segments pass, every full-size segment vanishes, and the connection stalls while the
 * sender retransmits the same large segment.
 */
export const pmtuBlackholeDetector: Detector = {
  rootCause: ID,
  detect(context) {
    if (context.packets.length === 0) return [];
    const suspects = context.tcpFlows.filter((flow) => {
      if (!flow.handshake.complete) return false;
      const retransmitted =
        (flow.anomalyCounts.retransmission ?? 0) + (flow.anomalyCounts['fast-retransmission'] ?? 0);
      const gaps =
        (flow.anomalyCounts['previous-segment-not-captured'] ?? 0) +
        (flow.anomalyCounts['duplicate-ack'] ?? 0);
      return retransmitted >= MIN_TRANSMISSIONS - 1 || gaps > 0;
    });
    const packetsOf = packetsByFlow(context, suspects);
    const out: Candidate[] = [];
    for (const flow of suspects) {
      const packets = (packetsOf.get(flow) ?? []).filter((p) => p.tcp !== undefined);
      for (const view of directions(flow, packets)) {
        const lost = lostFullSizeSegment(view);
        const hole = lost ? undefined : missingAtReceiver(view);
        if (lost) out.push(candidate(context, flow, lost));
        else if (hole) out.push(receiverCandidate(context, flow, hole));
        if (lost || hole) break;
      }
    }
    return out;
  },
};

function directions(flow: Flow, packets: readonly Packet[]): DirectionView[] {
  const byClient = packets.filter((p) => fromClient(flow, p));
  const byServer = packets.filter((p) => !fromClient(flow, p));
  const views: DirectionView[] = [];
  for (const [sender, segments, acks, receiverMss] of [
    ['server', byServer, byClient, flow.toServer.mss],
    ['client', byClient, byServer, flow.toClient.mss],
  ] as const) {
    const data = segments.filter((p) => p.payloadLength > 0);
    if (data.length === 0) continue;
    const mss = receiverMss ?? Math.max(...data.map((p) => p.payloadLength));
    views.push({ sender, segments: data, acks, mss });
  }
  return views;
}

/** Sequence arithmetic modulo 2^32: is a at or after b? */
function seqGe(a: number, b: number): boolean {
  return ((a - b) | 0) >= 0;
}

function lostFullSizeSegment(view: DirectionView): LostSegment | undefined {
  const threshold = view.mss * FULL_SIZE_RATIO;
  const bySeq = new Map<number, Packet[]>();
  for (const p of view.segments) {
    const seq = p.tcp!.seq;
    bySeq.set(seq, [...(bySeq.get(seq) ?? []), p]);
  }
  const finalAck = highestAck(view.acks);
  for (const [seq, sends] of bySeq) {
    if (sends.length < MIN_TRANSMISSIONS) continue;
    if (finalAck !== undefined && !seqGe(seq, finalAck)) continue;
    const size = Math.max(...sends.map((p) => p.payloadLength));
    if (size < threshold) continue;
    if (sacked(view.acks, seq, seq + size)) continue;
    const firstSend = sends[0]!.timeUs;
    let largestAcked = 0;
    let largestAckedPacket: Packet | undefined;
    let smallerThrough: Packet | undefined;
    let fullSizeAcked: Packet | undefined;
    for (const [otherSeq, others] of bySeq) {
      if (otherSeq === seq) continue;
      const p = others[0]!;
      const end = otherSeq + p.payloadLength;
      const through =
        (finalAck !== undefined && seqGe(finalAck, end)) || sacked(view.acks, otherSeq, end);
      if (through && p.payloadLength > largestAcked) {
        largestAcked = p.payloadLength;
        largestAckedPacket = p;
      }
      if (through && p.payloadLength >= threshold && p.timeUs < firstSend) fullSizeAcked ??= p;
      if (p.payloadLength < threshold && p.timeUs > firstSend) {
        if (through || dupAckedAfter(view.acks, p, seq)) smallerThrough ??= p;
        // A small segment as lost as the large one: the path is down, not too narrow.
        else if (others.length >= MIN_TRANSMISSIONS) return undefined;
      }
    }
    return {
      view,
      seq,
      size,
      sends,
      largestAcked,
      ...(largestAckedPacket ? { largestAckedPacket } : {}),
      ...(smallerThrough ? { smallerThrough } : {}),
      ...(fullSizeAcked ? { fullSizeAcked } : {}),
    };
  }
  return undefined;
}

function highestAck(acks: readonly Packet[]): number | undefined {
  let best: number | undefined;
  for (const p of acks) {
    if (!hasFlag(p, TcpFlag.ACK)) continue;
    if (best === undefined || seqGe(p.tcp!.ack, best)) best = p.tcp!.ack;
  }
  return best;
}

function sacked(acks: readonly Packet[], left: number, right: number): boolean {
  return acks.some((p) =>
    (p.tcp?.options.sackBlocks ?? []).some(([l, r]) => seqGe(left, l) && seqGe(r, right)),
  );
}

/** Bytes the receiver never got, seen from its side: only smaller segments beyond them arrived. */
interface ReceiverHole {
  readonly view: DirectionView;
  readonly start: number;
  readonly length: number;
  /** Segments that arrived past the hole, all smaller than a full one. */
  readonly beyond: readonly Packet[];
  /** The receiver's duplicate ACKs asking for the hole's start. */
  readonly dupAcks: readonly Packet[];
}

/**
 * A capture on the receiving side never shows the large segments, but it shows the hole they
 * leave: data arrives past a gap that is never filled, every segment that does arrive is
 * smaller than a full one, and the receiver keeps asking for the gap's start.
 */
function missingAtReceiver(view: DirectionView): ReceiverHole | undefined {
  const threshold = view.mss * FULL_SIZE_RATIO;
  const finalAck = highestAck(view.acks);
  if (finalAck === undefined) return undefined;
  const beyond = view.segments.filter(
    (p) => seqGe(p.tcp!.seq, finalAck) && p.tcp!.seq !== finalAck,
  );
  if (beyond.length === 0 || view.segments.some((p) => p.tcp!.seq === finalAck)) return undefined;
  if (beyond.some((p) => p.payloadLength >= threshold)) return undefined;
  const holeEnd = beyond.reduce(
    (low, p) => (seqGe(low, p.tcp!.seq) ? p.tcp!.seq : low),
    beyond[0]!.tcp!.seq,
  );
  const length = (holeEnd - finalAck) >>> 0;
  if (length < threshold) return undefined;
  const firstBeyond = Math.min(...beyond.map((p) => p.timeUs));
  const dupAcks = view.acks.filter(
    (a) =>
      a.timeUs > firstBeyond &&
      a.payloadLength === 0 &&
      a.tcp!.flags === TcpFlag.ACK &&
      a.tcp!.ack === finalAck,
  );
  if (dupAcks.length === 0) return undefined;
  return { view, start: finalAck, length, beyond, dupAcks };
}

function receiverCandidate(context: MatchContext, flow: Flow, hole: ReceiverHole): Candidate {
  const ref = flowRef(flow);
  const w = new Weighing();
  const receiver = hole.view.sender === 'client' ? 'server' : 'client';
  const first = hole.beyond[0]!;
  const firstIndex = first.locator.packet ?? 0;
  const lastAsk = hole.dupAcks[hole.dupAcks.length - 1]!;
  const largest = Math.max(...hole.beyond.map((p) => p.payloadLength));
  w.for(
    'strong',
    packetPointer(
      flow.capture,
      firstIndex,
      `${hole.length} bytes before this segment never arrived (at least one full ${hole.view.mss}-byte MSS segment), and nothing ever filled the gap`,
    ),
  );
  w.for(
    'strong',
    packetPointer(
      flow.capture,
      firstIndex,
      `every segment that did arrive past the gap was small (at most ${largest} bytes): only full-size ones vanish`,
    ),
  );
  w.for(
    hole.dupAcks.length >= 2 ? 'moderate' : 'weak',
    packetPointer(
      flow.capture,
      lastAsk.locator.packet ?? 0,
      `the ${receiver} asked for the missing bytes ${hole.dupAcks.length} time(s) (duplicate ACKs) and never got them`,
    ),
  );
  const narrative: NarrativeStep[] = [
    {
      time: timeText(flow.firstUs),
      text: `${ref.client} connects to ${ref.server}; the handshake passes`,
      evidence: packetPointer(flow.capture, flow.handshake.synPacket ?? flow.firstPacket, 'SYN'),
    },
    {
      text: `the ${hole.view.sender}'s full-size segments are dropped on the path: they never reach the ${receiver}`,
    },
    {
      time: timeText(first.timeUs),
      text: `a smaller segment past them arrives (${first.payloadLength} bytes), leaving a ${hole.length}-byte gap`,
      evidence: packetPointer(flow.capture, firstIndex, 'segment past the gap'),
    },
  ];
  const bytes = hole.view.mss + 40 + (first.ipVersion === 4 ? 0 : 20);
  const { icmp } = weighPathSigns(w, narrative, context, flow, hole.view.sender, bytes);
  narrative.push({
    time: timeText(lastAsk.timeUs),
    text: `the ${receiver} keeps asking for the gap; the connection stalls`,
    evidence: packetPointer(flow.capture, lastAsk.locator.packet ?? 0, 'duplicate ACK'),
  });
  return {
    rootCause: ID,
    flow: ref,
    weighing: w,
    summary: `${ref.client} → ${ref.server}: seen from the ${receiver}, ${hole.length} bytes of the ${hole.view.sender}'s data never arrived while smaller segments past them did (at most ${largest} bytes): full-size packets vanish on the path, a path MTU black hole${icmp ? ' (an ICMP error was seen but never acted on)' : ''}.`,
    narrative,
    notes: [],
    nextEvidence: [
      `capture on the ${hole.view.sender} during a stall: the same full-size segment retransmitted without an ACK, and no ICMP "fragmentation needed" / "packet too big" arriving, confirms it`,
      '`ip -d link` on both ends and every tunnel/overlay device: an MTU above the path MTU after encapsulation overhead is the usual cause',
    ],
  };
}

/** A duplicate ACK for the hole's start after `p` was sent: the receiver got `p`, past the hole. */
function dupAckedAfter(acks: readonly Packet[], p: Packet, holeStart: number): boolean {
  return acks.some(
    (a) =>
      a.timeUs > p.timeUs &&
      a.payloadLength === 0 &&
      a.tcp!.flags === TcpFlag.ACK &&
      a.tcp!.ack === holeStart,
  );
}

/** The IP packet's length: what has to fit the path MTU. */
function ipLength(p: Packet): number {
  return p.payloadLength + (p.tcp?.headerLength ?? 20) + (p.ipVersion === 4 ? 20 : 40);
}

function candidate(context: MatchContext, flow: Flow, lost: LostSegment): Candidate {
  const ref = flowRef(flow);
  const w = new Weighing();
  const first = lost.sends[0]!;
  const last = lost.sends[lost.sends.length - 1]!;
  const firstIndex = first.locator.packet ?? 0;
  const lastIndex = last.locator.packet ?? 0;
  const stalledSec = (last.timeUs - first.timeUs) / 1e6;
  const bytes = ipLength(first);
  w.for(
    'strong',
    packetPointer(
      flow.capture,
      firstIndex,
      `a full-size segment (${lost.size} bytes of payload, ${bytes}-byte IP packet; MSS ${lost.view.mss}) sent ${lost.sends.length} times over ${durationText(stalledSec)} and never acknowledged`,
    ),
  );
  if (lost.largestAckedPacket && lost.largestAcked > 0)
    w.for(
      lost.smallerThrough || lost.largestAcked < lost.size * FULL_SIZE_RATIO
        ? 'strong'
        : 'moderate',
      packetPointer(
        flow.capture,
        lost.largestAckedPacket.locator.packet ?? 0,
        `segments up to ${lost.largestAcked} bytes got through (acknowledged): only the large ones vanish`,
      ),
    );
  else
    w.for(
      'moderate',
      packetPointer(
        flow.capture,
        flow.handshake.ackPacket ?? flow.firstPacket,
        'the handshake and small packets got through; no full-size segment ever did',
      ),
    );
  if (lost.smallerThrough)
    w.for(
      'moderate',
      packetPointer(
        flow.capture,
        lost.smallerThrough.locator.packet ?? 0,
        `a smaller segment (${lost.smallerThrough.payloadLength} bytes) sent after it got through`,
      ),
    );
  if (lost.fullSizeAcked)
    w.against(
      'weak',
      packetPointer(
        flow.capture,
        lost.fullSizeAcked.locator.packet ?? 0,
        'full-size segments got through earlier in this flow (the path changed, or the loss is not about size)',
      ),
    );
  const ended = flow.close.events.find((e) => e.timeUs > first.timeUs);
  if (lost.sends.length >= MIN_TRANSMISSIONS + 1 || ended)
    w.for(
      'moderate',
      packetPointer(
        flow.capture,
        ended?.packet ?? lastIndex,
        ended
          ? `the connection ends with the segment still unacknowledged (${ended.flag} from the ${ended.direction === 'client-to-server' ? 'client' : 'server'})`
          : `still retransmitted ${durationText(stalledSec)} later: the flow is stalled`,
      ),
    );

  const narrative: NarrativeStep[] = [
    {
      time: timeText(flow.firstUs),
      text: `${ref.client} connects to ${ref.server}; the handshake and small segments pass`,
      evidence: packetPointer(flow.capture, flow.handshake.synPacket ?? flow.firstPacket, 'SYN'),
    },
    {
      time: timeText(first.timeUs),
      text: `the ${lost.view.sender} sends a full-size segment (${bytes}-byte packet): somewhere on the path the MTU is smaller and it is dropped`,
      evidence: packetPointer(flow.capture, firstIndex, 'first transmission'),
    },
  ];
  const { icmp, probing } = weighPathSigns(w, narrative, context, flow, lost.view.sender, bytes);
  narrative.push({
    time: timeText(last.timeUs),
    text: `the ${lost.view.sender} retransmits the same ${lost.size}-byte segment ${lost.sends.length - 1} time(s); no ACK ever moves past it and the connection stalls`,
    evidence: packetPointer(flow.capture, lastIndex, 'last retransmission'),
  });
  return {
    rootCause: ID,
    flow: ref,
    weighing: w,
    summary: `${ref.client} → ${ref.server}: the ${lost.view.sender}'s full-size segment (${bytes}-byte packet) was sent ${lost.sends.length} times over ${durationText(stalledSec)} and never acknowledged, while ${lost.largestAcked > 0 ? `segments up to ${lost.largestAcked} bytes` : 'the handshake and small packets'} got through: a path MTU black hole${icmp ? ' (the ICMP error was seen but never acted on)' : ' (no ICMP fragmentation-needed reached the sender)'}.`,
    narrative,
    notes:
      probing?.value === '0'
        ? [
            'tcp_mtu_probing=0: Linux will not shrink the segment size by itself; =1 makes it probe after repeated timeouts',
          ]
        : [],
    nextEvidence: [
      'capture on the sender and on a hop of the path during a stall: an ICMP "fragmentation needed" (type 3 code 4) or "packet too big" seen on the path but not at the sender locates the filter',
      '`ip -d link` on both ends and every tunnel/overlay device: an MTU above the path MTU after encapsulation overhead is the usual cause',
      '`ss -tin` on the sender: `pmtu` and `mss` stuck at the interface MTU while `retrans` grows',
    ],
  };
}

/**
 * What the rest of the bundle says about the path: the ICMP error (seen or not), rules that
 * drop it, and whether the sender would probe for a smaller MTU by itself.
 */
function weighPathSigns(
  w: Weighing,
  narrative: NarrativeStep[],
  context: MatchContext,
  flow: Flow,
  sender: 'client' | 'server',
  bytes: number,
): { icmp?: Packet; probing?: SettingValue } {
  const ref = flowRef(flow);
  const icmp = fragNeededFor(context, flow, sender);
  if (icmp) {
    const mtu = icmp.icmp?.mtu;
    const tooBig = mtu !== undefined && mtu > 0 && bytes > mtu;
    w.for(
      tooBig ? 'strong' : 'moderate',
      packetPointer(
        icmp.locator.artifact,
        icmp.locator.packet ?? 0,
        `ICMP ${icmp.icmp?.name ?? 'frag-needed'} about this flow${mtu ? `: the path MTU is ${mtu}, the segment needs ${bytes}` : ''}; the sender kept sending full size, so the error never reached its TCP`,
      ),
    );
    narrative.push({
      time: timeText(icmp.timeUs),
      text: `a router answers "fragmentation needed"${mtu ? ` (MTU ${mtu})` : ''}, but the sender never acts on it`,
      evidence: packetPointer(icmp.locator.artifact, icmp.locator.packet ?? 0, 'ICMP'),
    });
  } else {
    w.for('weak', {
      artifact: flow.capture,
      locator: '',
      note: 'no ICMP fragmentation-needed / packet-too-big about this flow in any capture',
    });
    narrative.push({
      text: 'no "fragmentation needed" ICMP error reaches the sender, so it never lowers its segment size',
    });
  }
  const rule = context.rules.icmpDrops[0];
  if (rule)
    w.for('moderate', {
      ...rule.pointer,
      note: `ICMP errors are dropped here: ${rule.pointer.note}`,
    });
  const probing = context.settings.get('net.ipv4.tcp_mtu_probing');
  if (probing?.observed && probing.pointer) {
    if (probing.value === '0')
      w.for('weak', {
        ...probing.pointer,
        note: `${probing.pointer.note}: the sender never probes for a smaller MTU on its own`,
      });
    else
      w.against('weak', {
        ...probing.pointer,
        note: `${probing.pointer.note}: the sender should shrink its segments after repeated timeouts`,
      });
  }
  for (const log of connectFailureLogs(context, ref, ['ETIMEDOUT', 'ECONNRESET', 'EOF']).slice(
    0,
    2,
  ))
    w.for('weak', log);
  return { ...(icmp ? { icmp } : {}), ...(probing ? { probing } : {}) };
}

/** An ICMP error telling this flow's sender its packets are too big, in any capture. */
function fragNeededFor(
  context: MatchContext,
  flow: Flow,
  sender: 'client' | 'server',
): Packet | undefined {
  const from = sender === 'client' ? flow.client : flow.server;
  const to = sender === 'client' ? flow.server : flow.client;
  return context.packets.find((p) => {
    const icmp = p.icmp;
    if (!icmp?.quoted) return false;
    const isFragNeeded =
      p.ipVersion === 4
        ? icmp.type === ICMP_FRAG_NEEDED.v4.type && icmp.code === ICMP_FRAG_NEEDED.v4.code
        : icmp.type === ICMP_FRAG_NEEDED.v6.type;
    return (
      isFragNeeded &&
      icmp.quoted.srcPort === from.port &&
      icmp.quoted.dstPort === to.port &&
      (icmp.quoted.dst === to.ip || icmp.quoted.src === from.ip)
    );
  });
}
