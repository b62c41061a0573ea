import { u16be, u16le, u32be } from './bytes.js';
import { decodeIpv4, decodeIpv6 } from './ip.decoder.js';
import { LinkType } from './link-type.js';
import { DecodeNote, MAX_VLANS, PacketDirection, type PacketView } from './packet-view.js';

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
/** Nested VLAN tags followed before giving up (a loop guard; real frames carry 1-2). */
const MAX_TAGS = 8;
const NFLOG_PAYLOAD = 9;

/**
 * Decodes the frame in `view.bytes[frameOffset, frameEnd)` according to `view.linkType`.
 * Never throws: whatever cannot be read is left at its "absent" value with a DecodeNote.
 */
export function decodeFrame(view: PacketView): void {
  view.resetDecoded();
  const b = view.bytes;
  const off = view.frameOffset;
  const end = view.frameEnd;
  switch (view.linkType) {
    case LinkType.EN10MB:
      if (end - off < 14) view.notes |= DecodeNote.Truncated;
      else decodeEthertype(view, b, off + 14, end, u16be(b, off + 12));
      return;
    case LinkType.LINUX_SLL2:
      if (end - off < 20) {
        view.notes |= DecodeNote.Truncated;
        return;
      }
      view.ifIndex = u32be(b, off + 4);
      view.direction = sllDirection(b[off + 10] as number);
      decodeEthertype(view, b, off + 20, end, u16be(b, off));
      return;
    case LinkType.LINUX_SLL:
      if (end - off < 16) {
        view.notes |= DecodeNote.Truncated;
        return;
      }
      view.direction = sllDirection(u16be(b, off));
      decodeEthertype(view, b, off + 16, end, u16be(b, off + 14));
      return;
    case LinkType.RAW:
    case LinkType.IPV4:
    case LinkType.IPV6:
    case 12:
    case 14:
      decodeByVersion(view, b, off, end);
      return;
    case LinkType.NULL:
    case LinkType.LOOP:
      decodeLoopback(view, b, off, end);
      return;
    case LinkType.NFLOG:
      decodeNflog(view, b, off, end);
      return;
    default:
      view.notes |= DecodeNote.UnsupportedLink;
  }
}

/** SLL packet types 0-3 were received (to us, broadcast, multicast, to another host); 4 sent. */
function sllDirection(packetType: number): PacketDirection {
  if (packetType === 4) return PacketDirection.Out;
  return packetType <= 3 ? PacketDirection.In : PacketDirection.Unknown;
}

function decodeEthertype(
  view: PacketView,
  b: Uint8Array,
  off: number,
  end: number,
  type: number,
): void {
  for (let i = 0; i < MAX_TAGS; i++) {
    if (type !== 0x8100 && type !== 0x88a8 && type !== 0x9100 && type !== 0x9200) break;
    if (end - off < 4) {
      view.notes |= DecodeNote.Truncated;
      return;
    }
    if (view.vlanCount < MAX_VLANS) view.vlans[view.vlanCount++] = u16be(b, off) & 0x0fff;
    type = u16be(b, off + 2);
    off += 4;
  }
  if (type === ETHERTYPE_IPV4) decodeIpv4(view, b, off, end);
  else if (type === ETHERTYPE_IPV6) decodeIpv6(view, b, off, end);
  else view.notes |= DecodeNote.NotIp;
}

function decodeByVersion(view: PacketView, b: Uint8Array, off: number, end: number): void {
  if (end - off < 1) {
    view.notes |= DecodeNote.Truncated;
    return;
  }
  const version = (b[off] as number) >> 4;
  if (version === 4) decodeIpv4(view, b, off, end);
  else if (version === 6) decodeIpv6(view, b, off, end);
  else view.notes |= DecodeNote.NotIp;
}

/**
 * NULL carries the address family in the capturing host's byte order, LOOP in network
 * order; a value that only makes sense one way round tells which.
 */
function decodeLoopback(view: PacketView, b: Uint8Array, off: number, end: number): void {
  if (end - off < 4) {
    view.notes |= DecodeNote.Truncated;
    return;
  }
  const be = u32be(b, off);
  const family = be > 0xffff ? (b[off] as number) | ((b[off + 1] as number) << 8) : be;
  if (family === 2) decodeIpv4(view, b, off + 4, end);
  // AF_INET6 differs per OS: Linux 10, NetBSD/OpenBSD 24, FreeBSD 28, macOS 30.
  else if (family === 10 || family === 24 || family === 28 || family === 30)
    decodeIpv6(view, b, off + 4, end);
  else view.notes |= DecodeNote.NotIp;
}

/** NFLOG: a 4-byte header, then TLVs (host byte order, 4-byte aligned); the packet is TLV 9. */
function decodeNflog(view: PacketView, b: Uint8Array, off: number, end: number): void {
  let p = off + 4;
  while (end - p >= 4) {
    const length = u16le(b, p);
    const type = u16le(b, p + 2) & 0x7fff;
    if (length < 4) break;
    if (type === NFLOG_PAYLOAD) {
      const stop = p + length < end ? p + length : end;
      decodeByVersion(view, b, p + 4, stop);
      return;
    }
    p += (length + 3) & ~3;
  }
  view.notes |= DecodeNote.Truncated;
}
