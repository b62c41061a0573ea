import { u16be, u32be } from './bytes.js';
import { decodeIcmpV4, decodeIcmpV6 } from './icmp.decoder.js';
import { extensionLength } from './ipv6-extensions.js';
import { DecodeNote, type PacketView } from './packet-view.js';
import { decodeTcp } from './tcp.decoder.js';

const MAX_EXTENSIONS = 8;

/** IPv4 header at `off` and what it carries. */
export function decodeIpv4(view: PacketView, b: Uint8Array, off: number, end: number): void {
  if (end - off < 20) {
    view.notes |= DecodeNote.Truncated;
    return;
  }
  const first = b[off] as number;
  const headerLength = (first & 15) * 4;
  if (first >> 4 !== 4 || headerLength < 20) {
    view.notes |= DecodeNote.Malformed;
    return;
  }
  view.ipVersion = 4;
  view.ipOffset = off;
  view.ipId = u16be(b, off + 4);
  const fragment = u16be(b, off + 6);
  view.fragmentOffset = (fragment & 0x1fff) * 8;
  view.moreFragments = (fragment & 0x2000) !== 0;
  view.ttl = b[off + 8] as number;
  view.protocol = b[off + 9] as number;
  // Written out, not through u32be: a helper returning a 32-bit value that V8 does not
  // inline has to box it, one allocation per packet.
  view.src0 =
    (((b[off + 12] as number) << 24) |
      ((b[off + 12 + 1] as number) << 16) |
      ((b[off + 12 + 2] as number) << 8) |
      (b[off + 12 + 3] as number)) >>>
    0;
  view.dst0 =
    (((b[off + 16] as number) << 24) |
      ((b[off + 16 + 1] as number) << 16) |
      ((b[off + 16 + 2] as number) << 8) |
      (b[off + 16 + 3] as number)) >>>
    0;
  view.src1 = view.src2 = view.src3 = 0;
  view.dst1 = view.dst2 = view.dst3 = 0;
  const total = u16be(b, off + 2);
  let payload: number;
  if (total >= headerLength) payload = total - headerLength;
  else {
    // Total length 0 is what a NIC segmentation offload leaves in a captured super-packet:
    // the wire length is then the best measure. Anything else below the header is bogus.
    if (total !== 0) view.notes |= DecodeNote.Malformed;
    const wire = view.originalLength - (off - view.frameOffset) - headerLength;
    payload = wire > 0 ? wire : 0;
  }
  view.ipPayloadLength = payload;
  if (end - off < headerLength) {
    view.notes |= DecodeNote.Truncated;
    return;
  }
  if (view.fragmentOffset !== 0) {
    view.notes |= DecodeNote.Fragment;
    return;
  }
  decodeTransport(view, b, off + headerLength, end, payload);
}

/** IPv6 header at `off`, its extension headers, and what they carry. */
export function decodeIpv6(view: PacketView, b: Uint8Array, off: number, end: number): void {
  if (end - off < 40) {
    view.notes |= DecodeNote.Truncated;
    return;
  }
  if ((b[off] as number) >> 4 !== 6) {
    view.notes |= DecodeNote.Malformed;
    return;
  }
  view.ipVersion = 6;
  view.ipOffset = off;
  view.ttl = b[off + 7] as number;
  view.src0 =
    (((b[off + 8] as number) << 24) |
      ((b[off + 8 + 1] as number) << 16) |
      ((b[off + 8 + 2] as number) << 8) |
      (b[off + 8 + 3] as number)) >>>
    0;
  view.src1 =
    (((b[off + 12] as number) << 24) |
      ((b[off + 12 + 1] as number) << 16) |
      ((b[off + 12 + 2] as number) << 8) |
      (b[off + 12 + 3] as number)) >>>
    0;
  view.src2 =
    (((b[off + 16] as number) << 24) |
      ((b[off + 16 + 1] as number) << 16) |
      ((b[off + 16 + 2] as number) << 8) |
      (b[off + 16 + 3] as number)) >>>
    0;
  view.src3 =
    (((b[off + 20] as number) << 24) |
      ((b[off + 20 + 1] as number) << 16) |
      ((b[off + 20 + 2] as number) << 8) |
      (b[off + 20 + 3] as number)) >>>
    0;
  view.dst0 =
    (((b[off + 24] as number) << 24) |
      ((b[off + 24 + 1] as number) << 16) |
      ((b[off + 24 + 2] as number) << 8) |
      (b[off + 24 + 3] as number)) >>>
    0;
  view.dst1 =
    (((b[off + 28] as number) << 24) |
      ((b[off + 28 + 1] as number) << 16) |
      ((b[off + 28 + 2] as number) << 8) |
      (b[off + 28 + 3] as number)) >>>
    0;
  view.dst2 =
    (((b[off + 32] as number) << 24) |
      ((b[off + 32 + 1] as number) << 16) |
      ((b[off + 32 + 2] as number) << 8) |
      (b[off + 32 + 3] as number)) >>>
    0;
  view.dst3 =
    (((b[off + 36] as number) << 24) |
      ((b[off + 36 + 1] as number) << 16) |
      ((b[off + 36 + 2] as number) << 8) |
      (b[off + 36 + 3] as number)) >>>
    0;
  let remaining = u16be(b, off + 4);
  if (remaining === 0) {
    // Jumbogram or offloaded super-packet: fall back to the wire length.
    const wire = view.originalLength - (off - view.frameOffset) - 40;
    remaining = wire > 0 ? wire : 0;
  }
  let next = b[off + 6] as number;
  let p = off + 40;
  for (let i = 0; i < MAX_EXTENSIONS; i++) {
    const length = extensionLength(b, p, end, next);
    if (length === 0) break;
    if (length < 0 || p + length > end) {
      // The upper-layer protocol is behind headers the capture cut off.
      view.notes |= DecodeNote.Truncated;
      view.protocol = next;
      view.ipPayloadLength = remaining;
      return;
    }
    if (next === 44) {
      const field = u16be(b, p + 2);
      view.fragmentOffset = field & 0xfff8;
      view.moreFragments = (field & 1) !== 0;
      view.ipId = u32be(b, p + 4);
    }
    next = b[p] as number;
    p += length;
    remaining = remaining > length ? remaining - length : 0;
  }
  view.protocol = next;
  view.ipPayloadLength = remaining;
  if (view.fragmentOffset !== 0) {
    view.notes |= DecodeNote.Fragment;
    return;
  }
  decodeTransport(view, b, p, end, remaining);
}

function decodeTransport(
  view: PacketView,
  b: Uint8Array,
  off: number,
  end: number,
  length: number,
): void {
  switch (view.protocol) {
    case 6:
      decodeTcp(view, b, off, end, length);
      return;
    case 17:
      if (end - off < 8) {
        if (end - off >= 4) {
          view.srcPort = u16be(b, off);
          view.dstPort = u16be(b, off + 2);
        }
        view.notes |= DecodeNote.Truncated;
        return;
      }
      view.l4Offset = off;
      view.srcPort = u16be(b, off);
      view.dstPort = u16be(b, off + 2);
      view.payloadLength = length > 8 ? length - 8 : 0;
      return;
    case 1:
      if (view.ipVersion === 4) decodeIcmpV4(view, b, off, end, length);
      return;
    case 58:
      if (view.ipVersion === 6) decodeIcmpV6(view, b, off, end, length);
      return;
    default:
      view.payloadLength = length;
      return;
  }
}
