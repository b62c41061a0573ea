import { u16, u32 } from './bytes.js';
import type { CaptureContext } from './capture-context.js';
import type { CaptureFramer } from './capture-framer.js';
import { CAPTURE_LIMITS } from './capture-summary.js';
import { formatIpv4, formatIpv6Bytes } from './ip-address.js';
import { linkTypeName } from './link-type.js';
import { findOption, forEachOption, optionText } from './pcapng-options.js';
import { TimestampScale } from './timestamp.js';

export const PCAPNG_MAGIC = 0x0a0d0d0a;
/** The section header's byte-order magic, as read in the writer's own order. */
export const PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const EPB_FLAGS = 2;

/** The pcapng block types this tool reads or rewrites. */
export const PcapngBlockType = {
  SectionHeader: 0x0a0d0d0a,
  InterfaceDescription: 1,
  ObsoletePacket: 2,
  SimplePacket: 3,
  NameResolution: 4,
  InterfaceStatistics: 5,
  EnhancedPacket: 6,
  DecryptionSecrets: 0x0a,
} as const;

interface Interface {
  readonly id: number;
  readonly linkType: number;
  /** Largest record accepted on this interface: min(snaplen, 256 KiB). */
  readonly maxRecord: number;
  readonly scale: TimestampScale;
  /** Index into the summary's interface list, -1 when beyond its cap. */
  readonly summaryIndex: number;
}

/**
 * pcapng: a sequence of blocks (type, total length, body, total length again). Each
 * Section Header Block sets the byte order of the blocks after it and forgets the
 * interfaces of the previous section. Unknown block types are skipped by their length.
 */
export class PcapngBlockReader implements CaptureFramer {
  private littleEndian = true;
  private section = -1;
  private interfaces: Interface[] = [];
  /** SPBs have no timestamp: they take the last one seen, so time never goes backwards. */
  private lastTimeUs = -0;
  private lastSubUs = 0;

  constructor(private readonly ctx: CaptureContext) {}

  unitLength(b: Uint8Array, off: number, avail: number, fileOffset: number): number {
    if (avail < 8) return 0;
    const type = u32(b, off, this.littleEndian);
    if (type === PcapngBlockType.SectionHeader) {
      if (avail < 12) return 0;
      const order = u32(b, off + 8, true);
      if (order === PCAPNG_BYTE_ORDER_MAGIC) this.littleEndian = true;
      else if (order === 0x4d3c2b1a) this.littleEndian = false;
      else return this.corrupt(fileOffset, 'section header with an unknown byte-order magic');
    }
    const length = u32(b, off + 4, this.littleEndian);
    if (length < 12 || length % 4 !== 0 || length > CAPTURE_LIMITS.maxBlockBytes) {
      return this.corrupt(
        fileOffset,
        `block length ${length} is impossible (below 12, not a multiple of 4, or above 16 MiB)`,
      );
    }
    if (type === PcapngBlockType.SectionHeader && length < 28)
      return this.corrupt(fileOffset, `section header of ${length} bytes (at least 28)`);
    return length;
  }

  consume(b: Uint8Array, off: number, length: number, fileOffset: number): boolean {
    const le = this.littleEndian;
    if (u32(b, off + length - 4, le) !== length) {
      this.corrupt(
        fileOffset,
        `block's trailing length ${u32(b, off + length - 4, le)} differs from its leading length ${length}`,
      );
      return false;
    }
    switch (u32(b, off, le)) {
      case PcapngBlockType.EnhancedPacket:
        return this.enhancedPacket(b, off, length, fileOffset);
      case PcapngBlockType.SimplePacket:
        return this.simplePacket(b, off, length, fileOffset);
      case PcapngBlockType.ObsoletePacket:
        return this.obsoletePacket(b, off, length, fileOffset);
      case PcapngBlockType.InterfaceDescription:
        this.interfaceDescription(b, off, length, fileOffset);
        return true;
      case PcapngBlockType.SectionHeader:
        return this.sectionHeader(b, off, fileOffset);
      case PcapngBlockType.NameResolution:
        this.nameResolution(b, off, length);
        return true;
      case PcapngBlockType.InterfaceStatistics:
        this.interfaceStatistics(b, off, length);
        return true;
      default:
        // Decryption secrets, custom and future blocks: nothing this reader needs.
        return true;
    }
  }

  truncated(leftover: number, fileOffset: number): void {
    this.ctx.issues.atPacket(
      this.ctx.numbered + 1,
      'TRUNCATED_BLOCK',
      `the capture ends inside a block (${leftover} bytes of it present) before packet ${this.ctx.numbered + 1}: ${this.ctx.packets} packets read`,
      fileOffset,
    );
  }

  private corrupt(fileOffset: number, what: string): -1 {
    this.ctx.issues.atPacket(
      this.ctx.numbered + 1,
      'CORRUPT_BLOCK',
      `${what}: the rest of the capture cannot be framed`,
      fileOffset,
    );
    return -1;
  }

  private sectionHeader(b: Uint8Array, off: number, fileOffset: number): boolean {
    const le = this.littleEndian;
    const major = u16(b, off + 12, le);
    if (major !== 1) {
      this.corrupt(fileOffset, `section header version ${major}.${u16(b, off + 14, le)}`);
      return false;
    }
    this.section += 1;
    this.interfaces = [];
    this.ctx.interfaceNames = [];
    this.ctx.byteOrder ??= le ? 'little-endian' : 'big-endian';
    return true;
  }

  private interfaceDescription(
    b: Uint8Array,
    off: number,
    length: number,
    fileOffset: number,
  ): void {
    const le = this.littleEndian;
    if (length < 20) {
      this.ctx.issues.atPacket(
        this.ctx.numbered + 1,
        'CORRUPT_BLOCK',
        'interface description block too short; ignored',
        fileOffset,
      );
      return;
    }
    if (this.interfaces.length >= CAPTURE_LIMITS.maxInterfaces) return;
    const linkType = u16(b, off + 8, le);
    const snaplen = u32(b, off + 12, le);
    let name: string | undefined;
    let tsresol = 6;
    let tsoffset = 0;
    forEachOption(b, off + 16, off + length - 4, le, (code, at, size) => {
      if (code === 2) name = optionText(b, at, size);
      else if (code === 9 && size >= 1) tsresol = b[at] as number;
      else if (code === 14 && size >= 8) {
        // if_tsoffset is a signed 64-bit count of seconds.
        const high = u32(b, at + (le ? 4 : 0), le) | 0;
        const low = u32(b, at + (le ? 0 : 4), le);
        tsoffset = high * 4294967296 + low;
      }
    });
    const scale = new TimestampScale(tsresol, tsoffset);
    const id = this.interfaces.length;
    const summaryIndex = this.ctx.interfaces.length;
    this.ctx.addInterface({
      id,
      section: this.section,
      ...(name === undefined ? {} : { name }),
      linkType,
      linkTypeName: linkTypeName(linkType),
      snaplen,
      timeResolution: scale.label,
    });
    this.ctx.interfaceNames.push(name);
    this.interfaces.push({
      id,
      linkType,
      maxRecord:
        snaplen > 0 && snaplen < CAPTURE_LIMITS.maxRecordBytes
          ? snaplen
          : CAPTURE_LIMITS.maxRecordBytes,
      scale,
      summaryIndex: summaryIndex < this.ctx.interfaces.length ? summaryIndex : -1,
    });
  }

  private enhancedPacket(b: Uint8Array, off: number, length: number, fileOffset: number): boolean {
    const le = this.littleEndian;
    if (length < 32) return this.badPacket(fileOffset, 'enhanced packet block too short');
    const iface = this.interfaces[u32(b, off + 8, le)];
    if (iface === undefined)
      return this.badPacket(fileOffset, 'packet on an interface no IDB described');
    const captured = u32(b, off + 20, le);
    if (captured > length - 32 || captured > iface.maxRecord) {
      return this.badPacket(
        fileOffset,
        `captured length ${captured} exceeds its block or the limit of ${iface.maxRecord} bytes`,
      );
    }
    const view = this.ctx.view;
    iface.scale.applyAt(view, b, off + 12, le);
    this.setPacket(iface, b, off + 28, captured, u32(b, off + 24, le), fileOffset);
    const optionsAt = off + 28 + ((captured + 3) & ~3);
    const flags = findOption(b, optionsAt, off + length - 4, le, EPB_FLAGS, 4);
    // epb_flags' two low bits say inbound (1) or outbound (2).
    return this.ctx.deliver(flags < 0 ? 0 : u32(b, flags, le) & 3);
  }

  private simplePacket(b: Uint8Array, off: number, length: number, fileOffset: number): boolean {
    const iface = this.interfaces[0];
    if (iface === undefined)
      return this.badPacket(fileOffset, 'simple packet block before any interface description');
    const original = u32(b, off + 8, this.littleEndian);
    let captured = Math.min(original, length - 16);
    if (captured > iface.maxRecord) captured = iface.maxRecord;
    const view = this.ctx.view;
    view.timeUs = this.lastTimeUs;
    view.timeSubUsNs = this.lastSubUs;
    this.setPacket(iface, b, off + 12, captured, original, fileOffset);
    return this.ctx.deliver(0);
  }

  private obsoletePacket(b: Uint8Array, off: number, length: number, fileOffset: number): boolean {
    const le = this.littleEndian;
    if (length < 32) return this.badPacket(fileOffset, 'packet block too short');
    const iface = this.interfaces[u16(b, off + 8, le)];
    if (iface === undefined)
      return this.badPacket(fileOffset, 'packet on an interface no IDB described');
    const captured = u32(b, off + 20, le);
    if (captured > length - 32 || captured > iface.maxRecord) {
      return this.badPacket(
        fileOffset,
        `captured length ${captured} exceeds its block or the limit of ${iface.maxRecord} bytes`,
      );
    }
    iface.scale.applyAt(this.ctx.view, b, off + 12, le);
    this.setPacket(iface, b, off + 28, captured, u32(b, off + 24, le), fileOffset);
    return this.ctx.deliver(0);
  }

  private setPacket(
    iface: Interface,
    b: Uint8Array,
    at: number,
    captured: number,
    original: number,
    fileOffset: number,
  ): void {
    const view = this.ctx.view;
    view.byteOffset = fileOffset;
    view.interfaceId = iface.id;
    view.linkType = iface.linkType;
    view.capturedLength = captured;
    view.originalLength = original;
    view.bytes = b;
    view.frameOffset = at;
    view.frameEnd = at + captured;
    this.lastTimeUs = view.timeUs;
    this.lastSubUs = view.timeSubUsNs;
  }

  /** A packet block that cannot be read, in an otherwise well-framed file: skip it, go on. */
  private badPacket(fileOffset: number, what: string): true {
    this.ctx.numbered += 1;
    this.ctx.issues.atPacket(this.ctx.numbered, 'BAD_PACKET_BLOCK', `${what}; skipped`, fileOffset);
    return true;
  }

  private nameResolution(b: Uint8Array, off: number, length: number): void {
    const le = this.littleEndian;
    const end = off + length - 4;
    let p = off + 8;
    while (end - p >= 4 && this.ctx.names.length < CAPTURE_LIMITS.maxNames) {
      const type = u16(b, p, le);
      const size = u16(b, p + 2, le);
      if (type === 0 || p + 4 + size > end) return;
      const value = p + 4;
      const addressBytes = type === 1 ? 4 : type === 2 ? 16 : 0;
      if (addressBytes > 0 && size > addressBytes) {
        const ip =
          type === 1
            ? formatIpv4(u32(b, value, false))
            : formatIpv6Bytes(b.subarray(value, value + 16));
        const names = optionText(b, value + addressBytes, size - addressBytes)
          .split('\0')
          .filter((name) => name.length > 0)
          .slice(0, 16);
        this.ctx.names.push({ ip, names });
      }
      p += 4 + ((size + 3) & ~3);
    }
  }

  private interfaceStatistics(b: Uint8Array, off: number, length: number): void {
    const le = this.littleEndian;
    if (length < 24) return;
    const iface = this.interfaces[u32(b, off + 8, le)];
    if (iface === undefined || iface.summaryIndex < 0) return;
    const stats: { received?: number; droppedByInterface?: number; droppedByOs?: number } = {};
    forEachOption(b, off + 20, off + length - 4, le, (code, at, size) => {
      if (size < 8) return;
      const high = u32(b, at + (le ? 4 : 0), le);
      const low = u32(b, at + (le ? 0 : 4), le);
      const value = high * 4294967296 + low;
      if (code === 4) stats.received = value;
      else if (code === 5) stats.droppedByInterface = value;
      else if (code === 7) stats.droppedByOs = value;
    });
    const previous = this.ctx.interfaces[iface.summaryIndex];
    if (previous !== undefined)
      this.ctx.interfaces[iface.summaryIndex] = { ...previous, statistics: stats };
  }
}
