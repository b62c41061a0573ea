import { u16be, u32be } from './bytes.js';
import { DecodeNote, type PacketView } from './packet-view.js';
import { walkIpv6Extensions } from './ipv6-extensions.js';

/** ICMPv4 at `off`; errors carry the headers of the packet they refer to. */
export function decodeIcmpV4(
  view: PacketView,
  b: Uint8Array,
  off: number,
  end: number,
  length: number,
): void {
  if (end - off < 4) {
    view.notes |= DecodeNote.Truncated;
    return;
  }
  view.l4Offset = off;
  const type = b[off] as number;
  view.icmpType = type;
  view.icmpCode = b[off + 1] as number;
  view.payloadLength = length > 8 ? length - 8 : 0;
  // 3 unreachable, 4 source quench, 5 redirect, 11 time exceeded, 12 parameter problem.
  if (type === 3 || type === 4 || type === 5 || type === 11 || type === 12) {
    if (type === 3 && view.icmpCode === 4 && end - off >= 8) view.icmpMtu = u16be(b, off + 6);
    decodeQuoted(view, b, off + 8, end);
  }
}

/** ICMPv6 at `off`; types 1-4 are errors quoting the offending packet. */
export function decodeIcmpV6(
  view: PacketView,
  b: Uint8Array,
  off: number,
  end: number,
  length: number,
): void {
  if (end - off < 4) {
    view.notes |= DecodeNote.Truncated;
    return;
  }
  view.l4Offset = off;
  const type = b[off] as number;
  view.icmpType = type;
  view.icmpCode = b[off + 1] as number;
  view.payloadLength = length > 8 ? length - 8 : 0;
  if (type >= 1 && type <= 4) {
    if (type === 2 && end - off >= 8) view.icmpMtu = u32be(b, off + 4);
    decodeQuoted(view, b, off + 8, end);
  }
}

/** The quoted IP header plus the first 8 transport bytes (ports, TCP sequence number). */
function decodeQuoted(view: PacketView, b: Uint8Array, off: number, end: number): void {
  view.quotedProtocol = -1;
  view.quotedSrcPort = -1;
  view.quotedDstPort = -1;
  view.quotedSeq = -1;
  if (end - off < 1) return;
  const version = (b[off] as number) >> 4;
  let next: number;
  let p: number;
  if (version === 4) {
    if (end - off < 20) return;
    const ihl = ((b[off] as number) & 15) * 4;
    if (ihl < 20) return;
    view.quotedVersion = 4;
    view.quotedSrc0 = u32be(b, off + 12);
    view.quotedDst0 = u32be(b, off + 16);
    view.quotedSrc1 = view.quotedSrc2 = view.quotedSrc3 = 0;
    view.quotedDst1 = view.quotedDst2 = view.quotedDst3 = 0;
    next = b[off + 9] as number;
    view.quotedProtocol = next;
    if ((u16be(b, off + 6) & 0x1fff) !== 0) return; // a later fragment quotes no ports
    p = off + ihl;
  } else if (version === 6) {
    if (end - off < 40) return;
    view.quotedVersion = 6;
    view.quotedSrc0 = u32be(b, off + 8);
    view.quotedSrc1 = u32be(b, off + 12);
    view.quotedSrc2 = u32be(b, off + 16);
    view.quotedSrc3 = u32be(b, off + 20);
    view.quotedDst0 = u32be(b, off + 24);
    view.quotedDst1 = u32be(b, off + 28);
    view.quotedDst2 = u32be(b, off + 32);
    view.quotedDst3 = u32be(b, off + 36);
    const walked = walkIpv6Extensions(b, off + 40, end, b[off + 6] as number);
    next = walked & 0xff;
    p = Math.floor(walked / 256);
    view.quotedProtocol = next;
  } else {
    return;
  }
  // TCP, UDP, SCTP, UDP-Lite, DCCP all start with the two ports.
  if ((next === 6 || next === 17 || next === 132 || next === 136 || next === 33) && end - p >= 4) {
    view.quotedSrcPort = u16be(b, p);
    view.quotedDstPort = u16be(b, p + 2);
    if (next === 6 && end - p >= 8) view.quotedSeq = u32be(b, p + 4);
  }
}
