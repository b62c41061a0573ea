import { collectBundleEvidence, collectCapturePackets } from '@netmortem/evidence';
import type { MatchInput } from '../context/match-context.js';

/**
 * Small bundles for detector specs, read by the real evidence pipeline: text artifacts as a
 * collector would write them and captures built packet by packet, so a spec exercises the
 * same flow analysis and parsers a real bundle goes through.
 */
export interface SyntheticFile {
  readonly path: string;
  readonly content: string | Uint8Array;
}

export async function syntheticBundle(files: readonly SyntheticFile[]): Promise<MatchInput> {
  const bytes = new Map(files.map((f) => [f.path, toBytes(f.content)]));
  const source = (path: string) => chunks(bytes.get(path)!);
  const evidence = await collectBundleEvidence(
    files.map((f) => ({
      path: f.path,
      sizeBytes: bytes.get(f.path)!.length,
      open: () => Promise.resolve(source(f.path)),
    })),
  );
  const collected = await collectCapturePackets(
    evidence.captures.map((c) => ({ path: c.artifact, open: () => source(c.artifact) })),
  );
  return { evidence, packets: collected.packets };
}

function toBytes(content: string | Uint8Array): Uint8Array {
  return typeof content === 'string' ? new TextEncoder().encode(content) : content;
}

function chunks(data: Uint8Array): AsyncIterable<Uint8Array> {
  return {
    async *[Symbol.asyncIterator]() {
      await Promise.resolve();
      yield data;
    },
  };
}

/** One IPv4 packet of a synthetic capture. Times are seconds after the capture starts. */
export interface SyntheticPacket {
  readonly t: number;
  readonly src: string;
  readonly dst: string;
  readonly tcp?: {
    readonly flags: string;
    readonly seq: number;
    readonly ack: number;
    readonly mss?: number;
    readonly sack?: readonly (readonly [number, number])[];
    readonly window?: number;
  };
  readonly udp?: true;
  readonly icmp?: {
    readonly type: number;
    readonly code: number;
    readonly mtu?: number;
    readonly quoted: {
      readonly src: string;
      readonly dst: string;
      readonly seq: number;
      readonly length: number;
    };
  };
  readonly payload?: number;
}

const FLAG_BITS: Readonly<Record<string, number>> = { F: 1, S: 2, R: 4, P: 8, A: 16 };
const START_US = 1_717_000_000_000_000;
/** Bytes of each frame kept in the capture (tcpdump -s 128): lengths come from the IP header. */
const SNAPLEN = 128;

/** A pcap (Ethernet link type) holding the packets, in the order given. */
export function pcap(packets: readonly SyntheticPacket[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const header = new DataView(new ArrayBuffer(24));
  header.setUint32(0, 0xa1b2c3d4, true);
  header.setUint16(4, 2, true);
  header.setUint16(6, 4, true);
  header.setUint32(16, 65535, true);
  header.setUint32(20, 1, true);
  parts.push(new Uint8Array(header.buffer));
  for (const p of packets) {
    const frame = ethernetFrame(p);
    const kept = frame.subarray(0, Math.min(frame.length, SNAPLEN));
    const record = new DataView(new ArrayBuffer(16));
    const us = START_US + Math.round(p.t * 1e6);
    record.setUint32(0, Math.floor(us / 1e6), true);
    record.setUint32(4, us % 1e6, true);
    record.setUint32(8, kept.length, true);
    record.setUint32(12, frame.length, true);
    parts.push(new Uint8Array(record.buffer), kept);
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function ethernetFrame(p: SyntheticPacket): Uint8Array {
  const ip = ipv4Packet(p);
  const frame = new Uint8Array(14 + ip.length);
  frame.set([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00]);
  frame.set(ip, 14);
  return frame;
}

function ipv4Packet(p: SyntheticPacket): Uint8Array {
  const [src, srcPort] = splitEndpoint(p.src);
  const [dst, dstPort] = splitEndpoint(p.dst);
  let transport: Uint8Array;
  let protocol: number;
  if (p.tcp) {
    protocol = 6;
    transport = tcpSegment(p.tcp, srcPort, dstPort, p.payload ?? 0);
  } else if (p.udp) {
    protocol = 17;
    transport = new Uint8Array(8 + (p.payload ?? 0));
    const v = new DataView(transport.buffer);
    v.setUint16(0, srcPort);
    v.setUint16(2, dstPort);
    v.setUint16(4, transport.length);
  } else if (p.icmp) {
    protocol = 1;
    const quoted = ipv4Packet({
      t: 0,
      src: p.icmp.quoted.src,
      dst: p.icmp.quoted.dst,
      tcp: { flags: 'A', seq: p.icmp.quoted.seq, ack: 0 },
      payload: p.icmp.quoted.length,
    }).subarray(0, 28);
    // The quoted header keeps the original packet's total length.
    transport = new Uint8Array(8 + quoted.length);
    transport[0] = p.icmp.type;
    transport[1] = p.icmp.code;
    new DataView(transport.buffer).setUint16(6, p.icmp.mtu ?? 0);
    transport.set(quoted, 8);
  } else {
    throw new Error(`synthetic packet at ${p.t} s has no tcp, udp or icmp part`);
  }
  const ip = new Uint8Array(20 + transport.length);
  const v = new DataView(ip.buffer);
  ip[0] = 0x45;
  v.setUint16(2, ip.length);
  v.setUint16(4, Math.round(p.t * 1000) & 0xffff);
  v.setUint16(6, 0x4000);
  ip[8] = 64;
  ip[9] = protocol;
  ip.set(addressBytes(src), 12);
  ip.set(addressBytes(dst), 16);
  ip.set(transport, 20);
  return ip;
}

function tcpSegment(
  tcp: NonNullable<SyntheticPacket['tcp']>,
  srcPort: number,
  dstPort: number,
  payload: number,
): Uint8Array {
  const options: number[] = [];
  if (tcp.mss !== undefined) options.push(2, 4, tcp.mss >> 8, tcp.mss & 0xff, 4, 2, 1, 1);
  if (tcp.sack?.length) {
    options.push(1, 1, 5, 2 + 8 * tcp.sack.length);
    for (const [left, right] of tcp.sack) options.push(...u32(left), ...u32(right));
  }
  while (options.length % 4 !== 0) options.push(1);
  const headerLength = 20 + options.length;
  const segment = new Uint8Array(headerLength + payload);
  const v = new DataView(segment.buffer);
  v.setUint16(0, srcPort);
  v.setUint16(2, dstPort);
  v.setUint32(4, tcp.seq >>> 0);
  v.setUint32(8, tcp.ack >>> 0);
  segment[12] = (headerLength / 4) << 4;
  segment[13] = [...tcp.flags].reduce((bits, f) => bits | (FLAG_BITS[f] ?? 0), 0);
  v.setUint16(14, tcp.window ?? 64240);
  segment.set(options, 20);
  return segment;
}

function u32(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

function splitEndpoint(text: string): [string, number] {
  const at = text.lastIndexOf(':');
  return at < 0 ? [text, 0] : [text.slice(0, at), Number(text.slice(at + 1))];
}

function addressBytes(ip: string): number[] {
  return ip.split('.').map(Number);
}

/**
 * One TCP connection, written packet by packet with sequence numbers tracked: `send` returns
 * the sequence number of the data it sent so a spec can retransmit or acknowledge it.
 */
export class TcpConversation {
  readonly packets: SyntheticPacket[] = [];
  private clientNext: number;
  private serverNext: number;

  constructor(
    readonly client: string,
    readonly server: string,
    private readonly isn = { client: 1_000, server: 900_000 },
  ) {
    this.clientNext = isn.client + 1;
    this.serverNext = isn.server + 1;
  }

  syn(t: number, mss = 1460): this {
    this.packets.push({
      t,
      src: this.client,
      dst: this.server,
      tcp: { flags: 'S', seq: this.isn.client, ack: 0, mss },
    });
    return this;
  }

  synAck(t: number, mss = 1460): this {
    this.packets.push({
      t,
      src: this.server,
      dst: this.client,
      tcp: { flags: 'SA', seq: this.isn.server, ack: this.isn.client + 1, mss },
    });
    return this;
  }

  /** The client's ACK, or any pure ACK when `side` says who sends it. */
  ack(
    t: number,
    side: 'client' | 'server' = 'client',
    sack?: readonly (readonly [number, number])[],
  ): this {
    const fromClient = side === 'client';
    this.packets.push({
      t,
      src: fromClient ? this.client : this.server,
      dst: fromClient ? this.server : this.client,
      tcp: {
        flags: 'A',
        seq: fromClient ? this.clientNext : this.serverNext,
        ack: fromClient ? this.serverNext : this.clientNext,
        ...(sack ? { sack } : {}),
      },
    });
    return this;
  }

  /** An ACK from `side` for everything up to `upTo` (a sequence number of the other side). */
  ackUpTo(
    t: number,
    side: 'client' | 'server',
    upTo: number,
    sack?: readonly (readonly [number, number])[],
  ): this {
    const fromClient = side === 'client';
    this.packets.push({
      t,
      src: fromClient ? this.client : this.server,
      dst: fromClient ? this.server : this.client,
      tcp: {
        flags: 'A',
        seq: fromClient ? this.clientNext : this.serverNext,
        ack: upTo,
        ...(sack ? { sack } : {}),
      },
    });
    return this;
  }

  send(t: number, side: 'client' | 'server', length: number): number {
    const fromClient = side === 'client';
    const seq = fromClient ? this.clientNext : this.serverNext;
    this.segment(t, side, seq, length, 'PA');
    if (fromClient) this.clientNext += length;
    else this.serverNext += length;
    return seq;
  }

  retransmit(t: number, side: 'client' | 'server', seq: number, length: number): this {
    this.segment(t, side, seq, length, 'PA');
    return this;
  }

  /** `acking` overrides the acknowledgement (default: everything the other side sent). */
  rst(t: number, side: 'client' | 'server', acking?: number): this {
    const fromClient = side === 'client';
    this.packets.push({
      t,
      src: fromClient ? this.client : this.server,
      dst: fromClient ? this.server : this.client,
      tcp: {
        flags: 'RA',
        seq: fromClient ? this.clientNext : this.serverNext,
        ack: acking ?? (fromClient ? this.serverNext : this.clientNext),
      },
    });
    return this;
  }

  /** `acking` overrides the acknowledgement (default: everything the other side sent). */
  fin(t: number, side: 'client' | 'server', acking?: number): this {
    const fromClient = side === 'client';
    this.packets.push({
      t,
      src: fromClient ? this.client : this.server,
      dst: fromClient ? this.server : this.client,
      tcp: {
        flags: 'FA',
        seq: fromClient ? this.clientNext : this.serverNext,
        ack: acking ?? (fromClient ? this.serverNext : this.clientNext),
      },
    });
    if (fromClient) this.clientNext += 1;
    else this.serverNext += 1;
    return this;
  }

  /** A full exchange: handshake, a request, a response, both FINs. */
  healthy(t: number, request = 120, response = 900): this {
    this.syn(t)
      .synAck(t + 0.001)
      .ack(t + 0.002);
    this.send(t + 0.003, 'client', request);
    this.ack(t + 0.004, 'server');
    this.send(t + 0.01, 'server', response);
    this.ack(t + 0.011, 'client');
    this.fin(t + 0.02, 'client')
      .fin(t + 0.021, 'server')
      .ack(t + 0.022, 'client');
    return this;
  }

  private segment(
    t: number,
    side: 'client' | 'server',
    seq: number,
    length: number,
    flags: string,
  ): void {
    const fromClient = side === 'client';
    this.packets.push({
      t,
      src: fromClient ? this.client : this.server,
      dst: fromClient ? this.server : this.client,
      tcp: { flags, seq, ack: fromClient ? this.serverNext : this.clientNext },
      payload: length,
    });
  }
}

/** Packets of several conversations merged in time order (stable for equal times). */
export function timeline(...lists: readonly (readonly SyntheticPacket[])[]): SyntheticPacket[] {
  return lists.flat().sort((a, b) => a.t - b.t);
}
