import type { Flow, FlowAnomaly, Packet } from '@netmortem/domain';
import { TcpFlag } from '@netmortem/domain';
import type { MatchContext } from '../context/match-context.js';
import type { Candidate } from './detector.js';
import { endpointText } from '../context/pointers.js';
import type { FlowRef } from '../report/analysis-report.js';

export function flowRef(flow: Flow, backend?: string): FlowRef {
  return {
    client: endpointText(flow.client),
    server: endpointText(flow.server),
    ...(backend === undefined ? {} : { backend }),
  };
}

export function anomalies(flow: Flow, ...kinds: FlowAnomaly['kind'][]): FlowAnomaly[] {
  return flow.anomalies.filter((a) => kinds.includes(a.kind));
}

export function hasFlag(packet: Packet | undefined, flag: number): boolean {
  return packet?.tcp !== undefined && (packet.tcp.flags & flag) !== 0;
}

export function isBareRst(packet: Packet | undefined): boolean {
  return hasFlag(packet, TcpFlag.RST) && !hasFlag(packet, TcpFlag.ACK);
}

/** The packets of one flow, in capture order (empty without the packets). */
export function flowPackets(context: MatchContext, flow: Flow): readonly Packet[] {
  return context.flowPackets(flow);
}

export function fromClient(flow: Flow, p: Packet): boolean {
  return p.src === flow.client.ip && p.srcPort === flow.client.port;
}

/** Flows of the bundle's captures that share a client address and port (NAT-aware joins aside). */
export function sameClient(flow: Flow, other: Flow): boolean {
  return flow.client.ip === other.client.ip && flow.client.port === other.client.port;
}

export function seconds(us: number): number {
  return us / 1e6;
}

/** The candidates a per-flow check finds across the bundle's TCP flows. */
export function eachTcpFlow(
  context: MatchContext,
  check: (context: MatchContext, flow: Flow) => Candidate | undefined,
): Candidate[] {
  const out: Candidate[] = [];
  for (const flow of context.tcpFlows) {
    const candidate = check(context, flow);
    if (candidate) out.push(candidate);
  }
  return out;
}
