import type { Locator } from '../artifact/locator.js';

/** TCP header flag bits, as on the wire. */
export const TcpFlag = {
  FIN: 0x01,
  SYN: 0x02,
  RST: 0x04,
  PSH: 0x08,
  ACK: 0x10,
  URG: 0x20,
  ECE: 0x40,
  CWR: 0x80,
} as const;

export interface TcpOptions {
  readonly mss?: number;
  readonly windowScale?: number;
  readonly sackPermitted?: boolean;
  /** SACK blocks as [left edge, right edge) sequence numbers. */
  readonly sackBlocks?: readonly (readonly [number, number])[];
  readonly timestamp?: { readonly value: number; readonly echo: number };
}

export interface TcpHeader {
  readonly flags: number;
  readonly seq: number;
  readonly ack: number;
  /** The raw 16-bit window field; multiply by 2^scale of the sender for bytes. */
  readonly window: number;
  readonly headerLength: number;
  readonly options: TcpOptions;
}

/** The packet an ICMP error quotes: enough of its headers to find the flow it belongs to. */
export interface IcmpQuotedPacket {
  readonly ipVersion: 4 | 6;
  readonly src: string;
  readonly dst: string;
  readonly protocol: number;
  readonly srcPort?: number;
  readonly dstPort?: number;
  readonly tcpSeq?: number;
}

export interface IcmpInfo {
  readonly type: number;
  readonly code: number;
  /** e.g. `port-unreachable`, `host-unreachable`, `frag-needed`, `echo-request`. */
  readonly name: string;
  /** Next-hop MTU of a "fragmentation needed" / "packet too big" error. */
  readonly mtu?: number;
  readonly quoted?: IcmpQuotedPacket;
}

/**
 * One captured packet, decoded. Readers may use cheaper internal views in hot loops; this
 * is the shape that leaves a parser (evidence, simulator input, JSON output).
 */
export interface Packet {
  /** Artifact path and 1-based packet number in that capture. */
  readonly locator: Locator;
  /** Capture time: whole microseconds since the epoch (exact), plus the sub-microsecond rest. */
  readonly timeUs: number;
  readonly timeSubUsNs: number;
  /** Interface name (pcapng if_name, or `if<index>` from SLL), when the capture says. */
  readonly interface?: string;
  /** From Linux cooked captures: whether the host sent or received it. */
  readonly direction?: 'in' | 'out' | 'unknown';
  readonly vlan?: readonly number[];
  readonly ipVersion: 4 | 6;
  readonly src: string;
  readonly dst: string;
  /** IPv4 identification (IPv6: from a fragment header, when present). */
  readonly ipId?: number;
  /** TTL or hop limit. */
  readonly ttl: number;
  readonly protocol: number;
  readonly srcPort?: number;
  readonly dstPort?: number;
  readonly tcp?: TcpHeader;
  readonly icmp?: IcmpInfo;
  /** Transport payload bytes as sent (from IP lengths, not the possibly truncated capture). */
  readonly payloadLength: number;
  readonly capturedLength: number;
  readonly originalLength: number;
}
