import type { Flow, Packet } from '@netmortem/domain';
import type { MatchContext } from '../context/match-context.js';
import { conversationKey, flowKey } from '../context/replay-scope.js';

/**
 * The packets of several flows in one pass over the bundle's packets. Walking each flow's
 * packet range instead costs the whole capture per long-lived flow; on a busy node's
 * capture that is the difference between milliseconds and minutes.
 */
export function packetsByFlow(context: MatchContext, flows: readonly Flow[]): Map<Flow, Packet[]> {
  const out = new Map<Flow, Packet[]>();
  if (flows.length === 0) return out;
  const byKey = new Map<string, { flow: Flow; packets: Packet[] }[]>();
  for (const flow of flows) {
    const entry = { flow, packets: [] as Packet[] };
    out.set(flow, entry.packets);
    const key = flowKey(flow);
    byKey.set(key, [...(byKey.get(key) ?? []), entry]);
  }
  for (const p of context.packets) {
    if (p.srcPort === undefined || p.dstPort === undefined) continue;
    const entries = byKey.get(
      conversationKey(p.locator.artifact, p.protocol, p.src, p.srcPort, p.dst, p.dstPort),
    );
    if (!entries) continue;
    const index = p.locator.packet ?? 0;
    // One 4-tuple can carry several flows over time (port reuse): each keeps its own range.
    for (const e of entries) {
      if (index >= e.flow.firstPacket && index <= e.flow.lastPacket) e.packets.push(p);
    }
  }
  return out;
}
