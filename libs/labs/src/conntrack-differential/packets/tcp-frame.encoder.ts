import type { TcpOptions } from '@netmortem/domain';
import { ipv4Bytes, ipv6Bytes, macBytes } from './ip-bytes.js';
import { tcpHeaderLength, type WireSegment } from './wire-segment.js';

export interface FrameAddressing {
  readonly srcMac: string;
  readonly dstMac: string;
}

/**
 * Ethernet + IPv4/IPv6 + TCP for one segment, with valid IP and TCP checksums (conntrack
 * drops, or marks INVALID, a segment whose checksum fails when it checks them). The payload
 * is filler: conntrack never looks at it.
 */
export function encodeTcpFrame(segment: WireSegment, addressing: FrameAddressing): Uint8Array {
  const tcpLength = tcpHeaderLength(segment.options) + segment.payloadLength;
  const ipHeaderLength = segment.ipVersion === 4 ? 20 : 40;
  const frame = new Uint8Array(14 + ipHeaderLength + tcpLength);
  const view = new DataView(frame.buffer);
  frame.set(macBytes(addressing.dstMac), 0);
  frame.set(macBytes(addressing.srcMac), 6);
  view.setUint16(12, segment.ipVersion === 4 ? 0x0800 : 0x86dd);

  const ip = 14;
  const src = segment.ipVersion === 4 ? ipv4Bytes(segment.src) : ipv6Bytes(segment.src);
  const dst = segment.ipVersion === 4 ? ipv4Bytes(segment.dst) : ipv6Bytes(segment.dst);
  if (segment.ipVersion === 4) {
    if (segment.packetId < 1 || segment.packetId > 0xffff)
      throw new RangeError(`IPv4 packet id ${segment.packetId} out of range`);
    frame[ip] = 0x45;
    view.setUint16(ip + 2, 20 + tcpLength);
    view.setUint16(ip + 4, segment.packetId);
    view.setUint16(ip + 6, 0x4000); // DF, as Linux sends TCP
    frame[ip + 8] = 64;
    frame[ip + 9] = 6;
    frame.set(src, ip + 12);
    frame.set(dst, ip + 16);
    view.setUint16(ip + 10, checksum(frame.subarray(ip, ip + 20), 0));
  } else {
    if (segment.packetId < 1 || segment.packetId > 0xfffff)
      throw new RangeError(`IPv6 flow label ${segment.packetId} out of range`);
    view.setUint32(ip, (6 << 28) | segment.packetId);
    view.setUint16(ip + 4, tcpLength);
    frame[ip + 6] = 6;
    frame[ip + 7] = 64;
    frame.set(src, ip + 8);
    frame.set(dst, ip + 24);
  }

  const tcp = ip + ipHeaderLength;
  const headerLength = tcpHeaderLength(segment.options);
  view.setUint16(tcp, segment.srcPort);
  view.setUint16(tcp + 2, segment.dstPort);
  view.setUint32(tcp + 4, segment.seq >>> 0);
  view.setUint32(tcp + 8, segment.ack >>> 0);
  frame[tcp + 12] = (headerLength / 4) << 4;
  frame[tcp + 13] = segment.flags & 0xff;
  view.setUint16(tcp + 14, segment.window);
  writeOptions(frame, tcp + 20, headerLength - 20, segment.options);
  for (let i = tcp + headerLength; i < frame.length; i++) frame[i] = (segment.packetId + i) & 0xff;

  const pseudo = pseudoHeaderSum(src, dst, tcpLength);
  view.setUint16(tcp + 16, checksum(frame.subarray(tcp), pseudo));
  return frame;
}

function writeOptions(frame: Uint8Array, at: number, space: number, options: TcpOptions): void {
  const view = new DataView(frame.buffer, frame.byteOffset);
  let p = at;
  if (options.mss !== undefined) {
    frame[p] = 2;
    frame[p + 1] = 4;
    view.setUint16(p + 2, options.mss);
    p += 4;
  }
  if (options.sackPermitted) {
    frame[p] = 4;
    frame[p + 1] = 2;
    p += 2;
  }
  if (options.timestamp !== undefined) {
    frame[p] = 8;
    frame[p + 1] = 10;
    view.setUint32(p + 2, options.timestamp.value >>> 0);
    view.setUint32(p + 6, options.timestamp.echo >>> 0);
    p += 10;
  }
  if (options.windowScale !== undefined) {
    frame[p] = 3;
    frame[p + 1] = 3;
    frame[p + 2] = options.windowScale;
    p += 3;
  }
  const blocks = options.sackBlocks ?? [];
  if (blocks.length > 0) {
    frame[p] = 5;
    frame[p + 1] = 2 + 8 * blocks.length;
    p += 2;
    for (const [left, right] of blocks) {
      view.setUint32(p, left >>> 0);
      view.setUint32(p + 4, right >>> 0);
      p += 8;
    }
  }
  // End of options, then padding (zero is EOL as well).
  for (; p < at + space; p++) frame[p] = 0;
}

function pseudoHeaderSum(src: Uint8Array, dst: Uint8Array, tcpLength: number): number {
  let sum = 0;
  for (const bytes of [src, dst])
    for (let i = 0; i < bytes.length; i += 2)
      sum += ((bytes[i] as number) << 8) | (bytes[i + 1] as number);
  sum += 6;
  sum += tcpLength >>> 16;
  sum += tcpLength & 0xffff;
  return sum;
}

/** The Internet checksum of `bytes` (the field itself must be zero), starting from `initial`. */
export function checksum(bytes: Uint8Array, initial: number): number {
  let sum = initial;
  for (let i = 0; i + 1 < bytes.length; i += 2)
    sum += ((bytes[i] as number) << 8) | (bytes[i + 1] as number);
  if (bytes.length % 2 === 1) sum += (bytes[bytes.length - 1] as number) << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}
