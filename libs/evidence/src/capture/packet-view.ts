export const PacketDirection = { Unknown: 0, In: 1, Out: 2 } as const;
export type PacketDirection = (typeof PacketDirection)[keyof typeof PacketDirection];

/** Why (part of) a packet was not decoded. Informational: these never stop the reader. */
export const DecodeNote = {
  /** Link type this reader does not decode. */
  UnsupportedLink: 1,
  /** Not IPv4/IPv6 (ARP, LLDP, ...). */
  NotIp: 2,
  /** Capture ended inside a header (snaplen), so deeper layers are missing. */
  Truncated: 4,
  /** A header field is impossible (IHL < 5, bad data offset, version mismatch). */
  Malformed: 8,
  /** A non-first IP fragment: no transport header. */
  Fragment: 16,
} as const;

export const MAX_VLANS = 4;
export const MAX_SACK_BLOCKS = 4;
const EMPTY = new Uint8Array(0);

/**
 * One decoded packet as plain numbers, overwritten for every packet. The reader keeps a
 * single instance so that a capture of millions of packets allocates nothing per packet:
 * the fields are valid only until the callback that received the view returns. Use
 * `toPacket` (to-packet.ts) for an object that outlives the callback.
 *
 * Addresses are four 32-bit words (IPv4 uses word 0 and leaves the others 0) so flow tables
 * can hash and compare them without building strings. Absent values are -1. Fields that
 * hold values beyond V8's small-integer range (times, offsets, addresses, sequence numbers)
 * start as -0, a double, so the object has double storage from the start and never changes
 * shape (which would deoptimise the hot path) when the first large value arrives.
 */
export class PacketView {
  /** 1-based packet number in the capture. */
  number = 0;
  /** File offset of the record (pcap record header or pcapng block). */
  byteOffset = -0;
  /** Whole microseconds since the epoch, and the nanoseconds below that. */
  timeUs = -0;
  timeSubUsNs = 0;
  /** pcapng interface id (0 for classic pcap). */
  interfaceId = 0;
  linkType = 0;
  /** From SLL/SLL2 packet type or pcapng epb_flags. */
  direction: PacketDirection = PacketDirection.Unknown;
  /** SLL2 interface index, -1 when the link layer does not say. */
  ifIndex = -1;
  capturedLength = 0;
  originalLength = 0;
  /** The record's bytes; the packet starts at `frameOffset`. Valid during the callback only. */
  bytes: Uint8Array = EMPTY;
  frameOffset = 0;
  frameEnd = 0;

  vlanCount = 0;
  /** Up to four VLAN ids, outermost first. */
  readonly vlans = new Uint16Array(MAX_VLANS);

  /** 4 or 6; 0 when the packet is not IP or its IP header could not be read. */
  ipVersion = 0;
  ipOffset = 0;
  src0 = -0;
  src1 = -0;
  src2 = -0;
  src3 = -0;
  dst0 = -0;
  dst1 = -0;
  dst2 = -0;
  dst3 = -0;
  ttl = 0;
  /** IPv4 identification, or the IPv6 fragment header's; -1 when absent. */
  ipId = -1;
  /** Transport protocol number (after IPv6 extension headers); -1 when unknown. */
  protocol = -1;
  /** Fragment offset in bytes; a non-zero offset means no transport header here. */
  fragmentOffset = 0;
  moreFragments = false;
  /** Bytes after the IP header(s), from the IP length fields (not the capture). */
  ipPayloadLength = 0;

  /** Offset of the transport header; -1 when absent (fragment, truncated, other protocol). */
  l4Offset = -1;
  srcPort = -1;
  dstPort = -1;
  /** Transport payload bytes as sent, from the IP length fields. */
  payloadLength = 0;

  /** TCP fields; `tcpFlags` is -1 when the packet is not a decoded TCP segment. */
  tcpFlags = -1;
  seq = -0;
  ack = -0;
  window = 0;
  tcpHeaderLength = 0;
  /**
   * TCP options: decoded at once on SYN segments (MSS, window scale and SACK-permitted
   * matter there), on demand elsewhere with `readTcpOptions(view)`. Until then the option
   * fields below hold nothing meaningful.
   */
  optionsDecoded = false;
  optionsOffset = -1;
  optionsEnd = -1;
  mss = -1;
  windowScale = -1;
  sackPermitted = false;
  /** Number of SACK blocks; edges in `sackBlocks` as [left0, right0, left1, right1, ...]. */
  sackCount = 0;
  readonly sackBlocks = new Float64Array(2 * MAX_SACK_BLOCKS);
  hasTimestamp = false;
  tsValue = -0;
  tsEcho = -0;

  /** ICMP/ICMPv6 type, -1 when not ICMP. */
  icmpType = -1;
  icmpCode = -1;
  /** Next-hop MTU of frag-needed / packet-too-big, else -1. */
  icmpMtu = -1;
  /** The packet an ICMP error quotes: version 0 when there is none. */
  quotedVersion = 0;
  quotedSrc0 = -0;
  quotedSrc1 = -0;
  quotedSrc2 = -0;
  quotedSrc3 = -0;
  quotedDst0 = -0;
  quotedDst1 = -0;
  quotedDst2 = -0;
  quotedDst3 = -0;
  quotedProtocol = -1;
  quotedSrcPort = -1;
  quotedDstPort = -1;
  /** Sequence number of a quoted TCP segment, -1 when not quoted. */
  quotedSeq = -1;

  /** DecodeNote bits: what could not be decoded and why. */
  notes = 0;

  /**
   * Clears what the previous packet left, for the fields that say whether the others are
   * valid (ipVersion, tcpFlags, icmpType, quotedVersion, ...): fewer stores on the hot path.
   */
  resetDecoded(): void {
    this.direction = PacketDirection.Unknown;
    this.ifIndex = -1;
    this.vlanCount = 0;
    this.ipVersion = 0;
    this.ttl = 0;
    this.ipId = -1;
    this.protocol = -1;
    this.fragmentOffset = 0;
    this.moreFragments = false;
    this.ipPayloadLength = 0;
    this.l4Offset = -1;
    this.srcPort = -1;
    this.dstPort = -1;
    this.payloadLength = 0;
    this.tcpFlags = -1;
    this.optionsDecoded = false;
    this.optionsOffset = -1;
    this.icmpType = -1;
    this.icmpCode = -1;
    this.icmpMtu = -1;
    this.quotedVersion = 0;
    this.notes = 0;
  }
}
