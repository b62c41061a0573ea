import { u32le } from '../capture/bytes.js';
import { PCAP_MAGIC } from '../capture/pcap-record.reader.js';
import { PCAPNG_MAGIC } from '../capture/pcapng-block.reader.js';
import type {
  CaptureRedactionSummary,
  RedactionFramer,
  RedactionOutput,
} from './capture-redaction-summary.js';
import { PacketRedactor } from './packet-redactor.js';
import { PcapRedactionFramer } from './pcap-redaction.framer.js';
import { PcapngRedactionFramer } from './pcapng-redaction.framer.js';
import type { Pseudonymiser } from './pseudonymiser.js';

/**
 * Push-driven capture redaction, pcap or pcapng (told apart by the magic): feed chunks of
 * any size with `push`, collect the redacted bytes it returns, then call `finish`. Memory is
 * one chunk plus the unit that straddles it; input chunks are never modified or kept.
 * Damaged input ends the output where the reader would stop reading the original, so the
 * redacted capture reads like the original did (same packets, same numbering).
 */
export class CaptureRedactor {
  private readonly packets: PacketRedactor;
  private framer: RedactionFramer | undefined;
  private format: CaptureRedactionSummary['format'] = 'unknown';
  private carry = new Uint8Array(0);
  private stopped = false;
  private error: string | undefined;
  private bytesIn = 0;
  private bytesOut = 0;
  private readonly output: RedactionOutput = {
    out: new Uint8Array(0),
    at: 0,
    blocksDropped: {},
    optionsDropped: 0,
  };

  constructor(private readonly p: Pseudonymiser) {
    this.packets = new PacketRedactor(p);
  }

  /** The redacted bytes `chunk` completes (possibly none). */
  push(chunk: Uint8Array): Uint8Array {
    this.bytesIn += chunk.length;
    if (this.stopped) return new Uint8Array(0);
    let data = chunk;
    if (this.carry.length > 0) {
      data = new Uint8Array(this.carry.length + chunk.length);
      data.set(this.carry, 0);
      data.set(chunk, this.carry.length);
    }
    const output = this.output;
    output.out = new Uint8Array(data.length);
    output.at = 0;
    const used = this.run(data);
    this.carry = this.stopped ? new Uint8Array(0) : data.slice(used);
    this.bytesOut += output.at;
    return output.out.subarray(0, output.at);
  }

  finish(): CaptureRedactionSummary {
    if (!this.stopped && this.carry.length > 0) {
      this.error ??=
        this.framer === undefined
          ? 'not a pcap or pcapng capture'
          : `the capture ends inside a record or block (${this.carry.length} bytes of it present)`;
    } else if (!this.stopped && this.bytesIn === 0) {
      this.error ??= 'the capture is empty';
    }
    this.stopped = true;
    this.carry = new Uint8Array(0);
    const stats = this.packets.stats;
    return {
      format: this.format,
      packets: stats.packets,
      ipPackets: stats.ipPackets,
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
      payloadBytesRemoved: stats.bytesRemoved,
      blocksDropped: { ...this.output.blocksDropped },
      optionsDropped: this.output.optionsDropped,
      complete: this.error === undefined,
      ...(this.error === undefined ? {} : { error: this.error }),
    };
  }

  /** Redacts the whole units of `data`; returns how many bytes they took. */
  private run(data: Uint8Array): number {
    let pos = 0;
    if (this.framer === undefined) {
      if (data.length < 4) return 0;
      this.framer = this.pick(u32le(data, 0));
      if (this.framer === undefined)
        return this.stop('not a pcap or pcapng capture (unknown magic)');
    }
    const framer = this.framer;
    while (pos < data.length) {
      const length = framer.unitLength(data, pos, data.length - pos);
      if (length < 0) return this.stop(framer.error ?? 'corrupt capture');
      if (length === 0 || length > data.length - pos) break;
      if (!framer.redact(data, pos, length, this.output))
        return this.stop(framer.error ?? 'corrupt capture');
      pos += length;
    }
    return pos;
  }

  private pick(magic: number): RedactionFramer | undefined {
    if (magic === PCAPNG_MAGIC) {
      this.format = 'pcapng';
      return new PcapngRedactionFramer(this.packets, this.p);
    }
    if ((Object.values(PCAP_MAGIC) as number[]).includes(magic)) {
      this.format = 'pcap';
      return new PcapRedactionFramer(this.packets, magic);
    }
    return undefined;
  }

  private stop(error: string): number {
    this.stopped = true;
    this.error = error;
    return 0;
  }
}

/** Redacts a capture stream; yields the redacted bytes and returns the summary. */
export async function* redactCapture(
  source: AsyncIterable<Uint8Array>,
  p: Pseudonymiser,
): AsyncGenerator<Uint8Array, CaptureRedactionSummary, undefined> {
  const redactor = new CaptureRedactor(p);
  for await (const chunk of source) {
    const out = redactor.push(chunk);
    if (out.length > 0) yield out;
  }
  return redactor.finish();
}
