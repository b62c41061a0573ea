import { TcpFlag, type Packet } from '@netmortem/domain';
import type { KeepaliveOverride } from '../replay/replay-types.js';

const SYN = TcpFlag.SYN;
const FIN = TcpFlag.FIN;
const RST = TcpFlag.RST;
const ACK = TcpFlag.ACK;
/** How long after a probe its ACK is assumed to arrive. */
const PROBE_RTT_US = 200;

interface Side {
  /** The last packet this side sent: its addresses and window are reused for probes. */
  last?: Packet;
  /** Next sequence number this side will send. */
  nextSeq?: number;
}

interface FlowProbeState {
  readonly capture: string;
  client?: Side;
  server?: Side;
  clientAddress?: string;
  clientPort?: number;
  /** Both directions keyed by wire address: which `Side` a packet belongs to. */
  lastUs: number;
  closed: boolean;
}

/**
 * TCP keepalive as a what-if: when a flow stays idle for `everySec`, the chosen side sends a
 * probe (one byte behind its next sequence number, no data) and the peer answers with an ACK.
 * Both refresh the conntrack entry's timer, which is the point: an idle flow whose entry
 * would have expired keeps it. Probes stop at the first FIN or RST and at the end of the
 * captures; an answered probe restarts the idle time, so probes recur every `everySec`.
 *
 * Flows are taken from the capture they were first seen in (a flow seen before and after NAT
 * gets one set of probes, in the form of that capture).
 */
export function synthesiseKeepalives(
  ordered: readonly Packet[],
  overrides: readonly KeepaliveOverride[],
): Packet[] {
  if (overrides.length === 0 || ordered.length === 0) return [];
  const endUs = (ordered[ordered.length - 1] as Packet).timeUs;
  const flows = new Map<string, FlowProbeState>();
  const out: Packet[] = [];
  const counters = new Map<string, number>();

  const emitIdle = (flow: FlowProbeState, untilUs: number) => {
    for (const override of overrides) {
      if (!applies(flow, override)) continue;
      const prober = override.side === 'client' ? flow.client : flow.server;
      const peer = override.side === 'client' ? flow.server : flow.client;
      if (!prober?.last || prober.nextSeq === undefined || !peer || peer.nextSeq === undefined)
        continue;
      const every = override.everySec * 1_000_000;
      for (let at = flow.lastUs + every; at < untilUs; at += every) {
        out.push(probe(flow, prober, peer, at, counters));
        out.push(answer(flow, prober, peer, at + PROBE_RTT_US, counters));
      }
    }
  };

  for (const packet of ordered) {
    const tcp = packet.tcp;
    if (!tcp || packet.srcPort === undefined || packet.dstPort === undefined) continue;
    const key = flowKey(packet);
    let flow = flows.get(key);
    if (!flow) {
      flow = { capture: packet.locator.artifact, lastUs: packet.timeUs, closed: false };
      flows.set(key, flow);
    }
    if (flow.capture !== packet.locator.artifact) continue;
    if (flow.clientAddress === undefined) {
      const fromClient =
        (tcp.flags & (SYN | ACK)) === SYN ||
        ((tcp.flags & (SYN | ACK)) !== (SYN | ACK) && packet.srcPort > packet.dstPort);
      flow.clientAddress = fromClient ? packet.src : packet.dst;
      flow.clientPort = fromClient ? packet.srcPort : packet.dstPort;
    }
    if (!flow.closed) emitIdle(flow, packet.timeUs);
    const fromClient = packet.src === flow.clientAddress && packet.srcPort === flow.clientPort;
    const side = fromClient ? (flow.client ??= {}) : (flow.server ??= {});
    side.last = packet;
    const length =
      packet.payloadLength + ((tcp.flags & SYN) !== 0 ? 1 : 0) + ((tcp.flags & FIN) !== 0 ? 1 : 0);
    const end = (tcp.seq + length) >>> 0;
    if (side.nextSeq === undefined || seqAfter(end, side.nextSeq)) side.nextSeq = end;
    flow.lastUs = packet.timeUs;
    if ((tcp.flags & (FIN | RST)) !== 0) flow.closed = true;
  }
  for (const flow of flows.values()) if (!flow.closed) emitIdle(flow, endUs + 1);
  return out.sort((a, b) => a.timeUs - b.timeUs);
}

function applies(flow: FlowProbeState, override: KeepaliveOverride): boolean {
  if (override.endpoint === undefined) return true;
  const endpoints = [flow.client?.last, flow.server?.last]
    .filter((p): p is Packet => p !== undefined)
    .flatMap((p) => [endpointText(p.src, p.srcPort ?? 0), endpointText(p.dst, p.dstPort ?? 0)]);
  return endpoints.includes(override.endpoint);
}

function probe(
  flow: FlowProbeState,
  prober: Side,
  peer: Side,
  atUs: number,
  counters: Map<string, number>,
): Packet {
  const template = prober.last as Packet;
  return synthetic(
    template,
    flow,
    atUs,
    ((prober.nextSeq as number) - 1) >>> 0,
    peer.nextSeq as number,
    counters,
    'keepalive probe',
  );
}

function answer(
  flow: FlowProbeState,
  prober: Side,
  peer: Side,
  atUs: number,
  counters: Map<string, number>,
): Packet {
  const base = peer.last ?? mirror(prober.last as Packet);
  return synthetic(
    base,
    flow,
    atUs,
    peer.nextSeq as number,
    prober.nextSeq as number,
    counters,
    'keepalive ACK',
  );
}

function synthetic(
  template: Packet,
  flow: FlowProbeState,
  atUs: number,
  seq: number,
  ack: number,
  counters: Map<string, number>,
  what: string,
): Packet {
  const artifact = `${flow.capture} (what-if keepalive)`;
  const number = (counters.get(artifact) ?? 0) + 1;
  counters.set(artifact, number);
  const tcp = template.tcp as NonNullable<Packet['tcp']>;
  return {
    locator: { artifact, packet: number },
    timeUs: Math.round(atUs),
    timeSubUsNs: 0,
    ...(template.interface === undefined ? {} : { interface: template.interface }),
    ...(template.direction === undefined ? {} : { direction: template.direction }),
    ipVersion: template.ipVersion,
    src: template.src,
    dst: template.dst,
    ttl: template.ttl,
    protocol: 6,
    srcPort: template.srcPort,
    dstPort: template.dstPort,
    tcp: { flags: ACK, seq, ack, window: tcp.window, headerLength: 20, options: {} },
    payloadLength: 0,
    capturedLength: 40,
    originalLength: template.ipVersion === 6 ? 60 : 40,
    syntheticNote: what,
  } as Packet;
}

function mirror(packet: Packet): Packet {
  return {
    ...packet,
    src: packet.dst,
    dst: packet.src,
    srcPort: packet.dstPort,
    dstPort: packet.srcPort,
    ...(packet.direction === 'in'
      ? { direction: 'out' }
      : packet.direction === 'out'
        ? { direction: 'in' }
        : {}),
  };
}

/** The same key for both directions of a wire tuple. */
function flowKey(packet: Packet): string {
  const a = `${packet.src}|${packet.srcPort ?? 0}`;
  const b = `${packet.dst}|${packet.dstPort ?? 0}`;
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

function endpointText(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

function seqAfter(a: number, b: number): boolean {
  return ((a - b) | 0) > 0;
}
