import type { Packet } from '@netmortem/domain';
import type { Tuple } from '../model/index.js';

/** A packet's addresses and ports as conntrack keys them. */
export function tupleOf(packet: Packet): Tuple {
  return {
    protocol: packet.protocol,
    src: packet.src,
    srcPort: packet.srcPort ?? 0,
    dst: packet.dst,
    dstPort: packet.dstPort ?? 0,
  };
}

/** The map key of a tuple as it appears on the wire (same form as `tupleKey`). */
export function wireKey(t: {
  protocol: number;
  src: string;
  srcPort?: number;
  dst: string;
  dstPort?: number;
}): string {
  return `${t.protocol}|${t.src}|${t.srcPort ?? 0}|${t.dst}|${t.dstPort ?? 0}`;
}

/** The packet with other addresses; a literal of fixed shape (a spread copy costs more). */
export function withTuple(packet: Packet, tuple: Tuple): Packet {
  return {
    locator: packet.locator,
    timeUs: packet.timeUs,
    timeSubUsNs: packet.timeSubUsNs,
    ipVersion: packet.ipVersion,
    src: tuple.src,
    dst: tuple.dst,
    ttl: packet.ttl,
    protocol: packet.protocol,
    srcPort: tuple.srcPort,
    dstPort: tuple.dstPort,
    tcp: packet.tcp,
    icmp: packet.icmp,
    payloadLength: packet.payloadLength,
    capturedLength: packet.capturedLength,
    originalLength: packet.originalLength,
  };
}
