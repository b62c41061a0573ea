import { u16, u32 } from './bytes.js';
import type { CaptureContext } from './capture-context.js';
import type { CaptureFramer } from './capture-framer.js';
import { CAPTURE_LIMITS } from './capture-summary.js';
import { linkTypeName } from './link-type.js';

const FILE_HEADER = 24;

/** Magic numbers of classic pcap, as read little-endian from the first four bytes. */
export const PCAP_MAGIC = {
  usLittle: 0xa1b2c3d4,
  usBig: 0xd4c3b2a1,
  nsLittle: 0xa1b23c4d,
  nsBig: 0x4d3cb2a1,
  /** Alexey Kuznetzov's patched libpcap: 8 more bytes per record header. */
  modifiedLittle: 0xa1b2cd34,
  modifiedBig: 0x34cdb2a1,
} as const;

/** Classic libpcap files: a 24-byte header, then 16-byte record headers each followed by data. */
export class PcapRecordReader implements CaptureFramer {
  private headerRead = false;
  private readonly littleEndian: boolean;
  private readonly nanoseconds: boolean;
  private readonly recordHeader: number;
  private linkType = 0;
  private maxRecord: number = CAPTURE_LIMITS.maxRecordBytes;
  /** Set by `run`: 1 corrupt (issue recorded), 2 packet limit reached. */
  halt = 0;

  constructor(
    private readonly ctx: CaptureContext,
    magic: number,
  ) {
    this.littleEndian =
      magic === PCAP_MAGIC.usLittle ||
      magic === PCAP_MAGIC.nsLittle ||
      magic === PCAP_MAGIC.modifiedLittle;
    this.nanoseconds = magic === PCAP_MAGIC.nsLittle || magic === PCAP_MAGIC.nsBig;
    this.recordHeader =
      magic === PCAP_MAGIC.modifiedLittle || magic === PCAP_MAGIC.modifiedBig ? 24 : 16;
    ctx.byteOrder = this.littleEndian ? 'little-endian' : 'big-endian';
  }

  unitLength(b: Uint8Array, off: number, avail: number, fileOffset: number): number {
    if (!this.headerRead) return avail < FILE_HEADER ? 0 : FILE_HEADER;
    if (avail < this.recordHeader) return 0;
    const included = u32(b, off + 8, this.littleEndian);
    if (included > this.maxRecord) {
      this.ctx.issues.atPacket(
        this.ctx.numbered + 1,
        'CORRUPT_RECORD',
        `record length ${included} exceeds the limit of ${this.maxRecord} bytes (snaplen or 256 KiB): the rest of the capture cannot be framed`,
        fileOffset,
      );
      return -1;
    }
    return this.recordHeader + included;
  }

  consume(b: Uint8Array, off: number, length: number, fileOffset: number): boolean {
    if (!this.headerRead) return this.readHeader(b, off);
    this.fill(b, off, length, fileOffset);
    return this.ctx.deliver(0);
  }

  /**
   * The records of a chunk in one loop, without a call through the framer interface per
   * record (see CaptureFramer.run). Stops before an incomplete record.
   */
  run(b: Uint8Array, pos: number, base: number): number {
    const end = b.length;
    const header = this.recordHeader;
    const le = this.littleEndian;
    while (end - pos >= header) {
      const at = pos + 8;
      const included = le
        ? ((b[at] as number) |
            ((b[at + 1] as number) << 8) |
            ((b[at + 2] as number) << 16) |
            ((b[at + 3] as number) << 24)) >>>
          0
        : (((b[at] as number) << 24) |
            ((b[at + 1] as number) << 16) |
            ((b[at + 2] as number) << 8) |
            (b[at + 3] as number)) >>>
          0;
      if (included > this.maxRecord) {
        this.unitLength(b, pos, end - pos, base + pos);
        this.halt = 1;
        return pos;
      }
      const length = header + included;
      if (length > end - pos) break;
      this.fill(b, pos, length, base + pos);
      pos += length;
      if (!this.ctx.deliver(0)) {
        this.halt = 2;
        return pos;
      }
    }
    return pos;
  }

  /** Sets the view's framing fields for the record at `off`. */
  private fill(b: Uint8Array, off: number, length: number, fileOffset: number): void {
    const le = this.littleEndian;
    const view = this.ctx.view;
    // Written out (see ip.decoder.ts): the seconds exceed V8's small integers.
    const seconds = le
      ? ((b[off] as number) |
          ((b[off + 1] as number) << 8) |
          ((b[off + 2] as number) << 16) |
          ((b[off + 3] as number) << 24)) >>>
        0
      : (((b[off] as number) << 24) |
          ((b[off + 1] as number) << 16) |
          ((b[off + 2] as number) << 8) |
          (b[off + 3] as number)) >>>
        0;
    const fraction = le
      ? ((b[off + 4] as number) |
          ((b[off + 4 + 1] as number) << 8) |
          ((b[off + 4 + 2] as number) << 16) |
          ((b[off + 4 + 3] as number) << 24)) >>>
        0
      : (((b[off + 4] as number) << 24) |
          ((b[off + 4 + 1] as number) << 16) |
          ((b[off + 4 + 2] as number) << 8) |
          (b[off + 4 + 3] as number)) >>>
        0;
    if (this.nanoseconds) {
      const rest = fraction % 1000;
      view.timeUs = seconds * 1_000_000 + (fraction - rest) / 1000;
      view.timeSubUsNs = rest;
    } else {
      view.timeUs = seconds * 1_000_000 + fraction;
      view.timeSubUsNs = 0;
    }
    view.byteOffset = fileOffset;
    view.capturedLength = length - this.recordHeader;
    view.originalLength = u32(b, off + 12, le);
    view.bytes = b;
    view.frameOffset = off + this.recordHeader;
    view.frameEnd = off + length;
  }

  truncated(leftover: number, fileOffset: number): void {
    if (!this.headerRead) {
      this.ctx.issues.atPacket(
        1,
        'TRUNCATED_HEADER',
        `the file ends inside the 24-byte pcap header (${leftover} bytes)`,
        fileOffset,
      );
      return;
    }
    this.ctx.issues.atPacket(
      this.ctx.numbered + 1,
      'TRUNCATED_RECORD',
      `the capture ends inside packet ${this.ctx.numbered + 1} (${leftover} bytes of its record present): ${this.ctx.packets} packets read`,
      fileOffset,
    );
  }

  private readHeader(b: Uint8Array, off: number): boolean {
    const le = this.littleEndian;
    this.headerRead = true;
    const snaplen = u32(b, off + 16, le);
    // The upper bits of the link-type field carry FCS information, not the type.
    this.linkType = u32(b, off + 20, le) & 0xffff;
    if (snaplen > 0 && snaplen < this.maxRecord) this.maxRecord = snaplen;
    this.ctx.view.linkType = this.linkType;
    this.ctx.view.interfaceId = 0;
    this.ctx.addInterface({
      id: 0,
      section: 0,
      linkType: this.linkType,
      linkTypeName: linkTypeName(this.linkType),
      snaplen,
      timeResolution: this.nanoseconds ? 'ns' : 'us',
    });
    const major = u16(b, off + 4, le);
    if (major !== 2) {
      this.ctx.issues.atPacket(
        1,
        'UNEXPECTED_VERSION',
        `pcap version ${major}.${u16(b, off + 6, le)} (expected 2.4); reading it as 2.4`,
        0,
      );
    }
    return true;
  }
}
