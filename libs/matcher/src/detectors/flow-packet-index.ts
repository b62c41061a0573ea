import type { Flow, Packet } from '@netmortem/domain';
import type { MatchContext } from '../context/match-context.js';
import { packetsByFlow as indexPackets } from '../context/replay-scope.js';

/**
 * The packets of several flows in one pass over the bundle's packets; TCP flows come from the
 * context's shared index, others (UDP) are indexed here.
 */
export function packetsByFlow(context: MatchContext, flows: readonly Flow[]): Map<Flow, Packet[]> {
  const tcp = flows.filter((f) => f.protocol === 'tcp');
  const others = flows.filter((f) => f.protocol !== 'tcp');
  const out = others.length > 0 ? indexPackets(context.packets, others) : new Map<Flow, Packet[]>();
  for (const flow of tcp) out.set(flow, [...context.flowPackets(flow)]);
  return out;
}
