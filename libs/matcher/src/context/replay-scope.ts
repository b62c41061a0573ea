import type { EvidenceSet, Flow, FlowAnomalyKind, Packet } from '@netmortem/domain';

/**
 * Anomalies that make a flow worth replaying: the shapes the detectors ask the simulator
 * about. Plain retransmissions are left out: lossy links show them on most flows, and the
 * causes they belong to (PMTU, stalls after a half-close) are read from the packets.
 */
const INTERESTING: readonly FlowAnomalyKind[] = [
  'rst',
  'rst-ack',
  'challenge-ack',
  'icmp-error',
  'syn-retransmission',
  'unanswered-syn',
  'idle-gap',
  'half-close',
  'data-after-fin',
  'port-reuse',
];

/** Undirected 5-tuple of a TCP/UDP packet within one capture. */
export function conversationKey(
  capture: string,
  protocol: number,
  a: string,
  aPort: number,
  b: string,
  bPort: number,
): string {
  const left = `${a}|${aPort}`;
  const right = `${b}|${bPort}`;
  return left < right
    ? `${capture}|${protocol}|${left}|${right}`
    : `${capture}|${protocol}|${right}|${left}`;
}

export function flowKey(flow: Flow): string {
  return conversationKey(
    flow.capture,
    flow.protocol === 'tcp' ? 6 : 17,
    flow.client.ip,
    flow.client.port,
    flow.server.ip,
    flow.server.port,
  );
}

/**
 * The packets the simulator replays for matching: those of flows that show a failure shape
 * (and the flows correlated with them in other captures), plus ICMP errors. Conntrack state
 * is per tuple, so leaving healthy conversations out changes no verdict of the ones kept,
 * and a capture of a busy node replays in milliseconds instead of seconds.
 */
export function packetsWorthReplaying(
  evidence: EvidenceSet,
  packets: readonly Packet[],
  limit: number,
): Packet[] {
  const keep = new Set<string>();
  const byId = new Map(evidence.flows.map((f) => [f.id, f]));
  for (const flow of evidence.flows) {
    if (flow.anomalies.some((a) => INTERESTING.includes(a.kind))) keep.add(flowKey(flow));
  }
  for (const c of evidence.correlations) {
    const a = byId.get(c.flowA);
    const b = byId.get(c.flowB);
    if (a && b && (keep.has(flowKey(a)) || keep.has(flowKey(b)))) {
      keep.add(flowKey(a));
      keep.add(flowKey(b));
    }
  }
  const chosen: Packet[] = [];
  for (const p of packets) {
    if (chosen.length >= limit) break;
    if (p.icmp !== undefined) {
      chosen.push(p);
      continue;
    }
    if (p.srcPort === undefined || p.dstPort === undefined) continue;
    const key = conversationKey(p.locator.artifact, p.protocol, p.src, p.srcPort, p.dst, p.dstPort);
    if (keep.has(key)) chosen.push(p);
  }
  return chosen;
}

/**
 * The packets of several flows in one pass over the bundle's packets (capture order). One
 * 4-tuple can carry several flows over time (port reuse): each keeps its own packet range.
 */
export function packetsByFlow(
  packets: readonly Packet[],
  flows: readonly Flow[],
): Map<Flow, Packet[]> {
  const out = new Map<Flow, Packet[]>();
  const byKey = new Map<string, { flow: Flow; packets: Packet[] }[]>();
  for (const flow of flows) {
    const entry = { flow, packets: [] as Packet[] };
    out.set(flow, entry.packets);
    const key = flowKey(flow);
    const list = byKey.get(key);
    if (list) list.push(entry);
    else byKey.set(key, [entry]);
  }
  if (flows.length === 0) return out;
  for (const p of packets) {
    if (p.srcPort === undefined || p.dstPort === undefined) continue;
    const entries = byKey.get(
      conversationKey(p.locator.artifact, p.protocol, p.src, p.srcPort, p.dst, p.dstPort),
    );
    if (!entries) continue;
    const index = p.locator.packet ?? 0;
    for (const e of entries) {
      if (index >= e.flow.firstPacket && index <= e.flow.lastPacket) e.packets.push(p);
    }
  }
  return out;
}
