import { u16be, u32be } from './bytes.js';
import { DecodeNote, MAX_SACK_BLOCKS, type PacketView } from './packet-view.js';

const MIN_HEADER = 20;
const SYN = 0x02;

/** TCP header and options at `off`; `length` is the segment length from the IP header. */
export function decodeTcp(
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
  view.srcPort = u16be(b, off);
  view.dstPort = u16be(b, off + 2);
  if (end - off < MIN_HEADER) {
    view.notes |= DecodeNote.Truncated;
    return;
  }
  const headerLength = ((b[off + 12] as number) >> 4) * 4;
  if (headerLength < MIN_HEADER) {
    view.notes |= DecodeNote.Malformed;
    return;
  }
  // Written out (see ip.decoder.ts): no boxing of 32-bit values on the hot path.
  view.seq =
    (((b[off + 4] as number) << 24) |
      ((b[off + 4 + 1] as number) << 16) |
      ((b[off + 4 + 2] as number) << 8) |
      (b[off + 4 + 3] as number)) >>>
    0;
  view.ack =
    (((b[off + 8] as number) << 24) |
      ((b[off + 8 + 1] as number) << 16) |
      ((b[off + 8 + 2] as number) << 8) |
      (b[off + 8 + 3] as number)) >>>
    0;
  view.tcpFlags = b[off + 13] as number;
  view.window = u16be(b, off + 14);
  view.tcpHeaderLength = headerLength;
  view.payloadLength = length > headerLength ? length - headerLength : 0;
  if (headerLength > MIN_HEADER) {
    const optionsEnd = off + headerLength;
    if (optionsEnd > end) view.notes |= DecodeNote.Truncated;
    view.optionsOffset = off + MIN_HEADER;
    view.optionsEnd = optionsEnd < end ? optionsEnd : end;
    // Only SYNs carry what flow analysis needs (MSS, window scale); the rest waits for
    // readTcpOptions.
    if ((view.tcpFlags & SYN) !== 0) readTcpOptions(view);
  }
}

/** Decodes the TCP options of the view's segment, once; valid while the view is. */
export function readTcpOptions(view: PacketView): void {
  if (view.optionsDecoded) return;
  view.optionsDecoded = true;
  view.mss = -1;
  view.windowScale = -1;
  view.sackPermitted = false;
  view.sackCount = 0;
  view.hasTimestamp = false;
  if (view.optionsOffset >= 0) decodeOptions(view, view.bytes, view.optionsOffset, view.optionsEnd);
}

function decodeOptions(view: PacketView, b: Uint8Array, p: number, end: number): void {
  while (p < end) {
    const kind = b[p] as number;
    if (kind === 0) return; // end of option list
    if (kind === 1) {
      p += 1;
      continue;
    }
    if (p + 1 >= end) return;
    const len = b[p + 1] as number;
    // A length below 2 would never advance: the rest of the options cannot be trusted.
    if (len < 2 || p + len > end) return;
    switch (kind) {
      case 2:
        if (len === 4) view.mss = u16be(b, p + 2);
        break;
      case 3:
        if (len === 3) view.windowScale = b[p + 2] as number;
        break;
      case 4:
        view.sackPermitted = true;
        break;
      case 5: {
        const blocks = Math.min((len - 2) >> 3, MAX_SACK_BLOCKS);
        for (let i = 0; i < blocks; i++) {
          view.sackBlocks[2 * i] = u32be(b, p + 2 + 8 * i);
          view.sackBlocks[2 * i + 1] = u32be(b, p + 6 + 8 * i);
        }
        view.sackCount = blocks;
        break;
      }
      case 8:
        if (len === 10) {
          view.hasTimestamp = true;
          view.tsValue = u32be(b, p + 2);
          view.tsEcho = u32be(b, p + 6);
        }
        break;
      default:
        break;
    }
    p += len;
  }
}
