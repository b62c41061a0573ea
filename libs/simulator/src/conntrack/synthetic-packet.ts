import type { Packet, TcpOptions } from '@netmortem/domain';
import { TcpFlag } from '@netmortem/domain';

export interface SyntheticTcpSegment {
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  /** Flag letters as tcpdump prints them: S, F, R, P, U, E, W and '.' (ACK), e.g. 'S', 'S.', 'FP.'. */
  flags: string;
  seq: number;
  ack?: number;
  window?: number;
  payload?: number;
  options?: TcpOptions;
  timeUs?: number;
  /** 1-based packet number for the locator. */
  number?: number;
}

const FLAG_LETTERS: Readonly<Record<string, number>> = {
  S: TcpFlag.SYN,
  F: TcpFlag.FIN,
  R: TcpFlag.RST,
  P: TcpFlag.PSH,
  U: TcpFlag.URG,
  E: TcpFlag.ECE,
  W: TcpFlag.CWR,
  '.': TcpFlag.ACK,
};

export function tcpFlagsFromLetters(letters: string): number {
  let flags = 0;
  for (const letter of letters) {
    const bit = FLAG_LETTERS[letter];
    if (bit === undefined) throw new Error(`unknown TCP flag letter '${letter}' in '${letters}'`);
    flags |= bit;
  }
  return flags;
}

/**
 * A domain Packet for a TCP segment described the way people write sequences by hand (and the
 * differential harness crafts them): for tests, what-if scenarios and benchmarks.
 */
export function syntheticTcpPacket(segment: SyntheticTcpSegment): Packet {
  const options = segment.options ?? {};
  const optionBytes =
    (options.mss !== undefined ? 4 : 0) +
    (options.windowScale !== undefined ? 4 : 0) +
    (options.sackPermitted ? 4 : 0) +
    (options.timestamp !== undefined ? 12 : 0) +
    (options.sackBlocks !== undefined ? 4 + 8 * options.sackBlocks.length : 0);
  const headerLength = 20 + ((optionBytes + 3) & ~3);
  const payload = segment.payload ?? 0;
  const ipVersion = segment.src.includes(':') ? 6 : 4;
  const ipHeader = ipVersion === 4 ? 20 : 40;
  return {
    locator: { artifact: 'synthetic', packet: segment.number ?? 1 },
    timeUs: segment.timeUs ?? 0,
    timeSubUsNs: 0,
    ipVersion,
    src: segment.src,
    dst: segment.dst,
    ttl: 64,
    protocol: 6,
    srcPort: segment.srcPort,
    dstPort: segment.dstPort,
    tcp: {
      flags: tcpFlagsFromLetters(segment.flags),
      seq: segment.seq >>> 0,
      ack: (segment.ack ?? 0) >>> 0,
      window: segment.window ?? 65_535,
      headerLength,
      options,
    },
    payloadLength: payload,
    capturedLength: ipHeader + headerLength + payload,
    originalLength: ipHeader + headerLength + payload,
  };
}

export interface SyntheticEndpoint {
  address: string;
  port: number;
}

type SegmentExtras = Partial<
  Omit<SyntheticTcpSegment, 'src' | 'dst' | 'srcPort' | 'dstPort' | 'flags' | 'seq'>
>;

/** Segments of one TCP flow between a client and a server, numbered in the order they are made. */
export class SyntheticTcpFlow {
  private count = 0;

  constructor(
    readonly client: SyntheticEndpoint,
    readonly server: SyntheticEndpoint,
  ) {}

  /** A segment from the client to the server. */
  fromClient(flags: string, seq: number, ack = 0, extras: SegmentExtras = {}): Packet {
    return this.segment(this.client, this.server, flags, seq, ack, extras);
  }

  /** A segment from the server to the client. */
  fromServer(flags: string, seq: number, ack = 0, extras: SegmentExtras = {}): Packet {
    return this.segment(this.server, this.client, flags, seq, ack, extras);
  }

  private segment(
    from: SyntheticEndpoint,
    to: SyntheticEndpoint,
    flags: string,
    seq: number,
    ack: number,
    extras: SegmentExtras,
  ): Packet {
    this.count++;
    return syntheticTcpPacket({
      src: from.address,
      dst: to.address,
      srcPort: from.port,
      dstPort: to.port,
      flags,
      seq,
      ack,
      number: this.count,
      ...extras,
    });
  }
}
