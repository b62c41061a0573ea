import { CAPTURE_LIMITS } from '../capture/capture-summary.js';
import {
  PCAPNG_BYTE_ORDER_MAGIC as BYTE_ORDER_MAGIC,
  PcapngBlockType as Block,
} from '../capture/pcapng-block.reader.js';
import { setU16, setU32, u16, u32 } from './byte-fields.js';
import type { RedactionFramer, RedactionOutput } from './capture-redaction-summary.js';
import type { PacketRedactor } from './packet-redactor.js';
import type { Pseudonymiser } from './pseudonymiser.js';

const BLOCK_NAMES: Readonly<Record<number, string>> = {
  [Block.NameResolution]: 'name-resolution',
  [Block.DecryptionSecrets]: 'decryption-secrets',
};

/**
 * Options that stay, per block: what reading the capture needs (time resolution and
 * offset, FCS length, speeds, epb_flags with the direction, drop counts and statistics) and
 * the capturing application's name. Comments, host OS and hardware, interface descriptions,
 * addresses and filters (which name hosts and ports), packet hashes and custom options go.
 */
const KEPT_OPTIONS: Readonly<Record<number, ReadonlySet<number>>> = {
  [Block.SectionHeader]: new Set([4]),
  [Block.InterfaceDescription]: new Set([2, 8, 9, 10, 13, 14, 16, 17]),
  [Block.EnhancedPacket]: new Set([2, 4, 5, 6]),
  [Block.ObsoletePacket]: new Set([2]),
  [Block.InterfaceStatistics]: new Set([2, 3, 4, 5, 6, 7, 8]),
};
const IF_NAME = 2;
const INTERFACE_NAME = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,63}$/;

interface Interface {
  readonly linkType: number;
  readonly maxRecord: number;
}

/**
 * pcapng, block by block, with the reader's framing rules (so both stop at the same
 * damage): section and interface headers rebuilt with their safe options only, packet
 * blocks rebuilt around their redacted packets, statistics kept, name resolution,
 * decryption secrets and unknown or custom blocks dropped. The section length becomes -1
 * ("not given"), which readers accept, since blocks shrink.
 */
export class PcapngRedactionFramer implements RedactionFramer {
  error: string | undefined;
  private littleEndian = true;
  private interfaces: Interface[] = [];

  constructor(
    private readonly packets: PacketRedactor,
    private readonly p: Pseudonymiser,
  ) {}

  unitLength(b: Uint8Array, off: number, avail: number): number {
    if (avail < 8) return 0;
    const type = u32(b, off, this.littleEndian);
    if (type === Block.SectionHeader) {
      if (avail < 12) return 0;
      const order = u32(b, off + 8, true);
      if (order === BYTE_ORDER_MAGIC) this.littleEndian = true;
      else if (order === 0x4d3c2b1a) this.littleEndian = false;
      else return this.corrupt('section header with an unknown byte-order magic');
    }
    const length = u32(b, off + 4, this.littleEndian);
    if (length < 12 || length % 4 !== 0 || length > CAPTURE_LIMITS.maxBlockBytes)
      return this.corrupt(`block length ${length} is impossible`);
    if (type === Block.SectionHeader && length < 28)
      return this.corrupt(`section header of ${length} bytes`);
    return length;
  }

  redact(b: Uint8Array, off: number, length: number, output: RedactionOutput): boolean {
    const le = this.littleEndian;
    if (u32(b, off + length - 4, le) !== length) {
      this.error = "a block's trailing length differs from its leading length";
      return false;
    }
    const type = u32(b, off, le);
    switch (type) {
      case Block.SectionHeader:
        return this.sectionHeader(b, off, length, output);
      case Block.InterfaceDescription:
        this.interfaceDescription(b, off, length, output);
        return true;
      case Block.EnhancedPacket:
        this.packetBlock(b, off, length, output, u32(b, off + 8, le));
        return true;
      case Block.ObsoletePacket:
        this.packetBlock(b, off, length, output, u16(b, off + 8, le));
        return true;
      case Block.SimplePacket:
        this.simplePacket(b, off, length, output);
        return true;
      case Block.InterfaceStatistics:
        this.rebuild(b, off, length, 20, output);
        return true;
      default: {
        const name = BLOCK_NAMES[type] ?? `type-0x${type.toString(16)}`;
        output.blocksDropped[name] = (output.blocksDropped[name] ?? 0) + 1;
        return true;
      }
    }
  }

  private corrupt(what: string): -1 {
    this.error = `${what}: the rest of the capture cannot be framed`;
    return -1;
  }

  private sectionHeader(
    b: Uint8Array,
    off: number,
    length: number,
    output: RedactionOutput,
  ): boolean {
    if (u16(b, off + 12, this.littleEndian) !== 1) {
      this.error = 'section header of an unknown major version';
      return false;
    }
    this.interfaces = [];
    const start = output.at;
    this.rebuild(b, off, length, 24, output);
    // Section length: -1, "unknown", since the blocks after this one shrink.
    output.out.fill(0xff, start + 16, start + 24);
    return true;
  }

  private interfaceDescription(
    b: Uint8Array,
    off: number,
    length: number,
    output: RedactionOutput,
  ): void {
    if (length < 20) {
      copy(b, off, length, output);
      return;
    }
    const le = this.littleEndian;
    if (this.interfaces.length < CAPTURE_LIMITS.maxInterfaces) {
      const snaplen = u32(b, off + 12, le);
      this.interfaces.push({
        linkType: u16(b, off + 8, le),
        maxRecord:
          snaplen > 0 && snaplen < CAPTURE_LIMITS.maxRecordBytes
            ? snaplen
            : CAPTURE_LIMITS.maxRecordBytes,
      });
    }
    this.rebuild(
      b,
      off,
      length,
      16,
      output,
      (code, at, size) => code !== IF_NAME || this.isInterfaceName(b, at, size),
    );
  }

  /** Enhanced (and obsolete) packet blocks: the packet at +28, options after it. */
  private packetBlock(
    b: Uint8Array,
    off: number,
    length: number,
    output: RedactionOutput,
    interfaceId: number,
  ): void {
    const le = this.littleEndian;
    const iface = length >= 32 ? this.interfaces[interfaceId] : undefined;
    const captured = length >= 32 ? u32(b, off + 20, le) : 0;
    if (iface === undefined || captured > length - 32 || captured > iface.maxRecord) {
      // The reader skips such a block (counting its number): keep it so numbering stays,
      // but without its bytes.
      const start = output.at;
      copy(b, off, length, output);
      if (length > 28) output.out.fill(0, start + 28, start + length - 4);
      return;
    }
    const out = output.out;
    const start = output.at;
    out.set(b.subarray(off, off + 28 + captured), start);
    const kept = this.packets.redact(
      out,
      start + 28,
      captured,
      u32(b, off + 24, le),
      iface.linkType,
    );
    setU32(out, start + 20, kept, le);
    let at = start + 28 + kept;
    while ((at - start) % 4 !== 0) out[at++] = 0;
    const type = u32(b, off, le);
    at = this.copyOptions(
      b,
      off + 28 + ((captured + 3) & ~3),
      off + length - 4,
      type,
      out,
      at,
      output,
    );
    this.close(out, start, at, output);
  }

  private simplePacket(b: Uint8Array, off: number, length: number, output: RedactionOutput): void {
    const le = this.littleEndian;
    const iface = this.interfaces[0];
    if (iface === undefined) {
      const start = output.at;
      copy(b, off, length, output);
      output.out.fill(0, start + 12, start + length - 4);
      return;
    }
    const original = u32(b, off + 8, le);
    const captured = Math.min(original, length - 16, iface.maxRecord);
    const out = output.out;
    const start = output.at;
    out.set(b.subarray(off, off + 12 + captured), start);
    const kept = this.packets.redact(out, start + 12, captured, original, iface.linkType);
    let at = start + 12 + kept;
    while ((at - start) % 4 !== 0) out[at++] = 0;
    this.close(out, start, at, output);
  }

  /** A block whose fixed part is `fixed` bytes (type and length included), options filtered. */
  private rebuild(
    b: Uint8Array,
    off: number,
    length: number,
    fixed: number,
    output: RedactionOutput,
    keep: (code: number, at: number, size: number) => boolean = () => true,
  ): void {
    const out = output.out;
    const start = output.at;
    out.set(b.subarray(off, off + fixed), start);
    const type = u32(b, off, this.littleEndian);
    const at = this.copyOptions(
      b,
      off + fixed,
      off + length - 4,
      type,
      out,
      start + fixed,
      output,
      keep,
    );
    this.close(out, start, at, output);
  }

  /** Copies the kept options of `b[p, end)` to `out` at `at`; returns where they end. */
  private copyOptions(
    b: Uint8Array,
    p: number,
    end: number,
    type: number,
    out: Uint8Array,
    at: number,
    output: RedactionOutput,
    keep: (code: number, at: number, size: number) => boolean = () => true,
  ): number {
    const le = this.littleEndian;
    const kept = KEPT_OPTIONS[type] ?? new Set<number>();
    let wrote = false;
    let terminated = false;
    while (end - p >= 4) {
      const code = u16(b, p, le);
      const size = u16(b, p + 2, le);
      terminated = code === 0;
      if (code === 0 || p + 4 + size > end) break;
      const padded = 4 + ((size + 3) & ~3);
      if (kept.has(code) && keep(code, p + 4, size) && p + padded <= end) {
        out.set(b.subarray(p, p + padded), at);
        at += padded;
        wrote = true;
      } else {
        output.optionsDropped += 1;
      }
      p += padded;
    }
    // opt_endofopt only where the original had one: a block never grows, so the output
    // of a chunk always fits in a buffer the size of its input.
    if (wrote && terminated) {
      setU16(out, at, 0, le);
      setU16(out, at + 2, 0, le);
      at += 4;
    }
    return at;
  }

  /** Writes the block's two lengths once its body is in place. */
  private close(out: Uint8Array, start: number, at: number, output: RedactionOutput): void {
    const length = at + 4 - start;
    setU32(out, start + 4, length, this.littleEndian);
    setU32(out, at, length, this.littleEndian);
    output.at = at + 4;
  }

  private isInterfaceName(b: Uint8Array, at: number, size: number): boolean {
    let end = at + size;
    while (end > at && b[end - 1] === 0) end -= 1;
    const name = String.fromCharCode(...b.subarray(at, end));
    return INTERFACE_NAME.test(name) && !this.p.names.mentionedIn(name);
  }
}

function copy(b: Uint8Array, off: number, length: number, output: RedactionOutput): void {
  output.out.set(b.subarray(off, off + length), output.at);
  output.at += length;
}
