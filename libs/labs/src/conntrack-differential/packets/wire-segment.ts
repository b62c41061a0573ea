import type { Packet, TcpOptions } from '@netmortem/domain';
import {
  absoluteSeq,
  type SegmentDirection,
  type TcpSequence,
} from '../sequences/segment-sequence.js';

/** One segment with absolute numbers and addresses: what goes on the wire. */
export interface WireSegment {
  readonly sequenceId: string;
  /** 0-based index of the segment in its sequence. */
  readonly index: number;
  readonly direction: SegmentDirection;
  readonly ipVersion: 4 | 6;
  readonly src: string;
  readonly dst: string;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly flags: number;
  readonly seq: number;
  readonly ack: number;
  readonly window: number;
  readonly options: TcpOptions;
  readonly payloadLength: number;
  /** Recognises the packet in the router's logs: IPv4 identification / IPv6 flow label. */
  readonly packetId: number;
  /** When it is sent, microseconds from the start of the batch. */
  readonly timeUs: number;
}

/**
 * The segments of a sequence with the sequence's ISNs applied; ids are assigned from
 * `firstPacketId` on and times from `timesUs` (one per segment).
 */
export function wireSegments(
  sequence: TcpSequence,
  firstPacketId: number,
  timesUs: readonly number[],
): WireSegment[] {
  return sequence.segments.map((segment, index) => {
    const c2s = segment.direction === 'c2s';
    const senderIsn = c2s ? sequence.clientIsn : sequence.serverIsn;
    const receiverIsn = c2s ? sequence.serverIsn : sequence.clientIsn;
    const server = segment.replySource ?? sequence.server;
    const from = c2s ? sequence.client : server;
    const to = c2s ? sequence.server : sequence.client;
    const { sackBlocks, ...rest } = segment.options;
    const options: TcpOptions = {
      ...rest,
      ...(sackBlocks === undefined
        ? {}
        : {
            sackBlocks: sackBlocks.map(
              ([left, right]) =>
                [absoluteSeq(receiverIsn, left), absoluteSeq(receiverIsn, right)] as const,
            ),
          }),
    };
    const time = timesUs[index];
    if (time === undefined) throw new RangeError(`no time for segment ${index} of ${sequence.id}`);
    return {
      sequenceId: sequence.id,
      index,
      direction: segment.direction,
      ipVersion: sequence.ipVersion,
      src: from.address,
      dst: to.address,
      srcPort: from.port,
      dstPort: to.port,
      flags: segment.flags,
      seq: absoluteSeq(senderIsn, segment.seq),
      ack: (segment.flags & 0x10) !== 0 ? absoluteSeq(receiverIsn, segment.ack) : 0,
      window: segment.window,
      options,
      payloadLength: segment.payloadLength,
      packetId: firstPacketId + index,
      timeUs: time,
    };
  });
}

/** TCP header length in bytes for these options (what the encoder writes). */
export function tcpHeaderLength(options: TcpOptions): number {
  return 20 + Math.ceil(tcpOptionBytes(options) / 4) * 4;
}

/** Bytes of options before padding. */
export function tcpOptionBytes(options: TcpOptions): number {
  let n = 0;
  if (options.mss !== undefined) n += 4;
  if (options.sackPermitted) n += 2;
  if (options.timestamp !== undefined) n += 10;
  if (options.windowScale !== undefined) n += 3;
  if (options.sackBlocks !== undefined && options.sackBlocks.length > 0)
    n += 2 + 8 * options.sackBlocks.length;
  return n;
}

/** The domain packet the router sees, as the simulator takes it. */
export function toDomainPacket(
  wire: WireSegment,
  artifact: string,
  packetNumber: number,
  epochUs: number,
): Packet {
  const headerLength = tcpHeaderLength(wire.options);
  const ipHeader = wire.ipVersion === 4 ? 20 : 40;
  const length = 14 + ipHeader + headerLength + wire.payloadLength;
  return {
    locator: { artifact, packet: packetNumber },
    timeUs: epochUs + wire.timeUs,
    timeSubUsNs: 0,
    ipVersion: wire.ipVersion,
    src: wire.src,
    dst: wire.dst,
    ...(wire.ipVersion === 4 ? { ipId: wire.packetId } : {}),
    ttl: 64,
    protocol: 6,
    srcPort: wire.srcPort,
    dstPort: wire.dstPort,
    tcp: {
      flags: wire.flags,
      seq: wire.seq,
      ack: wire.ack,
      window: wire.window,
      headerLength,
      options: wire.options,
    },
    payloadLength: wire.payloadLength,
    capturedLength: length,
    originalLength: length,
  };
}
