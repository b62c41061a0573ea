import { CAPTURE_LIMITS } from '../capture/capture-summary.js';
import { PCAP_MAGIC } from '../capture/pcap-record.reader.js';
import type { RedactionFramer, RedactionOutput } from './capture-redaction-summary.js';
import { setU32, u32 } from './byte-fields.js';
import type { PacketRedactor } from './packet-redactor.js';

const FILE_HEADER = 24;

/**
 * Classic pcap: the file header is kept as it is; each record is copied with its packet
 * redacted and its captured length (incl_len) lowered; the original length (orig_len) and
 * the timestamp stay, so payload sizes and timing read as before.
 */
export class PcapRedactionFramer implements RedactionFramer {
  error: string | undefined;
  private headerDone = false;
  private readonly littleEndian: boolean;
  private readonly recordHeader: number;
  private linkType = 0;
  private maxRecord: number = CAPTURE_LIMITS.maxRecordBytes;

  constructor(
    private readonly packets: PacketRedactor,
    magic: number,
  ) {
    this.littleEndian =
      magic === PCAP_MAGIC.usLittle ||
      magic === PCAP_MAGIC.nsLittle ||
      magic === PCAP_MAGIC.modifiedLittle;
    this.recordHeader =
      magic === PCAP_MAGIC.modifiedLittle || magic === PCAP_MAGIC.modifiedBig ? 24 : 16;
  }

  unitLength(b: Uint8Array, off: number, avail: number): number {
    if (!this.headerDone) return avail < FILE_HEADER ? 0 : FILE_HEADER;
    if (avail < this.recordHeader) return 0;
    const included = u32(b, off + 8, this.littleEndian);
    // The reader stops at a record over min(snaplen, 256 KiB): so does the redactor, or the
    // redacted (shorter) record would let the reader go further than on the original.
    if (included > this.maxRecord) {
      this.error = `record length ${included} exceeds the limit of ${this.maxRecord} bytes: the rest of the capture cannot be framed`;
      return -1;
    }
    return this.recordHeader + included;
  }

  redact(b: Uint8Array, off: number, length: number, output: RedactionOutput): boolean {
    const out = output.out;
    const at = output.at;
    out.set(b.subarray(off, off + length), at);
    if (!this.headerDone) {
      this.headerDone = true;
      const snaplen = u32(b, off + 16, this.littleEndian);
      this.linkType = u32(b, off + 20, this.littleEndian) & 0xffff;
      if (snaplen > 0 && snaplen < this.maxRecord) this.maxRecord = snaplen;
      output.at += length;
      return true;
    }
    const header = this.recordHeader;
    const captured = length - header;
    const kept = this.packets.redact(
      out,
      at + header,
      captured,
      u32(b, off + 12, this.littleEndian),
      this.linkType,
    );
    setU32(out, at + 8, kept, this.littleEndian);
    output.at += header + kept;
    return true;
  }
}
