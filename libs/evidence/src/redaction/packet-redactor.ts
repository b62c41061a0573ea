import { walkIpv6Extensions } from '../capture/ipv6-extensions.js';
import { decodeFrame } from '../capture/link-layer.decoder.js';
import { LinkType } from '../capture/link-type.js';
import { PacketView } from '../capture/packet-view.js';
import { ChecksumDelta, internetChecksum } from './checksum.js';
import type { Pseudonymiser } from './pseudonymiser.js';

/** Protocols whose header starts with the two ports (TCP, UDP, DCCP, SCTP, UDP-Lite). */
const PORTED = new Set([6, 17, 33, 132, 136]);
/** ICMPv4 types that quote the packet they answer. */
const ICMP4_ERRORS = new Set([3, 4, 5, 11, 12]);
/** NFLOG attributes: the packet, and those carrying link-layer addresses or conntrack state. */
const NFLOG = {
  hwAddr: 8,
  payload: 9,
  hwHeader: 16,
  conntrack: 18,
  conntrackInfo: 19,
  l2Header: 21,
};

export interface PacketRedactionStats {
  packets: number;
  /** Packets whose IP header was rewritten. */
  ipPackets: number;
  /** Captured bytes removed (payloads, non-IP bodies, quoted payloads). */
  bytesRemoved: number;
}

/**
 * Rewrites one captured frame in place: MAC addresses, IPv4/IPv6 source and destination,
 * TCP/UDP ports, the addresses and ports an ICMP error quotes (and an ICMP redirect's
 * gateway), then cuts the frame after the last header, so no payload leaves. Everything
 * else (flags, sequence and acknowledgement numbers, windows, options, IP ids, TTLs, the IP
 * length fields, hence payload sizes) stays byte for byte, so the flow analysis of the result
 * equals the original's but for the pseudonyms.
 *
 * Checksums: the IPv4 header checksum is recomputed; TCP, UDP, ICMP and ICMPv6 checksums
 * (and those inside a quoted packet) are updated incrementally for the bytes that changed,
 * so each stays exactly as valid as it was over the original payload (a zero UDP checksum,
 * "none" in IPv4, stays zero). A frame whose IP header cannot be read keeps its link-layer
 * header only; one of a link type the reader does not decode keeps nothing.
 */
export class PacketRedactor {
  readonly stats: PacketRedactionStats = { packets: 0, ipPackets: 0, bytesRemoved: 0 };
  private readonly view = new PacketView();
  private readonly outer = new ChecksumDelta();
  private readonly quotedHeader = new ChecksumDelta();
  private readonly quotedTransport = new ChecksumDelta();

  constructor(private readonly p: Pseudonymiser) {}

  /** Redacts `b[off, off + captured)`; returns the new captured length (never longer). */
  redact(b: Uint8Array, off: number, captured: number, original: number, linkType: number): number {
    const view = this.view;
    view.linkType = linkType;
    view.bytes = b;
    view.frameOffset = off;
    view.frameEnd = off + captured;
    view.capturedLength = captured;
    view.originalLength = original;
    decodeFrame(view);
    this.stats.packets += 1;
    const end = off + captured;
    const linkEnd = this.rewriteLink(b, off, end, linkType);
    let keep: number;
    if (view.ipVersion === 4) keep = this.ipv4(b, view.ipOffset, end);
    else if (view.ipVersion === 6) keep = this.ipv6(b, view.ipOffset, end);
    else keep = linkEnd;
    if (view.ipVersion !== 0) this.stats.ipPackets += 1;
    if (keep > end) keep = end;
    if (linkType === LinkType.NFLOG) keep = this.nflogPayloadLength(b, off, keep, view.ipOffset);
    this.stats.bytesRemoved += end - keep;
    return keep - off;
  }

  /** Rewrites link-layer addresses; returns where the link-layer header ends. */
  private rewriteLink(b: Uint8Array, off: number, end: number, linkType: number): number {
    switch (linkType) {
      case LinkType.EN10MB: {
        if (end - off >= 6) this.p.rewriteMac(b, off);
        if (end - off >= 12) this.p.rewriteMac(b, off + 6);
        let p = off + 14;
        let type = end - off >= 14 ? (b[off + 12]! << 8) | b[off + 13]! : 0;
        for (
          let i = 0;
          i < 8 && (type === 0x8100 || type === 0x88a8 || type === 0x9100 || type === 0x9200);
          i++
        ) {
          if (end - p < 4) break;
          type = (b[p + 2]! << 8) | b[p + 3]!;
          p += 4;
        }
        return Math.min(p, end);
      }
      case LinkType.LINUX_SLL:
        if (end - off >= 14 && ((b[off + 4]! << 8) | b[off + 5]!) === 6)
          this.p.rewriteMac(b, off + 6);
        return Math.min(off + 16, end);
      case LinkType.LINUX_SLL2:
        if (end - off >= 18 && b[off + 11] === 6) this.p.rewriteMac(b, off + 12);
        return Math.min(off + 20, end);
      case LinkType.RAW:
      case LinkType.IPV4:
      case LinkType.IPV6:
      case 12:
      case 14:
        return off;
      case LinkType.NULL:
      case LinkType.LOOP:
        return Math.min(off + 4, end);
      case LinkType.NFLOG:
        this.nflogAttributes(b, off, end);
        return Math.min(off + 4, end);
      default:
        return off;
    }
  }

  private ipv4(b: Uint8Array, ip: number, end: number): number {
    const ihl = (b[ip]! & 15) * 4;
    const delta = this.outer;
    delta.reset();
    this.address4(b, ip + 12, delta);
    this.address4(b, ip + 16, delta);
    if (ip + ihl <= end) {
      b[ip + 10] = 0;
      b[ip + 11] = 0;
      const sum = internetChecksum(b, ip, ip + ihl);
      b[ip + 10] = sum >> 8;
      b[ip + 11] = sum & 255;
    }
    const l4 = ip + ihl;
    if (this.view.fragmentOffset !== 0 || l4 >= end) return Math.min(l4, end);
    const protocol = b[ip + 9]!;
    // ICMPv4's checksum has no pseudo-header: the address changes above are not its business.
    if (protocol === 1) return this.icmp(b, l4, end, false);
    return this.transport(b, protocol, l4, end, delta, true);
  }

  private ipv6(b: Uint8Array, ip: number, end: number): number {
    const delta = this.outer;
    delta.reset();
    this.address6(b, ip + 8, delta);
    this.address6(b, ip + 24, delta);
    const walked = walkIpv6Extensions(b, ip + 40, end, b[ip + 6]!);
    const l4 = Math.floor(walked / 256);
    const protocol = walked & 0xff;
    this.blankRoutingHeaders(b, ip + 40, l4, b[ip + 6]!);
    // A later fragment: the walk stopped at its fragment header, which the reader needs.
    if (this.view.fragmentOffset !== 0) return Math.min(protocol === 44 ? l4 + 8 : l4, end);
    if (l4 >= end) return end;
    if (protocol === 58) return this.icmp(b, l4, end, true);
    return this.transport(b, protocol, l4, end, delta, false);
  }

  /** TCP and UDP: ports, checksum; returns the end of the transport header. */
  private transport(
    b: Uint8Array,
    protocol: number,
    l4: number,
    end: number,
    delta: ChecksumDelta,
    v4: boolean,
  ): number {
    if (protocol !== 6 && protocol !== 17) return l4;
    if (end - l4 < 4) return l4;
    this.port(b, l4, delta);
    this.port(b, l4 + 2, delta);
    if (protocol === 17) {
      if (end - l4 >= 8) patchChecksum(b, l4 + 6, delta, v4);
      return l4 + 8;
    }
    if (end - l4 >= 18) patchChecksum(b, l4 + 16, delta, false);
    const headerLength = end - l4 >= 13 ? (b[l4 + 12]! >> 4) * 4 : 20;
    return l4 + Math.max(headerLength, 20);
  }

  /**
   * ICMP and ICMPv6 (`six`): the 8-byte header stays; an error keeps the headers it quotes
   * (IP header and the first 8 transport bytes, rewritten); the rest goes.
   */
  private icmp(b: Uint8Array, l4: number, end: number, six: boolean): number {
    if (end - l4 < 8) return l4;
    const type = b[l4]!;
    // ICMPv6's checksum covers the pseudo-header: keep the address changes recorded so far.
    const delta = this.outer;
    if (!six) delta.reset();
    if (!six && type === 5) this.address4(b, l4 + 4, delta); // redirect: the new gateway
    const error = six ? type >= 1 && type <= 4 : ICMP4_ERRORS.has(type);
    const keep = error ? this.quoted(b, l4 + 8, end, delta) : l4 + 8;
    patchChecksum(b, l4 + 2, delta, false);
    return keep;
  }

  /** The packet an ICMP error quotes, from `q`; every change also goes into `icmp`. */
  private quoted(b: Uint8Array, q: number, end: number, icmp: ChecksumDelta): number {
    if (end - q < 1) return q;
    const version = b[q]! >> 4;
    const header = this.quotedHeader;
    const pseudo = this.quotedTransport;
    header.reset();
    pseudo.reset();
    let protocol: number;
    let t: number;
    if (version === 4) {
      if (end - q < 20) return q;
      const ihl = (b[q]! & 15) * 4;
      if (ihl < 20) return q;
      for (const at of [q + 12, q + 16]) {
        const before0 = u16(b, at);
        const before1 = u16(b, at + 2);
        this.p.rewriteV4(b, at);
        for (const d of [header, pseudo, icmp]) {
          d.word(before0, u16(b, at));
          d.word(before1, u16(b, at + 2));
        }
      }
      const sumBefore = u16(b, q + 10);
      const sumAfter = header.apply(sumBefore);
      setU16(b, q + 10, sumAfter);
      icmp.word(sumBefore, sumAfter);
      protocol = b[q + 9]!;
      if ((u16(b, q + 6) & 0x1fff) !== 0) return Math.min(q + ihl, end);
      t = q + ihl;
    } else if (version === 6) {
      if (end - q < 40) return q;
      for (const at of [q + 8, q + 24]) {
        const before = b.slice(at, at + 16);
        this.p.rewriteV6(b, at);
        for (let i = 0; i < 16; i += 2) {
          const was = u16(before, i);
          const now = u16(b, at + i);
          pseudo.word(was, now);
          icmp.word(was, now);
        }
      }
      const walked = walkIpv6Extensions(b, q + 40, end, b[q + 6]!);
      t = Math.floor(walked / 256);
      protocol = walked & 0xff;
    } else {
      return q;
    }
    if (t >= end) return Math.min(t, end);
    if (PORTED.has(protocol) && end - t >= 4) {
      for (const at of [t, t + 2]) {
        const before = u16(b, at);
        this.p.rewritePort(b, at);
        pseudo.word(before, u16(b, at));
        icmp.word(before, u16(b, at));
      }
      if (protocol === 17 && end - t >= 8) {
        const before = u16(b, t + 6);
        patchChecksum(b, t + 6, pseudo, version === 4);
        icmp.word(before, u16(b, t + 6));
      }
    }
    return t + 8;
  }

  private address4(b: Uint8Array, at: number, delta: ChecksumDelta): void {
    const before0 = u16(b, at);
    const before1 = u16(b, at + 2);
    this.p.rewriteV4(b, at);
    delta.word(before0, u16(b, at));
    delta.word(before1, u16(b, at + 2));
  }

  private address6(b: Uint8Array, at: number, delta: ChecksumDelta): void {
    const before = b.slice(at, at + 16);
    this.p.rewriteV6(b, at);
    for (let i = 0; i < 16; i += 2) delta.word(u16(before, i), u16(b, at + i));
  }

  private port(b: Uint8Array, at: number, delta: ChecksumDelta): void {
    const before = u16(b, at);
    this.p.rewritePort(b, at);
    delta.word(before, u16(b, at));
  }

  /** Routing headers list the addresses a packet is steered through: they go. */
  private blankRoutingHeaders(b: Uint8Array, p: number, upper: number, next: number): void {
    for (let i = 0; i < 8 && p + 8 <= upper; i++) {
      const length = next === 51 ? (b[p + 1]! + 2) * 4 : next === 44 ? 8 : (b[p + 1]! + 1) * 8;
      if (next === 43) b.fill(0, p + 8, Math.min(p + length, upper));
      next = b[p]!;
      p += length;
    }
  }

  /** NFLOG's attributes: hardware addresses rewritten, conntrack details blanked. */
  private nflogAttributes(b: Uint8Array, off: number, end: number): void {
    for (let p = off + 4; end - p >= 4;) {
      const length = b[p]! | (b[p + 1]! << 8);
      const type = (b[p + 2]! | (b[p + 3]! << 8)) & 0x7fff;
      if (length < 4) return;
      const valueEnd = Math.min(p + length, end);
      if (type === NFLOG.hwAddr && valueEnd - p >= 14 && u16(b, p + 4) === 6)
        this.p.rewriteMac(b, p + 8);
      if ((type === NFLOG.hwHeader || type === NFLOG.l2Header) && valueEnd - p >= 16) {
        this.p.rewriteMac(b, p + 4);
        this.p.rewriteMac(b, p + 10);
      }
      if (type === NFLOG.conntrack || type === NFLOG.conntrackInfo) b.fill(0, p + 4, valueEnd);
      if (type === NFLOG.payload) return;
      p += (length + 3) & ~3;
    }
  }

  /**
   * The packet attribute of an NFLOG frame is the last one (the kernel writes it last): cut
   * with the packet, its length must follow. Returns the new end of the frame.
   */
  private nflogPayloadLength(b: Uint8Array, off: number, keep: number, ipOffset: number): number {
    for (let p = off + 4; keep - p >= 4;) {
      const length = b[p]! | (b[p + 1]! << 8);
      const type = (b[p + 2]! | (b[p + 3]! << 8)) & 0x7fff;
      if (length < 4) break;
      if (type === NFLOG.payload && p + 4 === ipOffset) {
        const shorter = Math.min(length, keep - p);
        b[p] = shorter & 255;
        b[p + 1] = shorter >> 8;
        return p + shorter;
      }
      p += (length + 3) & ~3;
    }
    return Math.min(keep, off + 4);
  }
}

function u16(b: Uint8Array, at: number): number {
  return (b[at]! << 8) | b[at + 1]!;
}

function setU16(b: Uint8Array, at: number, value: number): void {
  b[at] = value >> 8;
  b[at + 1] = value & 255;
}

/** Applies `delta` to the checksum at `at`; a zero UDP-over-IPv4 checksum means "none". */
function patchChecksum(
  b: Uint8Array,
  at: number,
  delta: ChecksumDelta,
  zeroMeansNone: boolean,
): void {
  const before = u16(b, at);
  if (zeroMeansNone && before === 0) return;
  let after = delta.apply(before);
  if (zeroMeansNone && after === 0) after = 0xffff;
  setU16(b, at, after);
}
