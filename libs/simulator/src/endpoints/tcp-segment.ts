import { TcpFlag, type Packet } from '@netmortem/domain';
import { seqAdd } from './tcp-sequence.js';

/**
 * The headers of a TCP segment as they reach the socket layer (after NAT). Structurally a
 * superset of the netfilter helper's PacketHeaders, so a replay can pass its own object.
 */
export interface EndpointSegment {
  readonly family: 4 | 6;
  readonly protocol: number;
  readonly src: string;
  readonly dst: string;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly tcpFlags: number;
  readonly seq: number;
  readonly ack: number;
  readonly payloadLength: number;
  /** Raw 16-bit window field (scaled by the sender's window scale outside SYNs). */
  readonly window: number;
  /** TCP timestamp option, when the capture shows one (PAWS and TIME-WAIT reuse read it). */
  readonly timestamp?: { readonly value: number; readonly echo: number };
  /** Window scale option (SYN and SYN-ACK only). */
  readonly windowScale?: number;
}

export const TCP_PROTOCOL = 6;

export function hasFlag(segment: { readonly tcpFlags: number }, flag: number): boolean {
  return (segment.tcpFlags & flag) !== 0;
}

/** Sequence space the segment occupies: payload, plus one each for SYN and FIN. */
export function segmentLength(segment: EndpointSegment): number {
  return (
    segment.payloadLength +
    (hasFlag(segment, TcpFlag.SYN) ? 1 : 0) +
    (hasFlag(segment, TcpFlag.FIN) ? 1 : 0)
  );
}

export function segmentEnd(segment: EndpointSegment): number {
  return seqAdd(segment.seq, segmentLength(segment));
}

/** The segment a captured TCP packet carries; undefined for anything else. */
export function segmentFromPacket(packet: Packet): EndpointSegment | undefined {
  const tcp = packet.tcp;
  if (packet.protocol !== TCP_PROTOCOL || !tcp) return undefined;
  if (packet.srcPort === undefined || packet.dstPort === undefined) return undefined;
  const timestamp = tcp.options.timestamp;
  const windowScale = tcp.options.windowScale;
  return {
    family: packet.ipVersion,
    protocol: TCP_PROTOCOL,
    src: packet.src,
    dst: packet.dst,
    srcPort: packet.srcPort,
    dstPort: packet.dstPort,
    tcpFlags: tcp.flags,
    seq: tcp.seq,
    ack: tcp.ack,
    payloadLength: packet.payloadLength,
    window: tcp.window,
    ...(timestamp ? { timestamp } : {}),
    ...(windowScale !== undefined ? { windowScale } : {}),
  };
}
