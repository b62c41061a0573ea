import { formatAddress } from '@netmortem/evidence';

const NFULA_PAYLOAD = 9;
const NFULA_PREFIX = 10;
const LINKTYPE_NFLOG = 239;

/** One NFLOG record: the log prefix and the logged packet's identifying fields. */
export interface NflogRecord {
  readonly timeUs: number;
  readonly prefix: string;
  readonly ipVersion: 4 | 6;
  /** IPv4 identification or IPv6 flow label: the lab's packet id. */
  readonly packetId: number;
  readonly src: string;
  readonly dst: string;
  readonly srcPort: number;
  readonly dstPort: number;
}

/** The NFLOG-link pcap file tcpdump -i nflog:N writes (little- or big-endian headers). */
export function readNflogPcap(bytes: Uint8Array): NflogRecord[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 24) return [];
  const magic = view.getUint32(0, true);
  const little = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  const nano = magic === 0xa1b23c4d || magic === 0x4d3cb2a1;
  if (!little && magic !== 0xd4c3b2a1 && magic !== 0x4d3cb2a1)
    throw new TypeError('not a pcap file');
  if (view.getUint32(20, little) !== LINKTYPE_NFLOG) throw new TypeError('not an NFLOG capture');
  const out: NflogRecord[] = [];
  let at = 24;
  while (at + 16 <= bytes.length) {
    const sec = view.getUint32(at, little);
    const frac = view.getUint32(at + 4, little);
    const caplen = view.getUint32(at + 8, little);
    const start = at + 16;
    if (start + caplen > bytes.length) break;
    const record = parseNflog(
      bytes.subarray(start, start + caplen),
      sec * 1e6 + (nano ? Math.floor(frac / 1000) : frac),
    );
    if (record !== undefined) out.push(record);
    at = start + caplen;
  }
  return out;
}

function parseNflog(data: Uint8Array, timeUs: number): NflogRecord | undefined {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let prefix = '';
  let payload: Uint8Array | undefined;
  // 4-byte header (family, version, group), then TLVs in host byte order, 4-byte aligned.
  let at = 4;
  while (at + 4 <= data.length) {
    const length = view.getUint16(at, true);
    const type = view.getUint16(at + 2, true) & 0x7fff;
    if (length < 4 || at + length > data.length) break;
    const value = data.subarray(at + 4, at + length);
    if (type === NFULA_PREFIX) prefix = new TextDecoder().decode(value).replace(/\0.*$/s, '');
    if (type === NFULA_PAYLOAD) payload = value;
    at += (length + 3) & ~3;
  }
  if (payload === undefined || payload.length < 20) return undefined;
  const p = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const version = (payload[0] as number) >> 4;
  if (version === 4) {
    const ihl = ((payload[0] as number) & 0x0f) * 4;
    if (payload[9] !== 6 || payload.length < ihl + 4) return undefined;
    return {
      timeUs,
      prefix,
      ipVersion: 4,
      packetId: p.getUint16(4),
      src: formatAddress(4, p.getUint32(12), 0, 0, 0),
      dst: formatAddress(4, p.getUint32(16), 0, 0, 0),
      srcPort: p.getUint16(ihl),
      dstPort: p.getUint16(ihl + 2),
    };
  }
  if (version === 6 && payload.length >= 44 && payload[6] === 6) {
    const words = (o: number) =>
      [p.getUint32(o), p.getUint32(o + 4), p.getUint32(o + 8), p.getUint32(o + 12)] as const;
    return {
      timeUs,
      prefix,
      ipVersion: 6,
      packetId: p.getUint32(0) & 0xfffff,
      src: formatAddress(6, ...words(8)),
      dst: formatAddress(6, ...words(24)),
      srcPort: p.getUint16(40),
      dstPort: p.getUint16(42),
    };
  }
  return undefined;
}
