import type { IssueCollector } from '../text/issue-collector.js';
import { u32le } from './bytes.js';
import { CaptureContext } from './capture-context.js';
import type { CaptureFramer } from './capture-framer.js';
import type { CaptureSummary, PacketCallback } from './capture-summary.js';
import { PCAP_MAGIC, PcapRecordReader } from './pcap-record.reader.js';
import { PCAPNG_MAGIC, PcapngBlockReader } from './pcapng-block.reader.js';

/**
 * Push-driven capture decoding: feed chunks of any size with `push`, then call `finish`.
 * Units (records, blocks) that lie inside a chunk are decoded in place (no copy); only a
 * unit that straddles chunks is assembled in a private carry buffer, byte by byte at most
 * once, so the cost stays linear whatever the chunking. The decoder never keeps a chunk
 * after `push` returns: callers may reuse their read buffer.
 *
 * Memory: the carry grows to the largest unit seen across a boundary, which the caps
 * (block <= 16 MiB, record <= 256 KiB) bound.
 */
export class CaptureDecoder {
  private readonly ctx: CaptureContext;
  private framer: CaptureFramer | undefined;
  private format: CaptureSummary['format'] = 'unknown';
  private carry = new Uint8Array(0);
  private carryLength = 0;
  private carryOffset = 0;
  private bytesRead = 0;
  private stopped = false;
  private failed = false;

  constructor(
    artifact: string,
    onPacket: PacketCallback,
    private readonly issues: IssueCollector,
    maxPackets = Number.POSITIVE_INFINITY,
  ) {
    this.ctx = new CaptureContext(artifact, issues, onPacket, maxPackets);
  }

  /** Decodes what `chunk` completes. False once reading has stopped (corruption, limit). */
  push(chunk: Uint8Array): boolean {
    if (this.stopped) return false;
    // A Node Buffer is a Uint8Array subclass with another hidden class: seeing both in the
    // byte readers makes every field read polymorphic. One plain view per chunk keeps
    // them monomorphic (the carry buffer is a plain Uint8Array too).
    if (Object.getPrototypeOf(chunk) !== Uint8Array.prototype)
      chunk = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const base = this.bytesRead;
    this.bytesRead += chunk.length;
    try {
      let pos = 0;
      if (this.carryLength > 0 || this.framer === undefined) {
        pos = this.fillCarry(chunk, base);
        if (pos < 0) return this.stop(true);
        if (this.stopped) return false;
        if (this.carryLength > 0) return true;
      }
      pos = this.run(chunk, pos, base);
      if (pos < 0) return this.stop(true);
      if (this.stopped) return false;
      if (pos < chunk.length) this.keep(chunk, pos, chunk.length, base + pos);
      return true;
    } catch (error) {
      if (this.ctx.inCallback) throw error;
      this.issues.atPacket(
        this.ctx.numbered + 1,
        'READER_ERROR',
        `internal error while decoding: ${String(error)}`,
        base,
      );
      return this.stop(true);
    }
  }

  /** The pcapng if_name of an interface of the current section, if it has one. */
  interfaceName(interfaceId: number): string | undefined {
    return this.ctx.interfaceNames[interfaceId];
  }

  /** Ends the input: reports an incomplete last unit, and returns the summary. */
  finish(): CaptureSummary {
    if (!this.stopped && this.carryLength > 0) {
      if (this.framer === undefined) this.badMagic();
      else this.framer.truncated(this.carryLength, this.carryOffset);
      this.failed = true;
    } else if (!this.stopped && this.bytesRead === 0) {
      this.issues.atPacket(1, 'EMPTY_CAPTURE', 'the capture is empty', 0);
      this.failed = true;
    }
    this.stopped = true;
    this.carry = new Uint8Array(0);
    this.carryLength = 0;
    const ctx = this.ctx;
    return {
      format: this.format,
      ...(ctx.byteOrder === undefined ? {} : { byteOrder: ctx.byteOrder }),
      interfaces: ctx.interfaces,
      linkTypes: ctx.linkTypes,
      packets: ctx.packets,
      ...(ctx.packets === 0 ? {} : { firstUs: ctx.firstUs, lastUs: ctx.lastUs }),
      bytes: this.bytesRead,
      capturedBytes: ctx.capturedBytes,
      complete: !this.failed,
      names: ctx.names,
    };
  }

  /** Whole units inside `chunk` from `pos`; returns where the incomplete rest starts, or -1. */
  private run(chunk: Uint8Array, pos: number, base: number): number {
    const framer = this.framer as CaptureFramer;
    const end = chunk.length;
    if (framer.run !== undefined) {
      const next = framer.run(chunk, pos, base);
      if (framer.halt === 1) return -1;
      if (framer.halt === 2) this.stopped = true;
      return next;
    }
    while (pos < end) {
      const avail = end - pos;
      const length = framer.unitLength(chunk, pos, avail, base + pos);
      if (length < 0) return -1;
      if (length === 0 || length > avail) break;
      if (!framer.consume(chunk, pos, length, base + pos)) {
        if (this.stoppedByError()) return -1;
        this.stopped = true;
        return end;
      }
      pos += length;
    }
    return pos;
  }

  /**
   * Completes the unit held in the carry from the start of `chunk`. Header bytes are taken
   * one at a time (a unit's header is at most 24 bytes), then the body in one copy.
   * Returns the position in `chunk` after what was taken, or -1 to stop.
   */
  private fillCarry(chunk: Uint8Array, base: number): number {
    let pos = 0;
    if (this.carryLength === 0) this.carryOffset = base;
    for (;;) {
      const length =
        this.framer === undefined
          ? this.sniff()
          : this.framer.unitLength(this.carry, 0, this.carryLength, this.carryOffset);
      if (length < 0) return -1;
      if (length === 0) {
        if (pos >= chunk.length) return pos;
        this.ensureCarry(this.carryLength + 1);
        this.carry[this.carryLength++] = chunk[pos++] as number;
        continue;
      }
      if (this.framer === undefined) return -1;
      this.ensureCarry(length);
      const take = Math.min(length - this.carryLength, chunk.length - pos);
      this.carry.set(chunk.subarray(pos, pos + take), this.carryLength);
      this.carryLength += take;
      pos += take;
      if (this.carryLength < length) return pos;
      this.carryLength = 0;
      if (!this.framer.consume(this.carry, 0, length, this.carryOffset)) {
        if (this.stoppedByError()) return -1;
        this.stopped = true;
      }
      return pos;
    }
  }

  /** Picks the format from the first four bytes held in the carry. */
  private sniff(): number {
    if (this.carryLength < 4) return 0;
    const magic = u32le(this.carry, 0);
    if (magic === PCAPNG_MAGIC) {
      this.format = 'pcapng';
      this.framer = new PcapngBlockReader(this.ctx);
    } else if ((Object.values(PCAP_MAGIC) as number[]).includes(magic)) {
      this.format = 'pcap';
      this.framer = new PcapRecordReader(this.ctx, magic);
    } else {
      this.badMagic();
      return -1;
    }
    return this.framer.unitLength(this.carry, 0, this.carryLength, 0);
  }

  private badMagic(): void {
    const head = Array.from(this.carry.subarray(0, Math.min(this.carryLength, 4)), (byte) =>
      byte.toString(16).padStart(2, '0'),
    ).join(' ');
    this.issues.atPacket(
      1,
      'BAD_MAGIC',
      `not a pcap or pcapng capture: the file starts with ${head || 'nothing'}`,
      0,
    );
  }

  private keep(chunk: Uint8Array, from: number, to: number, fileOffset: number): void {
    this.ensureCarry(to - from);
    this.carry.set(chunk.subarray(from, to), 0);
    this.carryLength = to - from;
    this.carryOffset = fileOffset;
  }

  private ensureCarry(size: number): void {
    if (this.carry.length >= size) return;
    const grown = new Uint8Array(Math.max(size, Math.min(this.carry.length * 2, 1 << 24), 4096));
    grown.set(this.carry.subarray(0, this.carryLength));
    this.carry = grown;
  }

  /** A framer stopped: was it an error (issue recorded) or the packet limit? */
  private stoppedByError(): boolean {
    return this.ctx.packets < this.ctx.maxPackets;
  }

  private stop(failed: boolean): false {
    this.stopped = true;
    this.failed ||= failed;
    return false;
  }
}
